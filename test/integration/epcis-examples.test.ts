import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Types } from "mongoose";
import { SerialRepository } from "../../server/modules/labels";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";
import { EXAMPLES_DIR } from "./epcis-official-schema";

/**
 * Every example document of GS1's EPCIS repository (test/fixtures/gs1-epcis/examples) goes through
 * capture (decision 0031): each capture document is captured whole and each event becomes what the
 * table of docs/epcis.md says (an event on a batch, a new batch, an observation in the capturing
 * organization's log); then every captured event comes back through the /epcis query interface
 * by its eventID, by MATCH_epc and by EQ_bizStep, with the content that was captured. The query
 * document stays refused.
 */
const EPCIS_DOC = fs.readFileSync(path.resolve(__dirname, "../../docs/epcis.md"), "utf8");
const TABLE_ROW = /^\|\s*`([^`]+\.jsonld)`\s*\|\s*([^|]+?)\s*\|\s*$/gm;
const table = [...EPCIS_DOC.matchAll(TABLE_ROW)].map(([, file, became]) => ({ file, became }));

/** The lots the examples name that the capturing producer holds. */
const SEEDED_LOTS = [
  { gtin: "04012345123456", lot: "998877" },
  { gtin: "70614141123451", lot: "998877" },
  { gtin: "04023333020008", lot: "2019-10-07" },
  { gtin: "04012345111118", lot: "1234" },
];
/** An item serial the serial registry holds for GTIN 04012345111118 lot 1234 (an SGTIN in the examples). */
const REGISTERED_SERIAL = { gtin: "04012345111118", lot: "1234", serial: "9876" };
const RECORD_KEEPING = /^(recordTime|ecotrace:.*|@context)$/;
const QUANTITY_LISTS = ["quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"];

type Event = Record<string, unknown>;
interface CapturedResult {
  index: number;
  batchId: string;
  eventId: string;
  createdBatch: boolean;
  observed?: string;
}

describe("GS1 EPCIS 2.0 example documents", () => {
  let env: TestEnv;
  let server: TestServer | undefined;
  let producer: TestOrg;
  /** A fresh database per example: several examples share eventIDs, which are captured once only. */
  beforeEach(async () => {
    await server?.close();
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    producer = await createOrg(server, "GS1 example co-op", ["producer"]);
    for (const { gtin, lot } of SEEDED_LOTS) {
      const batch = await createBatch(server, producer, {
        product: { name: `Example ${gtin}`, category: "tea", gtin },
        lot,
      });
      if (gtin === REGISTERED_SERIAL.gtin && lot === REGISTERED_SERIAL.lot) {
        await new SerialRepository(env.runtime.connection).insertMany([
          {
            _id: new Types.ObjectId(),
            batchId: new Types.ObjectId(batch.id),
            serial: REGISTERED_SERIAL.serial,
            issuedBy: new Types.ObjectId(producer.id),
            createdAt: new Date(),
            scans: 0,
            firstScanAt: null,
            lastScanAt: null,
          },
        ]);
      }
    }
  });
  after(() => server?.close());

  const get = (url: string) => http(server!.baseUrl, "GET", url, { key: producer.key });
  const query = async (parameters: Record<string, string>) => {
    const response = await get(`/epcis/events?${new URLSearchParams({ ...parameters, perPage: "1000" })}`);
    expect(response.status, response.text).to.equal(200);
    return response.body.epcisBody.queryResults.resultsBody.eventList as Event[];
  };

  /** What one captured event became, in the words of the docs table. */
  const became = async (result: CapturedResult): Promise<string> => {
    if (result.observed) return `observation (${result.observed})`;
    const batch = (await get(`/api/batches/${result.batchId}`)).body;
    const lot = `${batch.product.gtin} lot ${batch.lot}`;
    if (result.createdBatch) return `new batch ${lot}`;
    const events = (await get(`/api/batches/${result.batchId}/events`)).body.items as {
      id: string;
      type: string;
      body: { data?: { serials?: string[] } };
    }[];
    const event = events.find((item) => item.id === result.eventId)!;
    const serials = event.body.data?.serials;
    return `${event.type} on ${lot}${serials ? ` (item ${serials.join(", ")})` : ""}`;
  };

  it("are all listed in the table of docs/epcis.md, once", () => {
    const files = fs
      .readdirSync(EXAMPLES_DIR)
      .filter((file) => file.endsWith(".jsonld"))
      .sort();
    expect(table.map((row) => row.file).sort()).to.deep.equal(files);
    const captured = table.filter((row) => !row.became.startsWith("refused"));
    expect(captured).to.have.length(46);
  });

  for (const row of table) {
    it(`${row.file}: ${row.became}`, async () => {
      const document = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, row.file), "utf8"));
      const response = await http(server!.baseUrl, "POST", "/api/epcis/capture", {
        key: producer.key,
        json: document,
      });
      if (row.became.startsWith("refused")) {
        expect(response.status, response.text).to.equal(422);
        expect(row.became).to.include(response.body.error.code);
        return;
      }
      expect(response.status, response.text).to.equal(201);
      const originals = document.epcisBody.eventList as Event[];
      const results = response.body.events as CapturedResult[];
      expect(response.body.recorded).to.equal(originals.length);
      const summaries: string[] = [];
      for (const result of results) summaries.push(await became(result));
      expect(summarize(summaries)).to.equal(row.became);

      for (const [index, original] of originals.entries()) {
        const result = results[index];
        const eventID =
          (original.eventID as string | undefined) ?? ourEventUri(env.config.PUBLIC_BASE_URL, result.eventId);
        const [found, ...others] = await query({ EQ_eventID: eventID });
        expect(others, `${eventID} names one event`).to.have.length(0);
        expect(withoutRecordKeeping(found)).to.deep.equal(
          expected(original, eventID, result.observed ? undefined : await canonicalClassOf(result)),
        );
        expect(found["ecotrace:hash"]).to.match(/^0x[0-9a-f]{64}$/);
        const epcs = [...strings(original.epcList), ...strings(original.childEPCs)];
        if (epcs.length > 0) {
          const matched = await query({ MATCH_epc: epcs[epcs.length - 1] });
          expect(matched.map((event) => event.eventID)).to.include(eventID);
        }
        if (typeof original.bizStep === "string") {
          const matched = await query({ EQ_bizStep: original.bizStep });
          expect(matched.map((event) => event.eventID)).to.include(eventID);
        }
      }
    });
  }

  /** GS1's canonical Digital Link of the batch an event was recorded on. */
  const canonicalClassOf = async (result: CapturedResult) => {
    const batch = (await get(`/api/batches/${result.batchId}`)).body;
    return `https://id.gs1.org/01/${batch.product.gtin}/10/${batch.lot}`;
  };
});

/** Equal summaries in a row counted: "observation ×2". */
function summarize(summaries: string[]): string {
  const runs: { text: string; count: number }[] = [];
  for (const text of summaries) {
    const last = runs[runs.length - 1];
    if (last?.text === text) last.count += 1;
    else runs.push({ text, count: 1 });
  }
  return runs.map((run) => (run.count > 1 ? `${run.text} ×${run.count}` : run.text)).join("; ");
}

function ourEventUri(baseUrl: string, eventId: string): string {
  return `${baseUrl}/api/epcis/events/${eventId}`;
}

/** The captured event as the query must give it back: the eventID it is known by, a batch's lot in GS1's canonical form. */
function expected(original: Event, eventID: string, batchClass: string | undefined): Event {
  const event: Event = withoutRecordKeeping({ ...original, eventID });
  if (!batchClass) return event;
  for (const list of QUANTITY_LISTS) {
    const elements = event[list];
    if (Array.isArray(elements) && elements.length === 1)
      event[list] = [{ ...elements[0], epcClass: batchClass }];
  }
  return event;
}

function withoutRecordKeeping(event: Event): Event {
  return Object.fromEntries(Object.entries(event).filter(([key]) => !RECORD_KEEPING.test(key)));
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}
