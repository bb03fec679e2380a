/** The resolver module's public surface: other modules import from here, never from its files. */
export { resolverRoutes } from "./http/resolver.routes";
