import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { expect } from "chai";
import { AnvilStateFile } from "../../server/platform/evm/anvil-state-file";

describe("AnvilStateFile", () => {
  let dir: string;
  let state: AnvilStateFile;
  const write = (file: string, text: string) => fs.writeFileSync(file, text);
  const read = (file: string) => fs.readFileSync(file, "utf8");

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-anvil-state-"));
    state = new AnvilStateFile(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe("snapshot", () => {
    it("keeps a dump that parses as the good snapshot, and skips one cut off mid-write", async () => {
      write(state.file, '{"block":{"number":"0x5"}}');
      expect(await state.snapshot()).to.equal(true);
      expect(read(state.goodFile)).to.equal('{"block":{"number":"0x5"}}');

      write(state.file, '{"block":{"num');
      fs.utimesSync(state.file, new Date(), new Date(Date.now() + 5_000));
      expect(await state.snapshot()).to.equal(false);
      expect(read(state.goodFile)).to.equal('{"block":{"number":"0x5"}}');
    });

    it("does nothing without a dump", async () => {
      expect(await state.snapshot()).to.equal(false);
      expect(fs.existsSync(state.goodFile)).to.equal(false);
    });

    it("reads and checks a large dump off the event loop", async function () {
      this.timeout(60_000);
      const accounts = Array.from({ length: 150_000 }, (_, n) => [
        `0x${n.toString(16).padStart(40, "0")}`,
        { nonce: n, balance: "0x56bc75e2d63100000", code: "0x", storage: { "0x0": "0x1" } },
      ]);
      write(state.file, JSON.stringify({ block: { number: "0x5" }, accounts: Object.fromEntries(accounts) }));
      const inline = performance.now();
      JSON.parse(read(state.file));
      const inlineMs = performance.now() - inline;
      await state.snapshot(); // the pool's worker starts on first use: not what is measured
      fs.utimesSync(state.file, new Date(), new Date(Date.now() + 5_000));

      const histogram = monitorEventLoopDelay({ resolution: 10 });
      const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
      histogram.enable();
      await settle();
      const copied = await state.snapshot();
      await settle(); // the sampling timer fires late after a stall: let it record that
      histogram.disable();
      const maxStallMs = histogram.max / 1e6;
      console.log(
        `      ${(fs.statSync(state.file).size / 2 ** 20).toFixed(0)} MB dump: read and parsed inline ${inlineMs.toFixed(0)} ms; ` +
          `longest stall while snapshotting ${maxStallMs.toFixed(0)} ms`,
      );
      expect(copied).to.equal(true);
      expect(read(state.goodFile)).to.equal(read(state.file));
      expect(maxStallMs, "longest event-loop stall (ms) vs the inline read and parse").to.be.below(
        inlineMs / 2,
      );
    });
  });

  describe("prepare", () => {
    it("keeps a state file that parses", () => {
      write(state.file, '{"a":1}');
      write(state.goodFile, '{"a":0}');
      expect(state.prepare()).to.equal("kept");
      expect(read(state.file)).to.equal('{"a":1}');
    });

    it("moves a corrupt state file aside and puts the last good snapshot in its place", () => {
      write(state.file, '{"a":');
      write(state.goodFile, '{"a":0}');
      expect(state.prepare()).to.equal("restored-good");
      expect(read(state.file)).to.equal('{"a":0}');
      const aside = fs.readdirSync(dir).filter((name) => name.startsWith("anvil-state.json.corrupt-"));
      expect(aside).to.have.length(1);
      expect(read(path.join(dir, aside[0]))).to.equal('{"a":');
    });

    it("starts fresh when the state file is corrupt and no good snapshot parses", () => {
      write(state.file, "");
      write(state.goodFile, "{");
      expect(state.prepare()).to.equal("fresh");
      expect(fs.existsSync(state.file)).to.equal(false);
    });

    it("restores the good snapshot when the state file is missing, and reports none without either", () => {
      expect(state.prepare()).to.equal("none");
      write(state.goodFile, '{"a":0}');
      expect(state.prepare()).to.equal("restored-good");
      expect(read(state.file)).to.equal('{"a":0}');
    });
  });
});
