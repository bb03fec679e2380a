import { stopTestEnv } from "./test-env";

/** Stops the shared database and chain after the whole run (started lazily by integration tests). */
export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    await stopTestEnv();
  },
};
