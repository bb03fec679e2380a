import type { Connection } from "mongoose";
import { organizationNames, publicContacts, type PublicContact } from "../organizations";
import { isSealedMarker } from "../ledger";
import type {
  BundleEvent,
  Check,
  Verdict,
  BatchVerification,
  CertificationDisplay,
  BrandClaimDisplay,
} from "../verification";
import type { SerialScanReport } from "../labels";
import { buildJourney, ORG_KEYS, type JourneyEntry } from "./web/consumer-journey";
import { HIDDEN, type Shown } from "../../platform/web/shown";
import { describeRegion, type RegionDescription } from "../../platform/web/region-names";

/**
 * What the consumer page shows (as HTML) and the same URL answers with `Accept: application/json`.
 * Built from the batch's PUBLIC proof bundle only (hashed bodies with private fields sealed), plus
 * organization names and live statuses: nothing here comes from a private field.
 */
export interface ConsumerView {
  verdict: Verdict;
  checks: Check[];
  checkedAt: string;
  batch: {
    id: string;
    digitalLink: string;
    /** Name and category are null when the producer did not state them (decision 0031). */
    product: { name: string | null; category: string | null; gtin: string | null };
    brand: string | null;
    lot: string;
    producer: { id: string; name: string };
    status: string;
  } | null;
  origin: {
    place: string | null;
    regionCode: string | null;
    /** ISO 3166-1 alpha-2 country of origin, when that is what was stated. */
    country: string | null;
    harvestedAt: string | null;
    location: Shown<{ lat: number; lon: number }> | null;
  } | null;
  inputs: { batchId: string; label: string; recalled: boolean }[];
  journey: JourneyEntry[];
  /** The public contacts (set by each organization's admin) of the parties that recalled it, by id. */
  contacts: Record<string, PublicContact>;
  certifications: CertificationDisplay[];
  /** The brand the batch carries, with the licences behind it (null for unbranded batches). */
  brand: BrandClaimDisplay | null;
  proof: {
    chainId: number;
    registry: string;
    anchors: {
      root: string;
      blockNumber: number;
      txHash: string | null;
      anchoredAt: string | null;
      events: number;
    }[];
    pendingEvents: number;
  } | null;
  /**
   * The item serial's scan log (with the region its first scan's shopper shared, if any), and
   * whether the verdict's label-scans check flags it.
   */
  serial:
    | (Omit<SerialScanReport, "firstScanRegion"> & {
        firstScanRegion: RegionDescription | null;
        suspectedCopy: boolean;
        reason: string | null;
      })
    | null;
  links: { proofBundle: string; verify: string } | null;
}

export function unknownView(
  verification: Pick<BatchVerification, "verdict" | "checks" | "checkedAt">,
): ConsumerView {
  return {
    verdict: verification.verdict,
    checks: verification.checks,
    checkedAt: verification.checkedAt,
    batch: null,
    origin: null,
    inputs: [],
    journey: [],
    contacts: {},
    certifications: [],
    brand: null,
    proof: null,
    serial: null,
    links: null,
  };
}

