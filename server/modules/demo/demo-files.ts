import fs from "node:fs";
import path from "node:path";
import type { DemoClient } from "./demo-client";
import type { SeededOrgs } from "./demo-organizations";

export interface DemoFileTargets {
  /** Public QR routes take the batch's public id (decision 0020). */
  pages: { key: string; publicId: string }[];
  /** The batch whose item serials are printed, and its first serial (its own QR code). */
  serialBatch: { batchId: string; publicId: string; lot: string; firstSerial: string } | null;
}

/**
 * Writes what a producer would print into `outDir`: a QR PNG per consumer page, one for an item
 * serial, and an A4 sheet of item-serial labels (PDF). Everything comes from the service's own
 * QR and label endpoints, so the files hold exactly the links the service resolves.
 */
export async function writeDemoFiles(
  client: DemoClient,
  adminKey: string,
  outDir: string,
  targets: DemoFileTargets,
): Promise<string[]> {
  fs.mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const write = (name: string, content: Buffer) => {
    const file = path.join(outDir, name);
    fs.writeFileSync(file, content);
    written.push(file);
  };
  for (const page of targets.pages) {
    write(
      `qr-${page.key}.png`,
      await client.bytes(undefined, `/api/batches/${page.publicId}/qr.png?size=512`),
    );
  }
  const serial = targets.serialBatch;
  if (serial) {
    const query = `size=512&serial=${encodeURIComponent(serial.firstSerial)}`;
    write(
      `qr-serial-${serial.firstSerial}.png`,
      await client.bytes(undefined, `/api/batches/${serial.publicId}/qr.png?${query}`),
    );
    const pdf = await client.bytes(
      adminKey,
      `/api/batches/${serial.batchId}/labels.pdf?serials=true&count=24`,
    );
    write(`labels-${serial.lot}.pdf`, pdf);
  }
  return written;
}

/**
 * The demo organizations' API keys and the certifier's private key, for trying the API and
 * `npm run certify` as them (mode 600, like DATA_DIR/admin-api-key). Written once, when seeding.
 */
export function writeDemoAccounts(outDir: string, orgs: SeededOrgs, certifierPrivateKey: string): string {
  fs.mkdirSync(outDir, { recursive: true });
  const file = accountsFile(outDir);
  const accounts = Object.fromEntries(
    Object.entries(orgs).map(([key, org]) => [
      key,
      { id: org.id, name: org.name, roles: org.roles, apiKey: org.apiKey },
    ]),
  );
  const content = { ...accounts, certifierWallet: { privateKey: certifierPrivateKey } };
  fs.writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  return file;
}

export function accountsFile(outDir: string): string {
  return path.join(outDir, "accounts.json");
}
