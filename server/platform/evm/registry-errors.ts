import type { ErrorDescription } from "ethers";
import { ProvenanceRegistry__factory } from "../../../typechain-types";
import { AppError, ChainError } from "../errors";

/**
 * Contract reverts decoded by error name (with the typechain ABI, which includes the inherited
 * OpenZeppelin errors) and mapped to AppErrors with the error's arguments in `details`.
 */
const registryInterface = ProvenanceRegistry__factory.createInterface();

export interface RegistryRevert {
  name: string;
  args: Record<string, string>;
}

type Mapping = { status: number; code: string; message: (args: Record<string, string>) => string };

const MAPPINGS: Record<string, Mapping> = {
  ProvenanceRegistryZeroAddress: {
    status: 422,
    code: "ZERO_ADDRESS",
    message: () => "the zero address cannot be used",
  },
  ProvenanceRegistryCertifierAlreadyRegistered: {
    status: 409,
    code: "CERTIFIER_ALREADY_REGISTERED",
    message: (a) => `certifier ${a.certifier} is already registered on chain`,
  },
  ProvenanceRegistryCertifierNotRegistered: {
    status: 403,
    code: "CERTIFIER_NOT_REGISTERED",
    message: (a) => `${a.certifier} is not a registered certifier on chain`,
  },
  ProvenanceRegistryZeroCertHash: {
    status: 422,
    code: "ZERO_CERT_HASH",
    message: () => "the zero hash does not identify a certification",
  },
  ProvenanceRegistryCertificationRevoked: {
    status: 409,
    code: "CERTIFICATION_REVOKED",
    message: (a) => `certification ${a.certHash} is revoked; revocation is final`,
  },
  ProvenanceRegistryCertificationAlreadySuspended: {
    status: 409,
    code: "CERTIFICATION_ALREADY_SUSPENDED",
    message: (a) => `certification ${a.certHash} is already suspended`,
  },
  ProvenanceRegistryCertificationNotSuspended: {
    status: 409,
    code: "CERTIFICATION_NOT_SUSPENDED",
    message: (a) => `certification ${a.certHash} is not suspended, so it cannot be reinstated`,
  },
  ProvenanceRegistryCertificationAlreadyIssued: {
    status: 409,
    code: "CERTIFICATION_ALREADY_ISSUED",
    message: (a) => `certification ${a.certHash} is already issued on chain by ${a.issuer}`,
  },
  ProvenanceRegistryCertificationNotIssued: {
    status: 403,
    code: "CERTIFICATION_NOT_ISSUED",
    message: (a) =>
      `${a.issuer} did not issue certification ${a.certHash} on chain; only its issuer can change its status`,
  },
  ProvenanceRegistrySignatureExpired: {
    status: 422,
    code: "SIGNATURE_EXPIRED",
    message: (a) =>
      `the signature's deadline ${a.deadline} (${new Date(Number(a.deadline) * 1000).toISOString()}) has passed; sign a new template`,
  },
  ProvenanceRegistryInvalidSignature: {
    status: 422,
    code: "INVALID_SIGNATURE",
    message: (a) =>
      `the registry did not accept the signature as ${a.certifier}'s signature of this change with its current nonce`,
  },
  ProvenanceRegistryRootAlreadyAnchored: {
    status: 409,
    code: "ROOT_ALREADY_ANCHORED",
    message: (a) => `root ${a.root} is already anchored`,
  },
  AccessControlUnauthorizedAccount: {
    status: 503,
    code: "SERVICE_SIGNER_UNAUTHORIZED",
    message: (a) =>
      `the service signer ${a.account} lacks the registry role ${a.neededRole}; ask the operator`,
  },
};

/** The registry custom error inside an ethers error, or null if the error carries no revert data. */
export function decodeRegistryRevert(error: unknown): RegistryRevert | null {
  for (const data of revertDataCandidates(error)) {
    let parsed: ErrorDescription | null = null;
    try {
      parsed = registryInterface.parseError(data);
    } catch {
      parsed = null;
    }
    if (parsed) {
      const args: Record<string, string> = {};
      parsed.fragment.inputs.forEach((input, index) => {
        const value = parsed!.args[index];
        args[input.name] = typeof value === "string" ? value.toLowerCase() : String(value);
      });
      return { name: parsed.name, args };
    }
  }
  return null;
}

/**
 * An AppError for a failed registry call: a known custom error becomes its 4xx (or 503 for a
 * misconfigured service signer); any other revert is a 502; no revert data means the chain could
 * not be reached or failed (503).
 */
export function registryAppError(error: unknown, action: string): AppError {
  if (error instanceof AppError) return error;
  const revert = decodeRegistryRevert(error);
  if (revert) {
    const mapping = MAPPINGS[revert.name];
    if (mapping) {
      return new AppError(mapping.code, mapping.message(revert.args), mapping.status, {
        error: revert.name,
        args: revert.args,
      });
    }
    return new AppError("CHAIN_REVERTED", `${action} reverted with ${revert.name}`, 502, revert);
  }
  if ((error as { code?: string })?.code === "CALL_EXCEPTION") {
    return new AppError("CHAIN_REVERTED", `${action} reverted without a known reason`, 502);
  }
  return new ChainError(`${action} failed: the chain could not be reached or refused the request`, {
    cause: error,
  });
}

/** Runs a registry call and rethrows its failure as an AppError. */
export async function callRegistry<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw registryAppError(error, action);
  }
}

function revertDataCandidates(error: unknown): string[] {
  const found: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number) => {
    if (depth > 5 || value === null || typeof value !== "object" || seen.has(value)) return;
    seen.add(value);
    const record = value as Record<string, unknown>;
    if (typeof record.data === "string" && /^0x[0-9a-fA-F]{8}/.test(record.data)) found.push(record.data);
    for (const key of ["data", "error", "info", "cause", "payload"]) visit(record[key], depth + 1);
  };
  visit(error, 0);
  return found;
}
