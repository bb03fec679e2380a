import type { EpcisEvent } from "./to-epcis";
import { ECOTRACE_NS, ECOTRACE_PREFIX, EPCIS_CONTEXT, EPCIS_SCHEMA_VERSION } from "./vocabulary";

/** EPCIS 2.0 document envelopes (JSON-LD) around exported events. */
export const DOCUMENT_CONTEXT = [EPCIS_CONTEXT, { [ECOTRACE_PREFIX]: ECOTRACE_NS }];

export function epcisDocument(events: EpcisEvent[], options: { id?: string; creationDate: Date }) {
  return {
    "@context": DOCUMENT_CONTEXT,
    type: "EPCISDocument",
    ...(options.id ? { id: options.id } : {}),
    schemaVersion: EPCIS_SCHEMA_VERSION,
    creationDate: options.creationDate.toISOString(),
    epcisBody: { eventList: events },
  };
}

/**
 * The answer to an event query. The next page is linked in the `Link` header (EPCIS 2.0 REST
 * binding) and also given as `ecotrace:nextCursor` (null on the last page).
 */
export function epcisQueryDocument(
  events: EpcisEvent[],
  options: { creationDate: Date; nextCursor: string | null; queryName?: string; subscriptionID?: string },
) {
  return {
    "@context": DOCUMENT_CONTEXT,
    type: "EPCISQueryDocument",
    schemaVersion: EPCIS_SCHEMA_VERSION,
    creationDate: options.creationDate.toISOString(),
    epcisBody: {
      queryResults: {
        queryName: options.queryName ?? "SimpleEventQuery",
        ...(options.subscriptionID ? { subscriptionID: options.subscriptionID } : {}),
        resultsBody: { eventList: events },
      },
    },
    "ecotrace:nextCursor": options.nextCursor,
  };
}
