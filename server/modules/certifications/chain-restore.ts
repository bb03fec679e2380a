import type { Connection } from "mongoose";
import type { ChainClient } from "../../platform/evm/chain-client";
import type { Logger } from "../../platform/logger";
import { certifierNonce } from "./certification-chain";
import { issueCertificationOnChain } from "./certification-issuance";
import { relayStoredStatusChange } from "./certification-status-changes";
import { restoreCertifierRegistrations } from "./certifiers";
import { CertificationRepository } from "./data/certification.repository";
import { StatusChangeRepository } from "./data/status-change.repository";

export interface ChainRestoreReport {
  certifiers: number;
  issued: number;
  statusChanges: number;
  /** Records the chain could not be given again (logged one by one with the reason). */
  failed: number;
}

/**
 * After a chain reset: gives the registry again what this service once sent or relayed to it,
 * from the service's own records, in the order it happened: certifier registrations (as admin,
 * where the service holds the admin key), every stored certification (the certifier's issuance
 * signature relayed again; already issued ones are skipped), then the status changes that were
 * mined (the certifier's signatures, oldest first, so each meets the nonce it was signed with;
 * one whose deadline has passed can no longer be relayed and is reported).
 */
export async function restoreCertificationsOnChain(
  ctx: { connection: Connection; chain: ChainClient },
  logger: Logger,
): Promise<ChainRestoreReport> {
  const report: ChainRestoreReport = { certifiers: 0, issued: 0, statusChanges: 0, failed: 0 };
  report.certifiers = (await restoreCertifierRegistrations(ctx, logger)).length;

  for (const certification of await new CertificationRepository(ctx.connection).naming()) {
    const { certHash, certifier, signature } = certification;
    try {
      if (await issueCertificationOnChain(ctx.chain, { certHash, certifier, signature })) report.issued += 1;
    } catch (error) {
      report.failed += 1;
      logger.error(
        { certHash, certifier, err: (error as Error).message },
        "could not issue a certification again",
      );
    }
  }

  for (const change of await new StatusChangeRepository(ctx.connection).minedOldestFirst()) {
    if (BigInt(change.nonce) < (await certifierNonce(ctx.chain, change.certifier))) continue;
    try {
      await relayStoredStatusChange(ctx.chain, change);
      report.statusChanges += 1;
    } catch (error) {
      report.failed += 1;
      logger.error(
        {
          certHash: change.certHash,
          status: change.status,
          deadline: change.deadline,
          err: (error as Error).message,
        },
        "could not relay a status change again",
      );
    }
  }
  logger.warn({ ...report }, "restored certifier registrations and certifications on the reset chain");
  return report;
}
