/** The demo module's public surface: other modules import from here, never from its files. */
export { startFirstStartSeed } from "./first-start-seed";
