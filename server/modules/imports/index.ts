/** The imports module's public surface: other modules import from here, never from its files. */
export { importRoutes } from "./http/imports.routes";
