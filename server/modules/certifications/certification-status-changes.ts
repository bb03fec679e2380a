import { Types } from "mongoose";
import type { ChainClient } from "../../platform/evm/chain-client";
import { callRegistry } from "../../platform/evm/registry-errors";
import type { CertificationDoc } from "./data/certification.model";
import type { CertificationStatusChangeDoc } from "./data/certification-status-change.model";
import { StatusChangeRepository } from "./data/status-change.repository";
import {
  STATUS_CHANGE_CODES,
  STATUS_CHANGE_PRIMARY_TYPE,
  STATUS_CHANGE_TYPES,
  recoverStatusChangeSigner,
  statusChangeDomain,
  type StatusChangeMessage,
  type StatusChangeTarget,
} from "./domain/certification-status-change";
import { AppError, ConflictError, UnprocessableError } from "../../platform/errors";
import {
  certifierNonce,
  minedReceipt,
  sendRegistryTransaction,
  type RegistryCall,
} from "./certification-chain";
import type { CertificationContext } from "./certifications";

/** Default and longest lifetime of a status-change template's signature. */
export const DEFAULT_SIGNATURE_TTL_SEC = 3600;
export const MAX_SIGNATURE_TTL_SEC = 7 * 24 * 3600;

/**
 * The exact EIP-712 typed data a certifier signs (offline, e.g. with scripts/certify.ts) to
 * revoke, suspend or reinstate a certification: the registry's domain, its current nonce for the
 * certifier, and a deadline `ttlSec` after the chain's latest block time (the time the registry
 * checks the deadline against).
 */
export async function statusChangeTemplate(
  ctx: CertificationContext,
  certification: CertificationDoc,
  target: StatusChangeTarget,
  reason: string,
  ttlSec = DEFAULT_SIGNATURE_TTL_SEC,
) {
  const [nonce, block] = await Promise.all([
    certifierNonce(ctx.chain, certification.certifier),
    callRegistry("getBlock", () => ctx.chain.provider.getBlock("latest")),
  ]);
  const chainNow = Math.max(block?.timestamp ?? 0, Math.floor(ctx.now().getTime() / 1000));
  const message: StatusChangeMessage = {
    certHash: certification.certHash,
    status: STATUS_CHANGE_CODES[target],
    reason,
    certifier: certification.certifier,
    nonce: nonce.toString(),
    deadline: chainNow + ttlSec,
  };
  return {
    domain: statusChangeDomain(ctx.chain.chainId, ctx.chain.registryAddress),
    types: STATUS_CHANGE_TYPES,
    primaryType: STATUS_CHANGE_PRIMARY_TYPE,
    message,
  };
}

export interface SignedStatusChange {
  reason: string;
  nonce: string;
  deadline: number;
  signature: string;
}

/**
 * Relays a certifier's signed status change to the registry (`revokeCertificationBySig` for a
 * revocation, `setCertificationStatusBySig` otherwise), sent by the service signer. Checked here
 * first (the nonce is current, the signature is the certification's certifier's), then simulated
 * so that a registry refusal is a clear 4xx and costs no gas. The signed change is stored as soon
 * as its transaction is broadcast (so it can be re-verified later), then updated with the outcome.
 * Returns the stored change: `mined`, or `sent` if it was not mined within the wait.
 */
export async function relayStatusChange(
  ctx: CertificationContext,
  relayedBy: string,
  certification: CertificationDoc,
  target: StatusChangeTarget,
  input: SignedStatusChange,
): Promise<CertificationStatusChangeDoc> {
  await assertSignedByCertifier(ctx, certification, target, input);
  const action = target === "revoked" ? "revokeCertificationBySig" : "setCertificationStatusBySig";
  const changes = new StatusChangeRepository(ctx.connection);
  const change: CertificationStatusChangeDoc = {
    _id: new Types.ObjectId(),
    certificationId: certification._id,
    certHash: certification.certHash,
    status: target,
    reason: input.reason,
    certifier: certification.certifier,
    nonce: input.nonce,
    deadline: input.deadline,
    signature: input.signature.toLowerCase(),
    txHash: "",
    state: "sent",
    blockNumber: null,
    relayedBy: new Types.ObjectId(relayedBy),
    relayedAt: ctx.now(),
  };
  const outcome = await sendRegistryTransaction(
    ctx.chain,
    action,
    registryCall(ctx.chain, certification, target, input),
    {
      // Called for each transaction sent: the first records the change, a resend updates its hash.
      onSent: async (txHash) => {
        const first = !change.txHash;
        change.txHash = txHash;
        if (first) await changes.insert(change);
        else await changes.setTxHash(change._id, txHash);
      },
    },
  );
  const outcomeState = { mined: "mined", pending: "sent", reverted: "reverted", dropped: "dropped" } as const;
  change.state = outcomeState[outcome.kind];
  change.blockNumber = outcome.kind === "mined" ? outcome.receipt.blockNumber : null;
  await changes.setOutcome(change._id, change.state, change.blockNumber);
  if (outcome.kind !== "pending") minedReceipt(action, outcome);
  return change;
}

