import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";

const ROOT = path.resolve(__dirname, "../..");

/** Starting a process (or one of the helpers that do) in a test; `.exec(` of a RegExp is not one. */
const STARTS_A_PROCESS =
  /from "(node:)?child_process"|(?<![.\w])(spawn|spawnSync|fork|exec|execSync|execFile|execFileSync|spawnWorker|spawnService)\s*\(/;

function testFilesUnder(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true })
    .map((name) => path.join(dir, String(name)))
    .filter((file) => file.endsWith(".ts"));
}

describe("test tiers (npm test: contracts, fast, spawned processes)", () => {
  it("keeps the tests that start processes out of the fast tier (test/unit, test/integration)", () => {
    const spawning = [...testFilesUnder("test/unit"), ...testFilesUnder("test/integration")].filter((file) =>
      STARTS_A_PROCESS.test(fs.readFileSync(path.join(ROOT, file), "utf8")),
    );
    expect(spawning, "these belong in test/e2e").to.deep.equal([]);
  });

  it("lets each tier's script choose its files, and lets mocha exit by itself", () => {
    const mocharc = JSON.parse(fs.readFileSync(path.join(ROOT, ".mocharc.json"), "utf8"));
    // A spec list here would be merged with the files a script names (test:unit ran every tier).
    expect(mocharc, ".mocharc.json").to.not.have.property("spec");
    // exit: true would end the run over leaked handles instead of failing it (root-hooks.ts).
    expect(mocharc, ".mocharc.json").to.not.have.property("exit");
  });
});
