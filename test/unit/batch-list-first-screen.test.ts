import { expect } from "chai";
import { zh } from "../../console/src/i18n/messages.zh";
import fs from "node:fs";
import path from "node:path";
import { FIRST_SCREEN_WORDS } from "../../server/modules/batches/web/batch-list-first-screen";

describe("the console's server-rendered first screen", () => {
  it("uses the console's own words for the title, statuses and units (no drift between the two)", () => {
    expect(FIRST_SCREEN_WORDS.title).to.equal(zh["batches.title"]);
    expect(FIRST_SCREEN_WORDS.appTitle).to.equal(zh["app.title"]);
    expect(FIRST_SCREEN_WORDS.empty).to.equal(zh["batches.empty"]);
    expect(FIRST_SCREEN_WORDS.open).to.equal(zh["batches.open"]);
    expect(FIRST_SCREEN_WORDS.transferPending).to.equal(zh["batches.transferPending"]);
    const statuses = Object.fromEntries(
      Object.entries(zh)
        .filter(([key]) => key.startsWith("status."))
        .map(([key, text]) => [key.slice("status.".length), text]),
    );
    expect(FIRST_SCREEN_WORDS.status).to.deep.equal(statuses);
    // (Read as text: the module imports the console's browser-only i18n, which Node's types do not cover.)
    const units = fs.readFileSync(path.resolve(__dirname, "../../console/src/domain/units.ts"), "utf8");
    const consoleUnits = [...units.matchAll(/\{ code: "(\w+)", zh: "([^"]+)"/g)].map((match) => [
      match[1],
      match[2],
    ]);
    expect(consoleUnits).to.have.length.above(3);
    expect(FIRST_SCREEN_WORDS.units).to.deep.equal(Object.fromEntries(consoleUnits));
  });
});
