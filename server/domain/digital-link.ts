/**
 * GS1 Digital Link URI of a batch: `{base}/01/{GTIN-14}/10/{lot}`. Batches without a GTIN get a
 * stable EcoTrace path `{base}/b/{batchId}`. Lots are percent-encoded as the standard requires
 * (everything outside the unreserved set).
 */
export function batchDigitalLink(base: string, batch: { id: string; gtin?: string; lot: string }): string {
  if (!batch.gtin) return `${base}/b/${batch.id}`;
  return `${base}/01/${batch.gtin}/10/${encodeGs1(batch.lot)}`;
}

function encodeGs1(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
