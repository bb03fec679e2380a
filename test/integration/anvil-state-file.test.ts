import fs from "node:fs";
import os from "node:os";
import path from "node:path";
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
    it("keeps a dump that parses as the good snapshot, and skips one cut off mid-write", () => {
      write(state.file, '{"block":{"number":"0x5"}}');
      expect(state.snapshot()).to.equal(true);
      expect(read(state.goodFile)).to.equal('{"block":{"number":"0x5"}}');

      write(state.file, '{"block":{"num');
      fs.utimesSync(state.file, new Date(), new Date(Date.now() + 5_000));
      expect(state.snapshot()).to.equal(false);
      expect(read(state.goodFile)).to.equal('{"block":{"number":"0x5"}}');
    });

    it("does nothing without a dump", () => {
      expect(state.snapshot()).to.equal(false);
      expect(fs.existsSync(state.goodFile)).to.equal(false);
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
