import fs from "node:fs";
import path from "node:path";
import { Wallet } from "ethers";
import { anchorEverything } from "./demo-anchoring";
import { brandPageOf, createDemoBrand, findDemoBrand } from "./demo-brand";
import { submitCertification, revokeCertification } from "./demo-certifier";
import { demoClient, type DemoClient, type Json } from "./demo-client";
import { DEMO_TEAS, demoDataset, type CertificationKey } from "./demo-dataset";
import { type TeaKey } from "./demo-timeline";
import { accountsFile, writeDemoAccounts, writeDemoFiles } from "./demo-files";
import { distribute, inspectAndRecall, processTea, registerHarvests, type Batches } from "./demo-journey";
import {
  createDemoOrganizations,
  findDemoOrganizations,
  IncompleteDemoError,
  type DemoOrgs,
} from "./demo-organizations";

/**
 * The demo seed (`npm run demo`, and `npm start`'s first start with DEMO_SEED): drives a running
 * service through its public HTTP API with the admin key, exactly as clients would, and writes the
 * QR codes and a label sheet into `outDir`. A database that already holds the demo is not seeded
 * again: its consumer pages are looked up and returned.
 */
export interface SeedDemoOptions {
  baseUrl: string;
  adminKey: string;
  /** Where QR PNGs, the label PDF and accounts.json go (DATA_DIR/demo). */
  outDir: string;
  now?: Date;
  signal?: AbortSignal;
  /** Called before each step, for progress output. */
  onStep?: (step: string) => void;
}

export type DemoVerdict = "verified" | "revoked" | "recalled";

export interface DemoPage {
  key: TeaKey;
  title: { zh: string; en: string };
  expectedVerdict: DemoVerdict;
  batchId: string;
  publicId: string;
  lot: string;
  digitalLink: string;
}

export interface DemoSummary {
  /** False when the database already held the demo (nothing was written to it). */
  seeded: boolean;
  baseUrl: string;
  pages: DemoPage[];
  serial: { batchId: string; serial: string; digitalLink: string } | null;
  brand: { id: string; name: string; page: string; report: string } | null;
  files: string[];
  durationMs: number;
}

const PAGES: Record<TeaKey, { title: DemoPage["title"]; expectedVerdict: DemoVerdict }> = {
  mingqianTea: {
    title: { zh: "明前特级：零售售出，全程可验证", en: "Mingqian top grade: sold at retail, verified" },
    expectedVerdict: "verified",
  },
  daxiTea: {
    title: {
      zh: "一级：茶园的绿色食品证书已撤销",
      en: "First grade: the farm's green-food certificate was revoked",
    },
    expectedVerdict: "revoked",
  },
  yuqianTea: {
    title: {
      zh: "雨前二级：水分超标，已召回",
      en: "Yuqian second grade: recalled (moisture above the limit)",
    },
    expectedVerdict: "recalled",
  },
};

export const DEMO_REVOCATION = {
  certification: "daxiGreenFood" as CertificationKey,
  reason: "年度监督检查发现使用未登记的投入品 / annual surveillance found an unregistered farm input",
};
/** One A4 sheet of item labels: 24 tins of 250 g (a branded batch's labels may not outweigh it). */
const SERIAL_COUNT = 24;
const ITEM_QUANTITY = { value: 0.25, unit: "KGM" };

export async function seedDemo(options: SeedDemoOptions): Promise<DemoSummary> {
  const started = Date.now();
  const client = demoClient(options.baseUrl, { signal: options.signal });
  const step = options.onStep ?? (() => undefined);
  step("looking for an existing demo");
  const existing = await findDemoOrganizations(client, options.adminKey);
  const result = existing
    ? await lookUpDemo(client, options.adminKey, existing)
    : await seedNew(client, options, step);
  // The accounts of an earlier seed stay where it wrote them (on the machine that ran it).
  const accounts =
    existing && fs.existsSync(accountsFile(options.outDir)) ? [accountsFile(options.outDir)] : [];
  step("writing QR codes and labels");
  const files = await writeDemoFiles(client, options.adminKey, options.outDir, {
    pages: result.pages.map((page) => ({ key: page.key, publicId: page.publicId })),
    serialBatch: result.serial
      ? {
          batchId: result.serial.batchId,
          publicId: publicIdOf(result.pages, result.serial.batchId),
          lot: lotOf(result.pages, result.serial.batchId),
          firstSerial: result.serial.serial,
        }
      : null,
  });
  return {
    seeded: !existing,
    baseUrl: client.baseUrl,
    ...result,
    files: [...result.files, ...accounts, ...files],
    durationMs: Date.now() - started,
  };
}

type SeedResult = Omit<DemoSummary, "seeded" | "baseUrl" | "durationMs">;