export async function buildConsumerView(
  connection: Connection,
  verification: Extract<BatchVerification, { found: true }>,
  serial: SerialScanReport | null,
  apiBase: string,
): Promise<ConsumerView> {
  const { bundle, subject } = verification.records;
  const names = await organizationNames(connection, [
    subject.producerId.toHexString(),
    ...bundle.events.flatMap((event) => [String(event.body.actor), ...orgRefs(event)]),
  ]);
  const subjectId = subject._id.toHexString();
  const commissioning = bundle.events.find(
    (event) => event.body.batchId === subjectId && event.body.seq === 1,
  );
  const origin = (commissioning?.body.data as { origin?: Record<string, unknown> } | undefined)?.origin;
  const blockOf = new Map(verification.onChain.map((anchor) => [anchor.root, anchor]));
  const recallers = bundle.events
    .filter((event) => event.body.type === "recalling")
    .map((event) => String(event.body.actor));
  const contacts = recallers.length > 0 ? await publicContacts(connection, recallers) : new Map();
  return {
    verdict: verification.verdict,
    checks: verification.checks,
    checkedAt: verification.checkedAt,
    batch: {
      id: subjectId,
      digitalLink: bundle.subject.digitalLink,
      product: {
        name: bundle.subject.product.name ?? null,
        category: bundle.subject.product.category ?? null,
        gtin: bundle.subject.product.gtin ?? null,
      },
      brand: bundle.subject.brand ?? null,
      lot: bundle.subject.lot,
      producer: {
        id: subject.producerId.toHexString(),
        name: names.get(subject.producerId.toHexString()) ?? "?",
      },
      status: subject.status,
    },
    origin: origin
      ? {
          place: typeof origin.place === "string" ? origin.place : null,
          regionCode: typeof origin.regionCode === "string" ? origin.regionCode : null,
          country: typeof origin.country === "string" ? origin.country : null,
          harvestedAt: typeof origin.harvestedAt === "string" ? origin.harvestedAt : null,
          location: isSealedMarker(origin.location)
            ? HIDDEN
            : isPoint(origin.location)
              ? { lat: origin.location.lat, lon: origin.location.lon }
              : null,
        }
      : null,
    inputs: bundle.batches
      .filter((batch) => batch.relation === "input")
      .map((batch) => ({
        batchId: batch.batchId,
        label: batch.label,
        recalled: hasRecall(bundle.events, batch.batchId),
      })),
    journey: buildJourney(bundle.events, {
      subjectId,
      labels: new Map(bundle.batches.map((batch) => [batch.batchId, batch.label])),
      names,
      inputsOf: new Map(
        [...verification.records.batches].map(([id, batch]) => [
          id,
          (batch.inputs ?? []).map((input) => input.batchId.toHexString()),
        ]),
      ),
    }),
    contacts: Object.fromEntries(contacts),
    certifications: verification.certifications,
    brand: verification.brand,
    proof: {
      chainId: bundle.chain.chainId,
      registry: bundle.chain.registry,
      anchors: bundle.anchors.map((anchor) => {
        const onChain = blockOf.get(anchor.root);
        return {
          root: anchor.root,
          blockNumber: onChain?.blockNumber ?? anchor.blockNumber,
          txHash: anchor.txHash,
          anchoredAt: onChain ? new Date(onChain.timestamp * 1000).toISOString() : anchor.anchoredAt,
          events: bundle.events.filter((event) => event.anchor?.root === anchor.root).length,
        };
      }),
      pendingEvents: bundle.events.filter((event) => !event.anchor).length,
    },
    serial: serial
      ? {
          ...serial,
          firstScanRegion: serial.firstScanRegion ? describeRegion(serial.firstScanRegion) : null,
          ...copyFlag(verification.checks),
        }
      : null,
    links: {
      proofBundle: `${apiBase}/api/batches/${subject.publicId}/proof-bundle`,
      verify: `${apiBase}/api/verify/${subject.publicId}`,
    },
  };
}

function copyFlag(checks: Check[]): { suspectedCopy: boolean; reason: string | null } {
  const check = checks.find((item) => item.name === "label-scans");
  return check?.status === "fail"
    ? { suspectedCopy: true, reason: check.detail }
    : { suspectedCopy: false, reason: null };
}

function orgRefs(event: BundleEvent): string[] {
  const data = (event.body.data ?? {}) as Record<string, unknown>;
  return [...ORG_KEYS].flatMap((key) => (typeof data[key] === "string" ? [data[key] as string] : []));
}

function hasRecall(events: BundleEvent[], batchId: string): boolean {
  return events.some((event) => event.body.batchId === batchId && event.body.type === "recalling");
}

function isPoint(value: unknown): value is { lat: number; lon: number } {
  const point = value as { lat?: unknown; lon?: unknown } | null;
  return typeof point?.lat === "number" && typeof point.lon === "number";
}
