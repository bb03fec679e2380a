/**
 * EcoTrace event types and their GS1 Core Business Vocabulary (CBV 2.0) defaults. Callers may
 * override bizStep and disposition with any CBV term (short name or full URN).
 */
export const EVENT_TYPES = [
  "commissioning",
  "inspecting",
  "storing",
  "packing",
  "shipping",
  "receiving",
  "selling",
  "recalling",
  "destroying",
  "observation",
  "transforming",
  "certifying",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Types a client may post directly; the others are recorded by transfers, transformations and
 * certifications (`certifying` only with a certifier's verified EIP-712 signature, so it is never
 * posted directly).
 */
export const CLIENT_EVENT_TYPES = EVENT_TYPES.filter(
  (type) => type !== "transforming" && type !== "commissioning" && type !== "certifying",
);

const BIZSTEP = "urn:epcglobal:cbv:bizstep:";
const DISP = "urn:epcglobal:cbv:disp:";

const DEFAULTS: Record<EventType, { bizStep: string; disposition?: string }> = {
  commissioning: { bizStep: "commissioning", disposition: "active" },
  inspecting: { bizStep: "inspecting" },
  storing: { bizStep: "storing", disposition: "sellable_not_accessible" },
  packing: { bizStep: "packing", disposition: "in_progress" },
  shipping: { bizStep: "shipping", disposition: "in_transit" },
  receiving: { bizStep: "receiving", disposition: "in_progress" },
  selling: { bizStep: "retail_selling", disposition: "retail_sold" },
  recalling: { bizStep: "holding", disposition: "recalled" },
  destroying: { bizStep: "destroying", disposition: "destroyed" },
  observation: { bizStep: "inspecting" },
  transforming: { bizStep: "transforming", disposition: "in_progress" },
  // CBV 2.0 has no certification step; EPCIS 2.0 carries certificates in `certificationInfo`.
  certifying: { bizStep: "inspecting" },
};

export const CBV_TERM_PATTERN = /^(urn:epcglobal:cbv:(bizstep|disp):)?[a-z_]{2,64}$/;

export function bizStepUri(term: string): string {
  return term.startsWith("urn:") ? term : `${BIZSTEP}${term}`;
}

export function dispositionUri(term: string): string {
  return term.startsWith("urn:") ? term : `${DISP}${term}`;
}

/**
 * CBV terms for an event: explicit values win; an inspection without an explicit disposition is
 * conformant only when every result passed.
 */
export function cbvTermsFor(
  type: EventType,
  explicit: { bizStep?: string; disposition?: string },
  data?: Record<string, unknown>,
): { bizStep: string; disposition?: string } {
  const defaults = DEFAULTS[type];
  let disposition = explicit.disposition ?? defaults.disposition;
  if (!disposition && type === "inspecting" && Array.isArray(data?.results)) {
    const allPassed = data.results.every((result) => (result as { pass?: unknown })?.pass !== false);
    disposition = allPassed ? "conformant" : "non_conformant";
  }
  return {
    bizStep: bizStepUri(explicit.bizStep ?? defaults.bizStep),
    ...(disposition ? { disposition: dispositionUri(disposition) } : {}),
  };
}
