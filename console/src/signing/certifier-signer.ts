import { BrowserProvider, Wallet, type TypedDataDomain, type TypedDataField } from "ethers";

/**
 * What signs for the certifier, in this page only: a wallet decrypted from the certifier's own
 * encrypted JSON keystore (the file and its password never leave the browser), or an injected
 * EIP-1193 wallet (a browser extension) when one is present. The service receives signatures only.
 */
export interface CertifierSigner {
  address: string;
  source: "keystore" | "injected";
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    message: Record<string, unknown>,
  ): Promise<string>;
}

export async function openKeystore(json: string, password: string): Promise<CertifierSigner> {
  const wallet = await Wallet.fromEncryptedJson(json, password);
  return {
    address: wallet.address.toLowerCase(),
    source: "keystore",
    signTypedData: (domain, types, message) => wallet.signTypedData(domain, types, message),
  };
}

interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

export function injectedWallet(): Eip1193 | undefined {
  return (window as unknown as { ethereum?: Eip1193 }).ethereum;
}

export async function connectInjected(ethereum: Eip1193): Promise<CertifierSigner> {
  const signer = await new BrowserProvider(ethereum).getSigner();
  return {
    address: (await signer.getAddress()).toLowerCase(),
    source: "injected",
    signTypedData: (domain, types, message) => signer.signTypedData(domain, types, message),
  };
}
