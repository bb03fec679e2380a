/** The demo module's public surface: other modules import from here, never from its files. */
export { readDemoSummary, startFirstStartSeed } from "./first-start-seed";
export { type DemoSummary } from "./seed-demo";
