/** The epcis module's public surface: other modules import from here, never from its files. */
export { epcisCaptureBodyParser, epcisRoutes } from "./http/epcis.routes";
export { importIdParams, importQuery } from "./http/epcis.schemas";
