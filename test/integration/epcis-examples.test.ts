import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestServer } from "../helpers/test-env";
import { EXAMPLES_DIR, expectValidEpcis } from "./epcis-official-schema";

/**
 * Every example document of GS1's EPCIS repository (test/fixtures/gs1-epcis/examples) goes through capture,
 * and is captured or rejected exactly as the table of docs/epcis.md says, with the reason codes it names.
 */
const EPCIS_DOC = fs.readFileSync(path.resolve(__dirname, "../../docs/epcis.md"), "utf8");
const TABLE_ROW = /^\|\s*`([^`]+\.jsonld)`\s*\|\s*(captured|rejected)\s*\|(.*)\|\s*$/gm;
const table = [...EPCIS_DOC.matchAll(TABLE_ROW)].map(([, file, outcome, reasons]) => ({
  file,
  outcome,
  codes: [...reasons.matchAll(/`([A-Z][A-Z_]+)`/g)].map((match) => match[1]),
}));

/** The lots the capturable examples observe, registered to the capturing producer first. */
const SEEDED_LOTS = [
  { gtin: "04012345123456", lot: "998877" },
  { gtin: "70614141123451", lot: "998877" },
  { gtin: "04023333020008", lot: "2019-10-07" },
  { gtin: "04012345111118", lot: "1234" },
];

describe("GS1 EPCIS 2.0 example documents", () => {
  let server: TestServer;
  let producer: TestOrg;
  before(async () => {
    const env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    producer = await createOrg(server, "GS1 example co-op", ["producer"]);
    for (const { gtin, lot } of SEEDED_LOTS) {
      await createBatch(server, producer, {
        product: { name: `Example ${gtin}`, category: "tea", gtin },
        lot,
      });
    }
  });
  after(() => server.close());

  it("are all listed in the table of docs/epcis.md, once", () => {
    const files = fs
      .readdirSync(EXAMPLES_DIR)
      .filter((file) => file.endsWith(".jsonld"))
      .sort();
    expect(table.map((row) => row.file).sort()).to.deep.equal(files);
  });

  for (const row of table) {
    it(`${row.file} is ${row.outcome}${row.codes.length > 0 ? ` (${row.codes.join(", ")})` : ""}`, async () => {
      const document = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, row.file), "utf8"));
      const response = await http(server.baseUrl, "POST", "/api/epcis/capture", {
        key: producer.key,
        json: document,
      });
      if (row.outcome === "captured") {
        expect(response.status, response.text).to.equal(201);
        expect(response.body.recorded).to.equal(document.epcisBody.eventList.length);
        const batch = response.body.events[0].batchId;
        const history = await http(server.baseUrl, "GET", `/api/batches/${batch}/epcis`, {
          key: producer.key,
        });
        expectValidEpcis(history.body);
        const exported = history.body.epcisBody.eventList.find(
          (event: { eventID?: string }) => event.eventID === document.epcisBody.eventList[0].eventID,
        );
        expect(exported.type).to.equal(document.epcisBody.eventList[0].type);
        return;
      }
      expect(response.status, response.text).to.be.oneOf([400, 422]);
      const error = response.body.error;
      const codes =
        error.code === "EPCIS_CAPTURE_REJECTED"
          ? error.details.events.flatMap((event: { reasons: { code: string }[] }) =>
              event.reasons.map((reason) => reason.code),
            )
          : [error.code];
      expect([...new Set(codes)].sort()).to.deep.equal([...new Set(row.codes)].sort());
    });
  }
});
