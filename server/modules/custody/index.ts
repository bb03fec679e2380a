/** The custody module's public surface: other modules import from here, never from its files. */
export { type TransferDoc } from "./data/transfer.model";
export { TransferRepository } from "./data/transfer.repository";
export { massBalanceProblem, remainingAfter } from "./domain/mass-balance";
export { custodyRoutes } from "./http/custody.routes";
