import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { expect } from "chai";
import { createApp } from "../../server/main/app";
import type { Runtime } from "../../server/main/runtime";
import { recoverFromChainReset } from "../../server/main/service";
import { bootstrapAdmin } from "../../server/modules/organizations/bootstrap-admin";
import type { AnchorWorker } from "../../server/modules/anchoring/anchor.worker";
import { startEmbeddedChain } from "../../server/platform/evm/embedded-chain";
import type { EmbeddedAnvil } from "../../server/platform/evm/embedded-anvil";
import { createLogger } from "../../server/platform/logger";
import {
  anchorWindowModel,
  type AnchorWindowDoc,
} from "../../server/modules/anchoring/data/anchor-window.model";
import { recordEvents, startWorker, waitFor, waitUntilAllAnchored } from "../helpers/anchoring";
import { http } from "../helpers/http";
import { createBatch, createOrg } from "../helpers/scenario";
import { clearDatabase, testEnv, type TestServer } from "../helpers/test-env";

/**
 * Issue 14: /api/verify caches `anchorOf` answers (15 s), so after a chain reset it went on
 * answering from a chain that no longer exists. The reset handler the anchoring worker calls
 * (recoverFromChainReset, as service.ts wires it) now empties the cache: the next verify asks the
 * chain; and the negative answers read meanwhile (root not anchored, receipt missing) live 1 s, so
 * the verdict is "verified" again as soon as the windows are anchored again. The service here
 * runs on a chain of its own that the test rolls back.
 */
describe("/api/verify after a chain reset", function () {
  this.timeout(180_000);
  let dir: string;
  let anvil: EmbeddedAnvil;
  let runtime: Runtime;
  let listening: Server;
  let server: TestServer;
  let worker: AnchorWorker | undefined;

  before(async () => {
    const env = await testEnv();
    await clearDatabase(env);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-verify-reset-"));
    const logger = createLogger("silent");
    const started = await startEmbeddedChain({ dataDir: dir, logger });
    anvil = started.anvil;
    runtime = {
      ...env.runtime,
      chain: started.chain,
      repairChain: started.repair,
      useCaseContext: { ...env.runtime.useCaseContext, chain: started.chain },
    };
    const { apiKey } = await bootstrapAdmin({
      connection: runtime.connection,
      dataDir: dir,
      adminApiKey: "et_testadmn_" + "b".repeat(43),
      logger,
    });
    listening = await new Promise((resolve) => {
      const app = createApp({ config: env.config, logger, ...runtime });
      const bound = app.listen(0, "127.0.0.1", () => resolve(bound));
    });
    const { port } = listening.address() as AddressInfo;
    server = {
      baseUrl: `http://127.0.0.1:${port}`,
      adminKey: apiKey,
      close: () => new Promise((resolve) => listening.close(() => resolve())),
    };
  });
  after(async () => {
    await worker?.stop();
    await server.close();
    runtime.chain.close();
    await anvil.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("asks the chain again once the reset is detected, and says verified after re-anchoring", async () => {
    const farm = await createOrg(server, "安吉县白茶合作社", ["producer"]);
    const batch = await createBatch(server, farm);
    await recordEvents(server, farm, batch.id, 2);
    const beforeAnchoring = await runtime.chain.provider.send("evm_snapshot", []);
    worker = startWorker(runtime.connection, runtime.chain);
    await waitUntilAllAnchored(runtime.connection);
    await worker.stop();
    const verdict = async () =>
      (await http(server.baseUrl, "GET", `/api/verify/${batch.publicId}`)).body.verdict as string;
    expect(await verdict()).to.equal("verified");

    // The chain loses the anchoring (a node restarted from older state); the worker detects it.
    await runtime.chain.provider.send("evm_revert", [beforeAnchoring]);
    await recoverFromChainReset(runtime, createLogger("silent"));
    const afterReset = (await http(server.baseUrl, "GET", `/api/verify/${batch.publicId}`)).body;
    const onChain = afterReset.checks.find((check: { name: string }) => check.name === "on-chain");
    // What the chain says now (the verdict's own rules for anchors it lacks), not the cached "verified".
    expect(afterReset.verdict).to.not.equal("verified");
    expect(onChain.detail).to.contain("is not anchored on chain");

    worker = startWorker(runtime.connection, runtime.chain);
    await waitFor("the window to be anchored again", async () => {
      const windows = (await anchorWindowModel(runtime.connection)
        .collection.find({})
        .toArray()) as AnchorWindowDoc[];
      return (
        windows.length > 0 && windows.every((window) => window.rolledBackAt && window.state === "completed")
      );
    });
    for (let attempt = 0; (await verdict()) !== "verified"; attempt++) {
      // The negative answers read after the reset live 1 s, not the 15 s of positive ones.
      expect(attempt, "verified again within 3 s of re-anchoring").to.be.below(30);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
});
