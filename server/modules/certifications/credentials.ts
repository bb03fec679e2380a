import { Types } from "mongoose";
import type { ChainClient } from "../../platform/evm/chain-client";
import { NotFoundError } from "../../platform/errors";
import type { UseCaseContext } from "../ledger";
import { readChainSnapshot } from "./certification-chain";
import { CertificationRepository } from "./data/certification.repository";
import { SchemeEquivalenceRepository } from "./data/scheme-equivalence.repository";
import { certificationCredential } from "./domain/certification-credential";
import { credentialVerdict, readCredential, type CredentialVerdict } from "./domain/credential-check";
import type { SchemeEquivalent } from "./domain/scheme-equivalence";
import { assertSchemeKnown, listSchemes } from "./scheme-registry";

type CredentialContext = UseCaseContext & { chain: ChainClient };

/** A stored certification as a W3C Verifiable Credential, found by its certHash. */
export async function credentialFor(ctx: CredentialContext, certHash: string, baseUrl: string) {
  const certification = await new CertificationRepository(ctx.connection).findByCertHash(certHash);
  if (!certification) throw new NotFoundError(`no certification has certHash ${certHash}`);
  const schemes = await listSchemes(ctx.connection);
  const scheme = schemes.find((candidate) => candidate.code === certification.scheme);
  const equivalents = await new SchemeEquivalenceRepository(ctx.connection).of(certification.scheme);
  return certificationCredential(
    certification,
    {
      code: certification.scheme,
      name: scheme?.name ?? certification.scheme,
      ...(scheme?.nameEn ? { nameEn: scheme.nameEn } : {}),
      ...(scheme?.description ? { description: scheme.description } : {}),
      equivalents,
    },
    { baseUrl, issuerName: await certifierName(ctx.chain, certification.certifier) },
  );
}

/**
 * Checks a credential the way `npm run verify-credential` does, against this service's chain:
 * one whose signature names another registry or chain is answered "unknown" with the reason
 * (check it with the CLI and an RPC endpoint of that chain).
 */
export async function verifyCredential(
  ctx: CredentialContext,
  credential: unknown,
): Promise<CredentialVerdict & { checkedAt: string; blockNumber: number | null }> {
  const reading = readCredential(credential);
  const nowSec = Math.floor(ctx.now().getTime() / 1000);
  const checkedAt = ctx.now().toISOString();
  if (!reading.ok) return { ...credentialVerdict(reading, null, nowSec), checkedAt, blockNumber: null };
  const { lookup } = reading;
  const chainId = Number((await ctx.chain.provider.getNetwork()).chainId);
  const registry = await ctx.chain.registry.getAddress();
  if (lookup.chainId !== chainId || lookup.registry.toLowerCase() !== registry.toLowerCase()) {
    return {
      valid: false,
      state: "unknown",
      reasons: [
        `issued for registry ${lookup.registry} on chain ${lookup.chainId}; this service reads ${registry} on chain ${chainId}: check it with npm run verify-credential and an RPC endpoint of that chain`,
      ],
      checkedAt,
      blockNumber: null,
    };
  }
  const snapshot = await readChainSnapshot(ctx.chain, [
    { certHash: lookup.certHash, certifier: lookup.issuer.toLowerCase() },
  ]);
  const record = snapshot?.records.get(lookup.certHash) ?? null;
  return {
    ...credentialVerdict(reading, record, nowSec),
    checkedAt,
    blockNumber: snapshot?.blockNumber ?? null,
  };
}

export async function listSchemeEquivalences(ctx: UseCaseContext) {
  const docs = await new SchemeEquivalenceRepository(ctx.connection).list();
  return docs.map((doc) => ({
    scheme: doc.scheme,
    equivalents: doc.equivalents,
    updatedAt: doc.updatedAt.toISOString(),
    updatedBy: doc.updatedBy.toHexString(),
  }));
}

export async function setSchemeEquivalents(
  ctx: UseCaseContext,
  scheme: string,
  equivalents: SchemeEquivalent[],
  adminOrgId: string,
) {
  await assertSchemeKnown(ctx.connection, scheme, "params.scheme");
  const at = ctx.now();
  await new SchemeEquivalenceRepository(ctx.connection).replace(
    scheme,
    equivalents,
    new Types.ObjectId(adminOrgId),
    at,
  );
  return { scheme, equivalents, updatedAt: at.toISOString(), updatedBy: adminOrgId };
}

async function certifierName(chain: ChainClient, address: string): Promise<string | null> {
  try {
    const certifier = await chain.registry.certifierOf(address);
    return certifier.name || null;
  } catch {
    return null;
  }
}
