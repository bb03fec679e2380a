import { ZeroHash } from "ethers";
import type { Connection } from "mongoose";
import type { ChainClient } from "../../platform/evm/chain-client";
import { callRegistry } from "../../platform/evm/registry-errors";
import { organizationModel, type OrganizationDoc } from "../organizations/data/organization.model";
import { NotFoundError, UnprocessableError } from "../../platform/errors";
import { minedReceipt, sendRegistryTransaction } from "./certification-chain";

export interface CertifierContext {
  connection: Connection;
  chain: ChainClient;
}

/**
 * Registers a certifier organization's address on chain (`registerCertifier`, sent by the service
 * signer, which holds the registry's admin role) and waits for the receipt. The call is simulated
 * first, so a refusal (already registered, signer without the admin role) is a clear 4xx/503 and
 * costs no gas.
 */
export async function registerCertifier(
  ctx: CertifierContext,
  orgId: string,
  input: { name?: string; metadataHash?: string },
) {
  const org = await certifierOrg(ctx, orgId);
  const name = input.name ?? org.name;
  const metadataHash = input.metadataHash ?? ZeroHash;
  const { registry } = ctx.chain;
  const outcome = await sendRegistryTransaction(ctx.chain, "registerCertifier", {
    simulate: () => registry.registerCertifier.staticCall(org.address, name, metadataHash),
    send: () => registry.registerCertifier(org.address, name, metadataHash),
  });
  const receipt = minedReceipt("registerCertifier", outcome);
  return {
    ...(await certifierStatus(ctx, orgId)),
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
  };
}

/** Deregisters the organization's address on chain; its certifications are frozen, not revoked. */
export async function deregisterCertifier(ctx: CertifierContext, orgId: string) {
  const org = await certifierOrg(ctx, orgId);
  const { registry } = ctx.chain;
  const outcome = await sendRegistryTransaction(ctx.chain, "deregisterCertifier", {
    simulate: () => registry.deregisterCertifier.staticCall(org.address),
    send: () => registry.deregisterCertifier(org.address),
  });
  const receipt = minedReceipt("deregisterCertifier", outcome);
  return {
    ...(await certifierStatus(ctx, orgId)),
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
  };
}

/** The organization's registration record as the registry has it. */
export async function certifierStatus(ctx: CertifierContext, orgId: string) {
  const org = await certifierOrg(ctx, orgId);
  const record = await callRegistry("certifierOf", () => ctx.chain.registry.certifierOf(org.address));
  return {
    orgId,
    address: org.address,
    registered: record.active,
    name: record.name === "" ? null : record.name,
    metadataHash: record.metadataHash,
    registeredAt:
      record.registeredAt > 0n ? new Date(Number(record.registeredAt) * 1000).toISOString() : null,
  };
}

async function certifierOrg(
  ctx: CertifierContext,
  orgId: string,
): Promise<OrganizationDoc & { address: string }> {
  const org = await organizationModel(ctx.connection).findById(orgId).lean<OrganizationDoc>();
  if (!org) throw new NotFoundError("organization", orgId);
  if (!org.roles.includes("certifier")) {
    throw new UnprocessableError("NOT_A_CERTIFIER", `organization ${orgId} does not have the certifier role`);
  }
  if (!org.address) {
    throw new UnprocessableError(
      "NO_ADDRESS",
      `organization ${orgId} has no Ethereum address; create it with an address to register it as a certifier`,
    );
  }
  return org as OrganizationDoc & { address: string };
}