/** The signed changes this service relayed for a certification, oldest first. */
export async function relayedStatusChanges(ctx: CertificationContext, certificationId: Types.ObjectId) {
  return new StatusChangeRepository(ctx.connection).ofCertification(certificationId);
}

export function statusChangeView(change: CertificationStatusChangeDoc) {
  return {
    id: change._id.toHexString(),
    status: change.status,
    reason: change.reason,
    certifier: change.certifier,
    nonce: change.nonce,
    deadline: change.deadline,
    signature: change.signature,
    txHash: change.txHash,
    state: change.state,
    blockNumber: change.blockNumber,
    relayedBy: change.relayedBy.toHexString(),
    relayedAt: new Date(change.relayedAt).toISOString(),
  };
}

async function assertSignedByCertifier(
  ctx: CertificationContext,
  certification: CertificationDoc,
  target: StatusChangeTarget,
  input: SignedStatusChange,
): Promise<void> {
  const { chain } = ctx;
  const current = await certifierNonce(chain, certification.certifier);
  if (BigInt(input.nonce) !== current) {
    throw new ConflictError(
      `the change was signed with nonce ${input.nonce} but the certifier's next nonce is ${current}; sign a new template`,
      { signedNonce: input.nonce, currentNonce: current.toString() },
    );
  }
  const message: StatusChangeMessage = {
    certHash: certification.certHash,
    status: STATUS_CHANGE_CODES[target],
    reason: input.reason,
    certifier: certification.certifier,
    nonce: input.nonce,
    deadline: input.deadline,
  };
  const domain = statusChangeDomain(chain.chainId, chain.registryAddress);
  const signer = recoverSigner(domain, message, input.signature);
  if (signer !== certification.certifier) {
    throw new UnprocessableError(
      "WRONG_SIGNER",
      `the status change was signed by ${signer}, not by the certification's certifier ${certification.certifier}`,
      { signer, certifier: certification.certifier },
    );
  }
}

/**
 * Relays a stored, once mined status change again (a reset chain lost it): the certifier's
 * signature is still valid while its deadline has not passed and the registry's nonce for the
 * certifier is the one it was signed with. Returns the transaction hash.
 */
export async function relayStoredStatusChange(
  chain: ChainClient,
  change: CertificationStatusChangeDoc,
): Promise<string> {
  const action = change.status === "revoked" ? "revokeCertificationBySig" : "setCertificationStatusBySig";
  const outcome = await sendRegistryTransaction(
    chain,
    action,
    registryCall(chain, change, change.status, change),
  );
  return minedReceipt(action, outcome).hash;
}

function registryCall(
  chain: ChainClient,
  certification: { certHash: string; certifier: string },
  target: StatusChangeTarget,
  input: SignedStatusChange,
): RegistryCall {
  const { registry } = chain;
  const { certHash, certifier } = certification;
  const { reason, deadline, signature } = input;
  if (target === "revoked") {
    return {
      simulate: () =>
        registry.revokeCertificationBySig.staticCall(certHash, reason, certifier, deadline, signature),
      send: () => registry.revokeCertificationBySig(certHash, reason, certifier, deadline, signature),
    };
  }
  const status = STATUS_CHANGE_CODES[target];
  return {
    simulate: () =>
      registry.setCertificationStatusBySig.staticCall(
        certHash,
        status,
        reason,
        certifier,
        deadline,
        signature,
      ),
    send: () =>
      registry.setCertificationStatusBySig(certHash, status, reason, certifier, deadline, signature),
  };
}

function recoverSigner(
  domain: ReturnType<typeof statusChangeDomain>,
  message: StatusChangeMessage,
  signature: string,
): string {
  try {
    return recoverStatusChangeSigner(domain, message, signature);
  } catch (cause) {
    throw new AppError(
      "INVALID_SIGNATURE",
      `the signature cannot be recovered: ${(cause as Error).message}`,
      422,
    );
  }
}
