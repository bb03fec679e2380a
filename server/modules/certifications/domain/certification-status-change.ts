import { verifyTypedData, type TypedDataField } from "ethers";

/**
 * The registry's own EIP-712 message for relayed status changes (docs/contract.md): a certifier
 * signs it offline and anyone relays it with `revokeCertificationBySig` /
 * `setCertificationStatusBySig`. The registry checks it again; the service checks it first so
 * that a wrong signer is refused with a clear message and no gas is spent.
 */
export const STATUS_CHANGE_PRIMARY_TYPE = "CertificationStatusChange";

export const STATUS_CHANGE_TYPES: Record<string, TypedDataField[]> = {
  CertificationStatusChange: [
    { name: "certHash", type: "bytes32" },
    { name: "status", type: "uint8" },
    { name: "reason", type: "string" },
    { name: "certifier", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** Target statuses by their API names, with the registry's enum value (`CertificationStatus`). */
export const STATUS_CHANGE_CODES = { reinstated: 0, suspended: 1, revoked: 2 } as const;
export type StatusChangeTarget = keyof typeof STATUS_CHANGE_CODES;
export const STATUS_CHANGE_TARGETS = Object.keys(STATUS_CHANGE_CODES) as StatusChangeTarget[];

export interface StatusChangeMessage {
  certHash: string;
  status: number;
  reason: string;
  certifier: string;
  /** Decimal string (uint256): `nonces(certifier)` when the certifier signs. */
  nonce: string;
  /** Unix seconds, inclusive: the registry refuses the signature after this block time. */
  deadline: number;
}

export function statusChangeDomain(chainId: bigint | number, registry: string) {
  return { name: "ProvenanceRegistry", version: "1", chainId: Number(chainId), verifyingContract: registry };
}

export function recoverStatusChangeSigner(
  domain: ReturnType<typeof statusChangeDomain>,
  message: StatusChangeMessage,
  signature: string,
): string {
  return verifyTypedData(domain, STATUS_CHANGE_TYPES, message, signature).toLowerCase();
}
