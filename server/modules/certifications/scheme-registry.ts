import type { Connection } from "mongoose";
import { SchemeRepository } from "./data/scheme.repository";
import { BUILT_IN_SCHEMES, builtInScheme, type CertificationScheme } from "./domain/certification-schemes";
import { ConflictError, UnprocessableError } from "../../platform/errors";

/** Built-in schemes first, then the ones admins added, in the order they were added. */
export async function listSchemes(connection: Connection): Promise<CertificationScheme[]> {
  const added = await new SchemeRepository(connection).list();
  return [
    ...BUILT_IN_SCHEMES,
    ...added.map((scheme) => ({
      code: scheme.code,
      name: scheme.name,
      ...(scheme.nameEn ? { nameEn: scheme.nameEn } : {}),
      ...(scheme.description ? { description: scheme.description } : {}),
      builtIn: false,
    })),
  ];
}

/** Adds a scheme; its code is claimed with an atomic upsert, so it is added once. */
export async function addScheme(
  connection: Connection,
  input: { code: string; name: string; nameEn?: string; description?: string },
): Promise<CertificationScheme> {
  if (builtInScheme(input.code)) throw new ConflictError(`scheme ${input.code} is built in`);
  const added = await new SchemeRepository(connection).addOnce({ ...input, createdAt: new Date() });
  if (!added) throw new ConflictError(`scheme ${input.code} already exists`);
  return { ...input, builtIn: false };
}

export async function assertSchemeKnown(
  connection: Connection,
  code: string,
  field = "body.message.scheme",
): Promise<void> {
  if (builtInScheme(code)) return;
  if (await new SchemeRepository(connection).exists(code)) return;
  const known = (await listSchemes(connection)).map((scheme) => scheme.code);
  throw new UnprocessableError("UNKNOWN_SCHEME", `scheme ${code} is not one of ${known.join(", ")}`, {
    field,
    known,
  });
}
