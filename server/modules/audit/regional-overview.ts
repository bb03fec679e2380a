import { BatchRepository, batchView } from "../batches";
import { revocationsIn } from "../certifications";
import { TraceEventRepository, type UseCaseContext } from "../ledger";
import { organizationNames } from "../organizations";
import type { ChainClient } from "../../platform/evm/chain-client";
import { divisionName } from "../../platform/web/division-names";

/** Recalls and revocations listed per overview; the counts are always complete. */
export const REGIONAL_OVERVIEW_MAX_LISTED = 200;

const LEVELS = { 2: "province", 4: "city", 6: "county" } as const;

interface Group {
  regionCode: string;
  name: string | null;
  recalls: number;
  revocations: number;
}

/**
 * A regulator's overview of recalls (batches whose ledger records a recall) and revocations
 * (certifications revoked on chain) in a GB/T 2260 region, or the whole country: counts for each
 * division one level down (provinces, their cities, their counties) and the lists behind them.
 */
export async function regionalOverview(
  ctx: UseCaseContext & { chain: ChainClient },
  regionCode: string | undefined,
  options: { publicBaseUrl: string; nowSec: number },
) {
  const groupDigits = Math.min((regionCode?.length ?? 0) + 2, 6) as 2 | 4 | 6;
  const groups = new Map<string, Group>();
  const group = (code: string) => {
    const key = code.slice(0, groupDigits);
    let entry = groups.get(key);
    if (!entry) {
      entry = { regionCode: key, name: divisionName(key), recalls: 0, revocations: 0 };
      groups.set(key, entry);
    }
    return entry;
  };

  const recalled = await new BatchRepository(ctx.connection).recalledIn(regionCode);
  const recallEvents = new Map(
    (await new TraceEventRepository(ctx.connection).recallsOf(recalled.map((batch) => batch._id))).map(
      (event) => [event.batchId.toHexString(), event],
    ),
  );
  for (const batch of recalled) group(batch.origin.regionCode!).recalls += 1; // recalledIn matches stated regions only

  const revocations = await revocationsIn(ctx, regionCode, options.nowSec);
  for (const revocation of revocations) {
    const within = revocation.regionCodes.filter((code) => !regionCode || code.startsWith(regionCode));
    const keys = new Set(
      within.filter((code) => code.length >= groupDigits).map((code) => code.slice(0, groupDigits)),
    );
    for (const key of keys) group(key).revocations += 1;
  }

  const listedRecalls = recalled.slice(0, REGIONAL_OVERVIEW_MAX_LISTED);
  const listedRevocations = revocations.slice(0, REGIONAL_OVERVIEW_MAX_LISTED);
  const names = await organizationNames(ctx.connection, [
    ...listedRecalls.map((batch) => batch.producerId.toHexString()),
    ...listedRevocations.map((revocation) => revocation.certifierOrgId),
  ]);
  return {
    regionCode: regionCode ?? null,
    name: regionCode ? divisionName(regionCode) : null,
    groupLevel: LEVELS[groupDigits],
    totals: { recalls: recalled.length, revocations: revocations.length },
    groups: [...groups.values()].sort((a, b) => a.regionCode.localeCompare(b.regionCode)),
    recalls: listedRecalls.map((batch) => {
      const { id, publicId, digitalLink, product, lot, origin } = batchView(batch, options.publicBaseUrl);
      const event = recallEvents.get(id);
      const reason = (event?.body?.data as { reason?: unknown } | undefined)?.reason;
      return {
        batchId: id,
        publicId,
        digitalLink,
        product,
        lot,
        regionCode: origin.regionCode!, // recalledIn matches stated regions only
        regionName: divisionName(origin.regionCode!),
        place: origin.place,
        producer: {
          id: batch.producerId.toHexString(),
          name: names.get(batch.producerId.toHexString()) ?? null,
        },
        recalledAt: event ? new Date(event.eventTime).toISOString() : null,
        reason: typeof reason === "string" ? reason : null,
      };
    }),
    revocations: listedRevocations.map((revocation) => ({
      ...revocation,
      certifierName: names.get(revocation.certifierOrgId) ?? null,
    })),
  };
}
