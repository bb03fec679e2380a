import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { describeConfig } from "../../server/main/config";

describe("README", () => {
  const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");

  it("documents every configuration key in its table", () => {
    const section = readme.slice(
      readme.indexOf("## Configuration"),
      readme.indexOf("\n## ", readme.indexOf("## Configuration") + 1),
    );
    const documented = [...section.matchAll(/^\|\s*`([A-Z_]+)`\s*\|/gm)].map((match) => match[1]);
    expect(documented).to.have.members(describeConfig().map((row) => row.key));
  });
});
