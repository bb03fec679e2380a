/** The epcis module's public surface: other modules import from here, never from its files. */
export { epcisCaptureBodyParser, epcisRoutes } from "./http/epcis.routes";
export { epcisQueryRoutes } from "./http/epcis-query.routes";
export { importIdParams, importQuery } from "./http/epcis.schemas";
export { epcisQueriesRoutes } from "./http/epcis-queries.routes";
export { EpcisSubscriptionWorker, type SubscriptionWorkerOptions } from "./epcis-subscription.worker";
