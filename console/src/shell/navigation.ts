import { lazy, type ComponentType } from "react";
import type { MessageKey } from "../i18n/i18n";
import type { Session } from "../session/session";
const BatchesPage = lazy(() =>
  import("../pages/producer/batches-page").then((module) => ({ default: module.BatchesPage })),
);
const BatchDetailPage = lazy(() =>
  import("../pages/producer/batch-detail-page").then((module) => ({ default: module.BatchDetailPage })),
);
const RegisterBatchPage = lazy(() =>
  import("../pages/producer/register-batch-page").then((module) => ({ default: module.RegisterBatchPage })),
);
const TransfersPage = lazy(() =>
  import("../pages/producer/transfers-page").then((module) => ({ default: module.TransfersPage })),
);
const ImportPage = lazy(() =>
  import("../pages/producer/import-page").then((module) => ({ default: module.ImportPage })),
);
const CertificationsPage = lazy(() =>
  import("../pages/certifier/certifications-page").then((module) => ({ default: module.CertificationsPage })),
);
const BrandsPage = lazy(() =>
  import("../pages/brand/brands-page").then((module) => ({ default: module.BrandsPage })),
);
const AuditsPage = lazy(() =>
  import("../pages/auditor/audits-page").then((module) => ({ default: module.AuditsPage })),
);
const MembersPage = lazy(() =>
  import("../pages/admin/members-page").then((module) => ({ default: module.MembersPage })),
);
const AnchoringPage = lazy(() =>
  import("../pages/admin/anchoring-page").then((module) => ({ default: module.AnchoringPage })),
);

// Each screen is its own chunk: the phone downloads only the screen it opens.
const SUPPLY_CHAIN = ["producer", "processor", "logistics", "retailer"];

export interface Screen {
  path: string;
  title: MessageKey;
  /** Shown in the menu; detail screens are reached from their list. */
  inMenu: boolean;
  component: ComponentType<{ params: Record<string, string> }>;
  allowed(roles: string[], memberRole: string): boolean;
}

const any = (wanted: string[]) => (roles: string[]) => roles.some((role) => wanted.includes(role));

/** Every screen and who may open it: the menu shows only what the organization's roles allow. */
export const SCREENS: Screen[] = [
  {
    path: "/batches",
    title: "nav.batches",
    inMenu: true,
    component: BatchesPage,
    allowed: any([...SUPPLY_CHAIN, "certifier", "auditor", "admin"]),
  },
  {
    path: "/batches/new",
    title: "nav.register",
    inMenu: true,
    component: RegisterBatchPage,
    allowed: any(["producer"]),
  },
  {
    path: "/batches/:id",
    title: "nav.batch",
    inMenu: false,
    component: BatchDetailPage,
    allowed: () => true,
  },
  {
    path: "/transfers",
    title: "nav.transfers",
    inMenu: true,
    component: TransfersPage,
    allowed: any(SUPPLY_CHAIN),
  },
  { path: "/imports", title: "nav.imports", inMenu: true, component: ImportPage, allowed: any(SUPPLY_CHAIN) },
  {
    path: "/certifications",
    title: "nav.certifications",
    inMenu: true,
    component: CertificationsPage,
    allowed: any(["certifier"]),
  },
  {
    path: "/brands",
    title: "nav.brands",
    inMenu: true,
    component: BrandsPage,
    allowed: any(["brand_owner"]),
  },
  {
    path: "/audits",
    title: "nav.audits",
    inMenu: true,
    component: AuditsPage,
    allowed: any(["auditor", "admin", "certifier"]),
  },
  {
    path: "/anchoring",
    title: "nav.anchoring",
    inMenu: true,
    component: AnchoringPage,
    allowed: any(["admin"]),
  },
  {
    path: "/members",
    title: "nav.members",
    inMenu: true,
    component: MembersPage,
    allowed: (_roles, memberRole) => memberRole === "admin",
  },
];

export function screensFor(session: Session): Screen[] {
  return SCREENS.filter((screen) => screen.allowed(session.organization.roles, session.organization.role));
}
