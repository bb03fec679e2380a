/** What registering a batch takes (from the API, an import row, an EPCIS capture, a split or a transformation). */
export interface NewBatch {
  product: { name: string; category: string; gtin?: string };
  lot?: string;
  origin: { place: string; regionCode: string; location?: { lat: number; lon: number }; harvestedAt: string };
  quantity: { value: number; unit: string };
  /** When the batch was commissioned (default: now). */
  eventTime?: string;
  /** The id of a regional brand to claim (decision 0010). */
  brand?: string;
  ecoAttributes?: Record<string, unknown>;
  attachments?: { sha256: string; mediaType: string; uri?: string }[];
  /** Commissioning-event fields to seal (decision 0008): /data/origin/location, /data/quantity. */
  private?: string[];
}

/** A batch's origin as registration takes it (for outputs and children that inherit it). */
export function originOf(batch: { origin: NewBatch["origin"] }): NewBatch["origin"] {
  return {
    place: batch.origin.place,
    regionCode: batch.origin.regionCode,
    ...(batch.origin.location ? { location: batch.origin.location } : {}),
    harvestedAt: batch.origin.harvestedAt,
  };
}
