import { ZeroHash, type Interface } from "ethers";
import type { ProvenanceRegistry } from "../../../typechain-types";
import type { Connection } from "mongoose";
import type { ChainClient } from "../../platform/evm/chain-client";
import { callRegistry } from "../../platform/evm/registry-errors";
import { OrganizationRepository, type OrganizationDoc } from "../organizations";
import { NotFoundError, UnprocessableError } from "../../platform/errors";
import type { Logger } from "../../platform/logger";
import {
  isRegisteredCertifier,
  minedReceipt,
  sendRegistryTransaction,
  type RegistryCall,
} from "./certification-chain";
import { CertifierRegistrationRepository } from "./data/certifier-registration.repository";

export interface CertifierContext {
  connection: Connection;
  chain: ChainClient;
}

/**
 * What the registry admin must send itself when the service does not hold its key: the call,
 * ready for a wallet or a multisig (Safe "transaction builder": to, value 0, data).
 */
export interface AdminTransaction {
  admin: string;
  to: string;
  data: string;
  function: string;
  args: Record<string, string>;
}

type AdminCall =
  | { fn: "registerCertifier"; args: [certifier: string, name: string, metadataHash: string] }
  | { fn: "deregisterCertifier"; args: [certifier: string] };

/**
 * Registers a certifier organization's address on chain (`registerCertifier`, an admin-only call).
 * With the admin key (embedded mode, or REGISTRY_ADMIN_KEY) it is sent and the receipt awaited;
 * otherwise the answer is the transaction the admin must send (`adminTransaction`): the service's
 * own key cannot register anyone (decision 0014). Either way the call is simulated as the admin
 * first, so a refusal (already registered) is a clear 4xx and costs no gas.
 */
export async function registerCertifier(
  ctx: CertifierContext,
  orgId: string,
  input: { name?: string; metadataHash?: string },
) {
  const org = await certifierOrg(ctx, orgId);
  const call: AdminCall = {
    fn: "registerCertifier",
    args: [org.address, input.name ?? org.name, input.metadataHash ?? ZeroHash],
  };
  const outcome = await sendAsAdmin(ctx, call);
  await rememberRegistration(ctx, org, call, outcome);
  return { ...(await certifierStatus(ctx, orgId)), ...outcome };
}

/** Deregisters the organization's address on chain (admin only, as registration); its certifications are frozen, not revoked. */
export async function deregisterCertifier(ctx: CertifierContext, orgId: string) {
  const org = await certifierOrg(ctx, orgId);
  const call: AdminCall = { fn: "deregisterCertifier", args: [org.address] };
  const outcome = await sendAsAdmin(ctx, call);
  await rememberRegistration(ctx, org, call, outcome);
  return { ...(await certifierStatus(ctx, orgId)), ...outcome };
}

/** Stores what the service sent as admin, so that a reset chain can be given it again. */
async function rememberRegistration(
  ctx: CertifierContext,
  org: OrganizationDoc & { address: string },
  call: AdminCall,
  outcome: Awaited<ReturnType<typeof sendAsAdmin>>,
): Promise<void> {
  if (!("txHash" in outcome)) return;
  const [, name, metadataHash] =
    call.fn === "registerCertifier" ? call.args : [org.address, org.name, ZeroHash];
  await new CertifierRegistrationRepository(ctx.connection).save({
    _id: org._id,
    address: org.address,
    name,
    metadataHash,
    active: call.fn === "registerCertifier",
    txHash: outcome.txHash,
  });
}

/**
 * Registers again, as the admin, every certifier this service registered and the registry does
 * not know (a reset chain). Without the admin key nothing can be sent: the calls are logged for
 * the admin. Returns the addresses registered again.
 */
export async function restoreCertifierRegistrations(
  ctx: CertifierContext,
  logger: Logger,
): Promise<string[]> {
  const restored: string[] = [];
  for (const registration of await new CertifierRegistrationRepository(ctx.connection).active()) {
    const { address, name, metadataHash } = registration;
    if (await isRegisteredCertifier(ctx.chain, address)) continue;
    const outcome = await sendAsAdmin(ctx, { fn: "registerCertifier", args: [address, name, metadataHash] });
    if ("txHash" in outcome) restored.push(address);
    else logger.error({ address, ...outcome }, "the registry admin must register this certifier again");
  }
  return restored;
}

async function sendAsAdmin(
  ctx: CertifierContext,
  call: AdminCall,
): Promise<{ txHash: string; blockNumber: number } | { adminTransaction: AdminTransaction }> {
  const { chain } = ctx;
  if (!chain.admin) {
    const admin = await callRegistry("defaultAdmin", () => chain.registry.defaultAdmin());
    // Simulated as the admin through the provider: the service signer would refuse another `from`.
    const asReader = chain.registry.connect(chain.provider);
    await callRegistry(call.fn, () => adminCall(asReader, call, { from: admin }).simulate());
    const contract: Interface = chain.registry.interface;
    const fragment = contract.getFunction(call.fn)!;
    const args = Object.fromEntries(fragment.inputs.map((input, index) => [input.name, call.args[index]]));
    return {
      adminTransaction: {
        admin,
        to: chain.registryAddress,
        data: contract.encodeFunctionData(fragment, call.args),
        function: fragment.format("sighash"),
        args,
      },
    };
  }
  const outcome = await sendRegistryTransaction(
    chain,
    call.fn,
    adminCall(chain.registry.connect(chain.admin), call, {}),
    { sender: chain.admin },
  );
  const receipt = minedReceipt(call.fn, outcome);
  return { txHash: receipt.hash, blockNumber: receipt.blockNumber };
}

function adminCall(
  registry: ProvenanceRegistry,
  call: AdminCall,
  overrides: { from?: string },
): RegistryCall {
  if (call.fn === "registerCertifier") {
    return {
      simulate: () => registry.registerCertifier.staticCall(...call.args, overrides),
      send: () => registry.registerCertifier(...call.args),
    };
  }
  return {
    simulate: () => registry.deregisterCertifier.staticCall(...call.args, overrides),
    send: () => registry.deregisterCertifier(...call.args),
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
  const org = await new OrganizationRepository(ctx.connection).findById(orgId);
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
