/** The epcis module's public surface: other modules import from here, never from its files. */
export { epcisCaptureBodyParser, epcisRoutes } from "./http/epcis.routes";
export { epcisQueryRoutes } from "./http/epcis-query.routes";
export { importIdParams, importQuery } from "./http/epcis.schemas";