async function seedNew(
  client: DemoClient,
  options: SeedDemoOptions,
  step: (step: string) => void,
): Promise<SeedResult> {
  const data = demoDataset(options.now ?? new Date());
  const wallet = Wallet.createRandom();
  step("creating organizations and registering the certifier on chain");
  const orgs = await createDemoOrganizations(client, options.adminKey, wallet.address);
  const accounts = writeDemoAccounts(options.outDir, orgs, wallet.privateKey);
  const certifier = { apiKey: orgs.certifier.apiKey, wallet };

  step("certifying the producers (EIP-712, signed with the certifier's own key)");
  const certifications: Partial<Record<CertificationKey, Json>> = {};
  for (const [key, { producer, ...draft }] of Object.entries(data.certifications)) {
    certifications[key as CertificationKey] = await submitCertification(client, certifier, {
      ...draft,
      subject: { kind: "producer", id: orgs[producer].id },
    });
  }

  step("registering the brand 安吉白茶 and licensing both co-ops");
  const brand = await createDemoBrand(client, orgs, data, certifications as Record<CertificationKey, Json>);

  step("harvest, inspection, processing, shipping, retail and one recall");
  const ctx = { client, orgs, data, brandId: brand.id };
  const harvests = await registerHarvests(ctx);
  const teas = await processTea(ctx, harvests);
  await inspectAndRecall(ctx, teas);
  await distribute(ctx, teas);
  // The service times coverage events now (the seed's today), so they are recorded after the
  // season's events: each chain stays in time order.
  for (const certification of Object.values(certifications)) {
    await client.post(certifier.apiKey, `/api/certifications/${certification.id}/coverage`);
  }

  step("revoking one certificate (signed by the certifier, relayed by the service)");
  const revoked = certifications[DEMO_REVOCATION.certification]!;
  await revokeCertification(client, certifier, revoked.id, DEMO_REVOCATION.reason);

  step("issuing item serials");
  const serials = await client.post(orgs.processor.apiKey, `/api/batches/${teas.mingqianTea.id}/serials`, {
    count: SERIAL_COUNT,
    itemQuantity: ITEM_QUANTITY,
  });

  step("anchoring every event on chain and waiting for the confirmation");
  await anchorEverything(client, options.adminKey);
  return {
    pages: pagesOf(teas),
    serial: { batchId: teas.mingqianTea.id, ...serials.items[0] },
    brand: await brandPageOf(client, brand, options.adminKey),
    files: [accounts],
  };
}

/** A database that holds the demo already: find its finished tea batches and first item serial. */
async function lookUpDemo(client: DemoClient, adminKey: string, orgs: DemoOrgs): Promise<SeedResult> {
  const teas: Partial<Batches<TeaKey>> = {};
  for (const [key, tea] of Object.entries(DEMO_TEAS) as [TeaKey, (typeof DEMO_TEAS)[TeaKey]][]) {
    const query = new URLSearchParams({ producer: orgs.processor.id, product: tea.name, limit: "1" });
    const { items } = await client.get(adminKey, `/api/batches?${query}`);
    if (!items[0]) throw new IncompleteDemoError(`batch ${tea.name} is missing`);
    teas[key] = items[0];
  }
  const found = teas as Batches<TeaKey>;
  const serials = await client.get(adminKey, `/api/batches/${found.mingqianTea.id}/serials?limit=1`);
  const first = serials.items[0];
  const brand = await findDemoBrand(client, orgs);
  if (!brand) throw new IncompleteDemoError("the brand is missing");
  return {
    pages: pagesOf(found),
    serial: first
      ? { batchId: found.mingqianTea.id, serial: first.serial, digitalLink: first.digitalLink }
      : null,
    brand: await brandPageOf(client, brand, adminKey),
    files: [],
  };
}

function pagesOf(teas: Batches<TeaKey>): DemoPage[] {
  return (Object.keys(PAGES) as TeaKey[]).map((key) => ({
    key,
    ...PAGES[key],
    batchId: teas[key].id,
    publicId: teas[key].publicId,
    lot: teas[key].lot,
    digitalLink: teas[key].digitalLink,
  }));
}

function publicIdOf(pages: DemoPage[], batchId: string): string {
  const page = pages.find((candidate) => candidate.batchId === batchId);
  if (!page) throw new IncompleteDemoError(`batch ${batchId} is not one of the demo's pages`);
  return page.publicId;
}

function lotOf(pages: DemoPage[], batchId: string): string {
  return pages.find((page) => page.batchId === batchId)?.lot ?? batchId;
}

/** Where the demo's files go for a service whose data lives in `dataDir`. */
export function demoOutDir(dataDir: string): string {
  return path.join(dataDir, "demo");
}
