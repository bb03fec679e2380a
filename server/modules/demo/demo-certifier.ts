import { randomBytes } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { Wallet, HDNodeWallet } from "ethers";
import {
  draftToMessage,
  type CertificationDraft,
  CERTIFICATION_TYPES,
  STATUS_CHANGE_CODES,
  STATUS_CHANGE_TYPES,
} from "../certifications";
import type { DemoClient, Json } from "./demo-client";

/**
 * What a certifier does with its own key, as `npm run certify` does it: sign a certification as
 * EIP-712 typed data for the service's registry and submit it; sign a status change from the
 * service's template and have the service relay it. The key never leaves this process.
 */
export interface DemoCertifier {
  apiKey: string;
  wallet: Wallet | HDNodeWallet;
}

export async function submitCertification(
  client: DemoClient,
  certifier: DemoCertifier,
  draft: CertificationDraft,
): Promise<Json> {
  const typed = await client.get(certifier.apiKey, "/api/certifications/eip712");
  if (!isDeepStrictEqual(typed.types, CERTIFICATION_TYPES)) {
    throw new Error("the service signs other certification types than this seed knows");
  }
  const message = draftToMessage(draft, certifier.wallet.address, `0x${randomBytes(32).toString("hex")}`);
  const signature = await certifier.wallet.signTypedData(typed.domain, CERTIFICATION_TYPES, message);
  return client.post(certifier.apiKey, "/api/certifications", { domain: typed.domain, message, signature });
}

/** Revokes a certification by signature: the service relays it to the registry. */
export async function revokeCertification(
  client: DemoClient,
  certifier: DemoCertifier,
  certificationId: string,
  reason: string,
): Promise<Json> {
  const query = new URLSearchParams({ status: "revoked", reason });
  const template = await client.get(
    certifier.apiKey,
    `/api/certifications/${certificationId}/revocation-template?${query}`,
  );
  const { domain, types, message, relayPath } = template;
  const asked =
    isDeepStrictEqual(types, STATUS_CHANGE_TYPES) &&
    message.reason === reason &&
    message.status === STATUS_CHANGE_CODES.revoked &&
    String(message.certifier).toLowerCase() === certifier.wallet.address.toLowerCase();
  if (!asked) {
    throw new Error("the revocation template does not say what was asked; not signing it");
  }
  const signature = await certifier.wallet.signTypedData(domain, types, message);
  return client.post(certifier.apiKey, relayPath, {
    reason: message.reason,
    nonce: message.nonce,
    deadline: message.deadline,
    signature,
  });
}
