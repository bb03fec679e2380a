import type { Connection } from "mongoose";
import type { ChainClient } from "../platform/evm/chain-client";
import type { RouteRegistry } from "../platform/http/route-registry";
import type { Logger } from "../platform/logger";
import type { BrandClaims } from "./batches/domain/batch-brand";
import type { UseCaseContext } from "./ledger/append-event";
import type { TraceEventDoc } from "./ledger/data/trace-event.model";
import type { OrganizationRole } from "./organizations/domain/organization-role";

/**
 * What the HTTP edge of every module receives from the application (server/main/app.ts builds it
 * from the runtime). Declared here, apart from main/, so that route files never import main/.
 */
export interface HttpDeps {
  config: { PUBLIC_BASE_URL: string; EPCIS_SUBSCRIPTION_ALLOWED_HOSTS: readonly string[] } & RequestLimits;
  logger: Logger;
  connection: Connection;
  chain: ChainClient;
  useCaseContext: UseCaseContext;
  /** The anchoring worker of this process, if it runs one (woken by POST /api/anchors/run). */
  anchorWorker?: { wake(): void; status(): object };
  /** Threads that answer `GET /api/verify` beside the event loop (VERIFY_THREADS > 0); undefined: none is serving. */
  verifyThreads?: { verifyPublic(publicId: string): Promise<{ status: number; body: object }> | undefined };
  /** Brand claims of batch registrations (the brands module's side of the batches' port). */
  brandClaims: BrandClaims;
  /** Events with the root and leaf index their confirmed window gives them (the anchoring module's side). */
  withWindowAnchors: <Event extends Pick<TraceEventDoc, "_id" | "anchor">>(
    events: Event[],
  ) => Promise<Event[]>;
}

/** Caps on the heavy requests (decision 0021), from the configuration; each names its key when hit. */
export interface RequestLimits {
  LABELS_MAX_PER_REQUEST: number;
  IMPORT_MAX_MB: number;
  IMPORT_MAX_ROWS: number;
  IMPORT_MAX_UNZIPPED_MB: number;
  CAPTURE_MAX_MB: number;
  CAPTURE_MAX_EVENTS: number;
}

/** The registry every module defines its routes in: access is stated in organization roles. */
export type ApiRegistry = RouteRegistry<OrganizationRole>;
