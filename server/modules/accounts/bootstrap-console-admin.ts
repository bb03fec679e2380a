import { randomBytes } from "node:crypto";
import { Types, type Connection } from "mongoose";
import type { Logger } from "../../platform/logger";
import { MemberRepository } from "./data/member.repository";
import { hashPassword } from "./domain/password";

/** The console login of the service's admin organization, created on its first start. */
const CONSOLE_ADMIN_EMAIL = "admin@ecotrace.local";

/**
 * First start (the admin organization has no member yet): create the console admin with a
 * generated password, store only its hash and print it once, next to the admin API key. A lost
 * password is reset with `npm run admin -- reset-password admin@ecotrace.local`.
 */
export async function bootstrapConsoleAdmin(options: {
  connection: Connection;
  adminOrgId: string;
  consoleUrl: string;
  logger: Logger;
}): Promise<{ created: boolean }> {
  const members = new MemberRepository(options.connection);
  if ((await members.countActive(options.adminOrgId)) > 0) return { created: false };
  const password = randomBytes(15).toString("base64url");
  await members.create({
    orgId: new Types.ObjectId(options.adminOrgId),
    email: CONSOLE_ADMIN_EMAIL,
    name: "EcoTrace administrator",
    role: "admin",
    passwordHash: await hashPassword(password),
  });
  options.logger.info(
    { email: CONSOLE_ADMIN_EMAIL },
    "created the console admin (password shown once below)",
  );
  process.stdout.write(
    `Console login (${options.consoleUrl}): ${CONSOLE_ADMIN_EMAIL} / ${password}\n` +
      `  shown once, stored only hashed; reset: npm run admin -- reset-password ${CONSOLE_ADMIN_EMAIL}\n\n`,
  );
  return { created: true };
}
