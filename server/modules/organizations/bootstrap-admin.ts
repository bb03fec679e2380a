import fs from "node:fs";
import path from "node:path";
import type { Connection } from "mongoose";
import { ApiKeyRepository } from "./data/api-key.repository";
import { OrganizationRepository } from "./data/organization.repository";
import { hashApiKey } from "./domain/api-key";
import type { Logger } from "../../platform/logger";
import { issueApiKey } from "./api-keys";

/**
 * First start with an empty database: create the admin organization and its API key, keep the
 * key in DATA_DIR/admin-api-key (mode 600) and print it once. Later starts reuse the stored key.
 * ADMIN_API_KEY, when set, is the admin key (registered if the database does not know it yet).
 */
export async function bootstrapAdmin(options: {
  connection: Connection;
  dataDir: string;
  adminApiKey?: string;
  logger: Logger;
}): Promise<{ apiKey: string; created: boolean; orgId: string }> {
  const { connection, logger } = options;
  const keyFile = path.join(options.dataDir, "admin-api-key");
  const organizations = new OrganizationRepository(connection);
  const wantedKey = options.adminApiKey ?? readKeyFile(keyFile);

  let admin = await organizations.firstAdmin();
  const created = !admin;
  admin ??= await organizations.create({ name: "EcoTrace administrator", roles: ["admin"] });

  if (wantedKey && (await new ApiKeyRepository(connection).isActive(hashApiKey(wantedKey)))) {
    return { apiKey: wantedKey, created, orgId: admin._id.toHexString() };
  }
  const { apiKey } = await issueApiKey(connection, admin._id, wantedKey);
  if (!options.adminApiKey) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    fs.writeFileSync(keyFile, `${apiKey}\n`, { mode: 0o600 });
    logger.info({ keyFile }, "created the admin API key (shown once below; also stored in the key file)");
    process.stdout.write(`\nAdmin API key: ${apiKey}\n\n`);
  }
  return { apiKey, created, orgId: admin._id.toHexString() };
}

function readKeyFile(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : undefined;
}
