/**
 * Operator CLI for organizations and API keys, working directly against the database, for
 * operators who have no API key yet.
 *
 *   npm run admin -- create-org --name "安吉县白茶合作社" --roles producer [--address 0x…]
 *   npm run admin -- list-orgs
 *   npm run admin -- issue-key <orgId>
 *   npm run admin -- list-keys <orgId>
 *   npm run admin -- revoke-key <orgId> <keyId>
 *   npm run admin -- reset-password <email> [--password <new password>]
 *
 * Database: MONGODB_URI if set; else the embedded database of DATA_DIR (through the running
 * service when it is up, otherwise opened directly).
 */
import fs from "node:fs";
import path from "node:path";
import { Command, Option } from "commander";
import type { Connection } from "mongoose";
import { loadConfig } from "../server/main/config";
import { connectDatabase } from "../server/platform/mongo/database";
import { embeddedMongoOwner, startEmbeddedMongo } from "../server/platform/mongo/embedded/embedded-mongo";
import {
  ORGANIZATION_ROLES,
  type OrganizationRole,
} from "../server/modules/organizations/domain/organization-role";
import {
  createApiKey,
  createOrganization,
  listApiKeys,
  listOrganizations,
  revokeApiKey,
} from "../server/modules/organizations/organizations";
import { resetPassword } from "../server/modules/accounts/passwords";

async function withDatabase<T>(run: (connection: Connection) => Promise<T>): Promise<T> {
  const config = loadConfig();
  let uri = config.MONGODB_URI;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!uri) {
    if (embeddedMongoOwner(config.DATA_DIR) !== undefined) {
      uri = JSON.parse(fs.readFileSync(path.join(config.DATA_DIR, "db.json"), "utf8")).uri as string;
    } else {
      const embedded = await startEmbeddedMongo({ dir: config.DATA_DIR });
      uri = embedded.uri;
      stopEmbedded = embedded.stop;
    }
  }
  const connection = await connectDatabase(uri, { embedded: !config.MONGODB_URI });
  try {
    return await run(connection);
  } finally {
    await connection.close();
    await stopEmbedded?.();
  }
}

function print(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

const program = new Command().name("admin").description("EcoTrace operator CLI");

program
  .command("create-org")
  .description("create an organization and print its first API key (shown once)")
  .requiredOption("--name <name>", "organization name")
  .addOption(
    new Option("--roles <roles...>", "one or more roles").choices(ORGANIZATION_ROLES).makeOptionMandatory(),
  )
  .option("--address <address>", "the organization's Ethereum address")
  .action(async (options: { name: string; roles: OrganizationRole[]; address?: string }) => {
    if (options.address && !/^0x[0-9a-fA-F]{40}$/.test(options.address)) {
      throw new Error("--address must be a 0x-prefixed 20-byte Ethereum address");
    }
    print(await withDatabase((connection) => createOrganization(connection, options)));
  });

program
  .command("list-orgs")
  .description("list organizations")
  .action(async () => print(await withDatabase((connection) => listOrganizations(connection))));

program
  .command("issue-key <orgId>")
  .description("issue an additional API key for an organization (shown once)")
  .action(async (orgId: string) =>
    print(await withDatabase((connection) => createApiKey(connection, orgId))),
  );

program
  .command("list-keys <orgId>")
  .description("list an organization's API keys (prefix only)")
  .action(async (orgId: string) => print(await withDatabase((connection) => listApiKeys(connection, orgId))));

program
  .command("revoke-key <orgId> <keyId>")
  .description("revoke an API key")
  .action(async (orgId: string, keyId: string) =>
    print(await withDatabase((connection) => revokeApiKey(connection, orgId, keyId))),
  );

program
  .command("reset-password <email>")
  .description("set a console member's password (generated unless given), print it once, end their sessions")
  .option("--password <password>", "the new password (at least 12 characters)")
  .action(async (email: string, options: { password?: string }) => {
    const password = await withDatabase((connection) => resetPassword(connection, email, options.password));
    print({ email, password });
  });

program.parseAsync().catch((error: unknown) => {
  console.error(`admin: ${(error as Error).message}`);
  process.exit(1);
});
