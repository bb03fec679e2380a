import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { describeConfig } from "../../server/main/config";
import { CONFIGURATION_DOC, renderConfigurationDoc } from "../../scripts/docs-config";

const ROOT = path.resolve(__dirname, "../..");

function read(relative: string): string {
  return fs.readFileSync(path.join(ROOT, relative), "utf8");
}

/** README.md and every markdown file under docs/, as paths relative to the repository root. */
function documentationFiles(): string[] {
  const docs = fs
    .readdirSync(path.join(ROOT, "docs"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".md"))
    .map((file) => path.join("docs", file));
  return ["README.md", ...docs.sort()];
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((match) => headingAnchor(match[1])));
}

function subdirectories(relative: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, relative), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}

describe("README and docs", () => {
  describe("docs/configuration.md", () => {
    it("is what npm run docs:config generates from the configuration schema", async () => {
      const committed = fs.readFileSync(CONFIGURATION_DOC, "utf8");
      expect(committed, "run npm run docs:config").to.equal(await renderConfigurationDoc());
    });

    it("documents every configuration key in its table", () => {
      const documented = [...read("docs/configuration.md").matchAll(/^\|\s*`([A-Z_]+)`\s*\|/gm)].map(
        (match) => match[1],
      );
      expect(documented).to.have.members(describeConfig().map((row) => row.key));
    });
  });

  describe("README.md", () => {
    const readme = read("README.md");

    it("stays a front door: under 200 lines, the reference lives in docs/", () => {
      expect(readme.split("\n").length).to.be.below(200);
    });

    it("names every module and platform adapter in its module map", () => {
      const folders = [
        ...subdirectories("server/modules").map((name) => `server/modules/${name}/`),
        ...subdirectories("server/platform").map((name) => `server/platform/${name}/`),
      ];
      expect(folders).to.have.length.above(15);
      for (const folder of folders) expect(readme, folder).to.include(`\`${folder}\``);
    });
  });

  it("has one Benchmarks section, in docs/benchmarks.md", () => {
    const topLevel = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).map((file) => `docs/${file}`)];
    const sections = topLevel
      .filter((file) => file.endsWith(".md"))
      .flatMap((file) => [...read(file).matchAll(/^#{1,6} .*\bbenchmarks?\b.*$/gim)].map(() => file));
    expect(sections).to.deep.equal(["docs/benchmarks.md"]);
  });

  it("links only to files and headings that exist", () => {
    const broken: string[] = [];
    for (const file of documentationFiles()) {
      const text = read(file);
      for (const [, target, anchor] of text.matchAll(/\]\(([^)#\s]*)(?:#([^)\s]+))?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue; // http:, https:, mailto: — not ours to check offline
        const linked = target === "" ? file : path.join(path.dirname(file), target);
        if (!fs.existsSync(path.join(ROOT, linked))) broken.push(`${file}: ${target}`);
        else if (anchor && linked.endsWith(".md") && !anchorsOf(read(linked)).has(anchor)) {
          broken.push(`${file}: ${target}#${anchor}`);
        }
      }
    }
    expect(broken).to.deep.equal([]);
  });

  it("names only npm scripts that package.json defines", () => {
    const scripts = Object.keys((JSON.parse(read("package.json")) as { scripts: object }).scripts);
    const named = documentationFiles().flatMap((file) =>
      [...read(file).matchAll(/npm run ([a-z][\w:-]*)/g)].map((match) => `${file}: ${match[1]}`),
    );
    expect(named).to.not.be.empty;
    const unknown = named.filter((entry) => !scripts.includes(entry.split(": ")[1]));
    expect(unknown).to.deep.equal([]);
  });
});
