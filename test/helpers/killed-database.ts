import fs from "node:fs";
import path from "node:path";
import type { EmbeddedMongo } from "../../server/platform/mongo/embedded/embedded-mongo";

/**
 * Leaves `dataDir` as a process killed with -9 would: the files as they are now (journal, no
 * fresh snapshot). The server is still stopped cleanly, so that its listening socket does not
 * outlive the test; the snapshot that stop writes is thrown away.
 */
export async function stopAsIfKilled(server: EmbeddedMongo, dataDir: string): Promise<void> {
  const files = path.join(dataDir, "mongo");
  const leftBehind = `${files}.killed`;
  fs.cpSync(files, leftBehind, { recursive: true });
  await server.stop();
  fs.rmSync(files, { recursive: true, force: true });
  fs.renameSync(leftBehind, files);
}
