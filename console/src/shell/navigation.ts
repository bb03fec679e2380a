import { lazy, type ComponentType } from "react";

type ScreenComponent = ComponentType<{ params: Record<string, string> }>;
type Loader = () => Promise<ScreenComponent>;
const loaders = new Map<ScreenComponent, Loader>();

/** A screen in its own chunk, loaded when first shown or earlier through preloadScreen. */
function screen(load: Loader): ScreenComponent {
  const component = lazy(() => load().then((loaded) => ({ default: loaded })));
  loaders.set(component, load);
  return component;
}
import type { MessageKey } from "../i18n/i18n";
import { match } from "./router";
import type { Session } from "../session/session";
const BatchesPage = screen(() =>
  import("../pages/producer/batches-page").then((module) => module.BatchesPage),
);
const BatchDetailPage = screen(() =>
  import("../pages/producer/batch-detail-page").then((module) => module.BatchDetailPage),
);
const RegisterBatchPage = screen(() =>
  import("../pages/producer/register-batch-page").then((module) => module.RegisterBatchPage),
);
const TransfersPage = screen(() =>
  import("../pages/producer/transfers-page").then((module) => module.TransfersPage),
);
const TransformationPage = screen(() =>
  import("../pages/producer/transformation-page").then((module) => module.TransformationPage),
);
const ImportPage = screen(() => import("../pages/producer/import-page").then((module) => module.ImportPage));
const CertificationsPage = screen(() =>
  import("../pages/certifier/certifications-page").then((module) => module.CertificationsPage),
);
const BrandsPage = screen(() => import("../pages/brand/brands-page").then((module) => module.BrandsPage));
const AuditsPage = screen(() => import("../pages/auditor/audits-page").then((module) => module.AuditsPage));
// Certifier and auditor/regulator oversight (issue 17).
const CertifiedProducersPage = screen(() =>
  import("../pages/certifier/certified-producers-page").then((module) => module.CertifiedProducersPage),
);
const AuditRunPage = screen(() =>
  import("../pages/auditor/audit-run-page").then((module) => module.AuditRunPage),
);
const RegionalOverviewPage = screen(() =>
  import("../pages/auditor/regional-overview-page").then((module) => module.RegionalOverviewPage),
);
const MembersPage = screen(() => import("../pages/admin/members-page").then((module) => module.MembersPage));
const AnchoringPage = screen(() =>
  import("../pages/admin/anchoring-page").then((module) => module.AnchoringPage),
);
const OrganizationsPage = screen(() =>
  import("../pages/admin/organizations-page").then((module) => module.OrganizationsPage),
);

// Each screen is its own chunk: the phone downloads only the screen it opens.
const SUPPLY_CHAIN = ["producer", "processor", "logistics", "retailer"];

export interface Screen {
  path: string;
  title: MessageKey;
  /** Shown in the menu; detail screens are reached from their list. */
  inMenu: boolean;
  component: ScreenComponent;
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
  {
    path: "/transformations/new",
    title: "nav.transform",
    inMenu: true,
    component: TransformationPage,
    allowed: any(["producer", "processor"]),
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
  // Certifier and auditor/regulator oversight (issue 17).
  {
    path: "/certified-producers",
    title: "nav.certifiedProducers",
    inMenu: true,
    component: CertifiedProducersPage,
    allowed: any(["certifier"]),
  },
  {
    path: "/audits/:id",
    title: "nav.auditRun",
    inMenu: false,
    component: AuditRunPage,
    allowed: any(["auditor", "admin", "certifier"]),
  },
  {
    path: "/regions",
    title: "nav.regions",
    inMenu: true,
    component: RegionalOverviewPage,
    allowed: any(["auditor", "admin"]),
  },
  {
    path: "/anchoring",
    title: "nav.anchoring",
    inMenu: true,
    component: AnchoringPage,
    allowed: any(["admin"]),
  },
  {
    path: "/organizations",
    title: "nav.organizations",
    inMenu: true,
    component: OrganizationsPage,
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

/**
 * Starts downloading the chunk of the screen at `path` while the session is still being checked:
 * on a slow connection the two round trips then overlap instead of following each other.
 */
export function preloadScreen(path: string): void {
  const found = SCREENS.find((candidate) => match(candidate.path, path));
  if (found) void loaders.get(found.component)?.();
}
