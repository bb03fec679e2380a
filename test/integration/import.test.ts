import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Types } from "mongoose";
import writeXlsxFile from "write-excel-file/node";
import { http, type HttpResult } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

type Json = Record<string, unknown>;

const FIXTURES = path.resolve(__dirname, "../fixtures/import");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

describe("bulk import API", () => {
  let env: TestEnv;
  let server: TestServer;
  let farm: TestOrg;
  let shop: TestOrg;
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "安吉县白茶合作社", ["producer"]);
    shop = await createOrg(server, "杭州茶叶店", ["retailer"]);
  });
  after(() => server.close());

  const upload = async (org: TestOrg, bytes: Buffer, query = "", type = "text/csv") => {
    const response = await fetch(`${server.baseUrl}/api/imports${query}`, {
      method: "POST",
      headers: { authorization: `Bearer ${org.key}`, "content-type": type },
      body: bytes,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: JSON.parse(text), text } as HttpResult;
  };
  const get = (org: TestOrg, route: string) => http(server.baseUrl, "GET", route, { key: org.key });
  const count = (collection: string, filter: Json = {}) =>
    env.runtime.connection.db!.collection(collection).countDocuments(filter);
  const untilDone = async (org: TestOrg, importId: string) => {
    for (let attempt = 0; attempt < 600; attempt++) {
      const job = await get(org, `/api/imports/${importId}`);
      if (job.body.state !== "running") return job.body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`import ${importId} did not finish`);
  };

  describe("POST /api/imports?dryRun=true", () => {
    it("reports every row problem with its row and column and stores nothing", async () => {
      const before = [await count("batches"), await count("traceevents"), await count("importjobs")];
      const response = await upload(farm, fixture("with-errors.csv"), "?dryRun=true&name=with-errors.csv");
      expect(response.status, response.text).to.equal(200);
      expect(response.body).to.include({ dryRun: true, valid: false, rows: 11 });
      const found = response.body.errors.map((error: Json) => `${error.row} ${error.column ?? error.code}`);
      expect(found).to.deep.equal([
        "2 gtin",
        "3 region_code",
        "3 harvested_at",
        "3 quantity",
        "3 unit",
        "4 lot",
        "5 type",
        "6 UNKNOWN_BATCH",
        "7 event_time",
        "10 BATCH_STATE",
        "11 data",
        "12 LOT_TAKEN",
      ]);
      const problem = (row: number, column: string) =>
        response.body.errors.find(
          (error: Json) => error.row === row && (error.column ?? error.code) === column,
        ).problem;
      expect(problem(2, "gtin")).to.equal("check digit must be 2, not 3");
      expect(problem(6, "UNKNOWN_BATCH")).to.equal("no batch of yours has lot NO-SUCH-LOT");
      expect(problem(10, "BATCH_STATE")).to.match(/a destroyed batch does not accept storing events/);
      expect(problem(12, "LOT_TAKEN")).to.equal("lot ERR-0004 is already registered for product 安吉白茶");
      expect([await count("batches"), await count("traceevents"), await count("importjobs")]).to.deep.equal(
        before,
      );
    });

    it("counts what a valid file would store", async () => {
      const response = await upload(farm, fixture("harvest.csv"), "?dryRun=true");
      expect(response.body).to.include({ valid: true, rows: 6, batches: 2, events: 4 });
      expect(response.body.errors).to.deep.equal([]);
      expect(await count("batches", { lot: "IMP-2026-0001" })).to.equal(0);
    });

    it("refuses unknown columns and a missing lot column before reading rows", async () => {
      const response = await upload(farm, Buffer.from("type,colour\nbatch,green\n"), "?dryRun=true");
      expect(response.status).to.equal(422);
      expect(response.body.error.details.errors).to.deep.equal([
        { row: 1, column: "colour", problem: "is not a known column (see docs/import-format.md)" },
        { row: 1, column: "lot", problem: "column is required" },
      ]);
    });
  });

  describe("POST /api/imports", () => {
    let importId: string;

    it("stores the rows in the background, each event hash-chained with the row it came from", async () => {
      const response = await upload(farm, fixture("harvest.csv"), "?name=harvest.csv");
      expect(response.status, response.text).to.equal(202);
      expect(response.headers.get("location")).to.equal(`/api/imports/${response.body.importId}`);
      importId = response.body.importId;
      const job = await untilDone(farm, importId);
      expect(job).to.include({
        state: "done",
        rows: 6,
        written: 6,
        batches: 2,
        events: 4,
        fileName: "harvest.csv",
      });

      const batches = await get(farm, "/api/batches?lot=IMP-2026-0001");
      const [batch] = batches.body.items;
      expect(batch).to.deep.include({ quantity: { value: 500, unit: "KGM" }, holderId: farm.id });
      expect(batch.origin.location).to.deep.equal({ lat: 30.64, lon: 119.68 });
      const chain = await get(farm, `/api/batches/${batch.id}/events`);
      expect(chain.body.items.map((event: Json) => event.type)).to.deep.equal([
        "commissioning",
        "inspecting",
        "storing",
      ]);
      const inspection = chain.body.items[1].body;
      expect(inspection.eventTime).to.equal("2026-04-13T08:00:00+08:00");
      expect(inspection.disposition).to.equal("urn:epcglobal:cbv:disp:conformant");
      expect(inspection.data).to.deep.include({
        lab: "浙江省农产品质量检测中心",
        note: "first flush",
        results: [{ name: "moisture", value: 6.5, unit: "P1", pass: true }],
        import: { file: job.fileHash, row: 4 },
      });
      expect(chain.body.items[0].body.eventTime).to.equal("2026-04-12T18:00:00+08:00");
      const second = (await get(farm, "/api/batches?lot=IMP-2026-0002")).body.items[0];
      const secondChain = await get(farm, `/api/batches/${second.id}/events`);
      expect(secondChain.body.items[1].body.disposition).to.equal("urn:epcglobal:cbv:disp:non_conformant");
      expect((await get(shop, `/api/imports/${importId}`)).status).to.equal(404);
    });

    it("reports an import done before instead of storing the file twice", async () => {
      const events = await count("traceevents");
      const again = await upload(farm, fixture("harvest.csv"), "?name=harvest.csv");
      expect(again.status).to.equal(200);
      expect(again.body).to.include({ importId, state: "done", replayed: true });
      expect(await count("traceevents")).to.equal(events);
    });

    it("resumes an interrupted import without storing any row twice", async () => {
      const db = env.runtime.connection.db!;
      const file = Buffer.from(
        fixture("harvest.csv")
          .toString()
          .replace(/IMP-2026-000/g, "RES-2026-000"),
      );
      const started = await upload(farm, file, "?name=resume.csv");
      const job = await untilDone(farm, started.body.importId);
      const events = await count("traceevents");
      // What a service killed mid-import leaves: the job still running at row 3 of 6, and the last
      // row's event committed to its batch head but not inserted.
      const last = await db
        .collection("traceevents")
        .findOne({ "body.data.import.file": job.fileHash, "body.data.import.row": 7 });
      await db.collection("traceevents").deleteOne({ _id: last!._id });
      const jobId = new Types.ObjectId(job.importId);
      await db.collection("importjobs").updateOne(
        { _id: jobId },
        {
          $set: {
            state: "running",
            written: 2,
            heartbeatAtMs: Date.now(),
            "counts.batches": 2,
            "counts.events": 0,
          },
        },
      );
      const running = await upload(farm, file, "?name=resume.csv");
      expect(running.status).to.equal(202);
      expect(running.body).to.include({ replayed: true, written: 2 });
      await db
        .collection("importjobs")
        .updateOne({ _id: jobId }, { $set: { heartbeatAtMs: Date.now() - 60_000 } });
      const resumed = await upload(farm, file, "?name=resume.csv");
      expect(resumed.status, resumed.text).to.equal(202);
      const done = await untilDone(farm, resumed.body.importId);
      expect(done).to.include({ importId: job.importId, state: "done", written: 6, batches: 2, events: 4 });
      expect(await count("traceevents")).to.equal(events);
      expect(await count("traceevents", { "body.data.import.file": job.fileHash })).to.equal(6);
      expect(await count("batches", { lot: /^RES-/ })).to.equal(2);
    });

    it("resumes an import that died between claiming a batch's lot and storing the batch", async () => {
      const db = env.runtime.connection.db!;
      const file = Buffer.from(
        fixture("harvest.csv")
          .toString()
          .replace(/IMP-2026-000/g, "CLM-2026-000"),
      );
      const started = await upload(farm, file, "?name=claim.csv");
      const job = await untilDone(farm, started.body.importId);
      // What a service killed mid-chunk leaves: row 3's lot claimed for its batch, which (with its
      // events, rows 6 and 7) was never stored; the job still running after row 2.
      const second = await db.collection("batches").findOne({ lot: "CLM-2026-0002" });
      await db.collection("traceevents").deleteMany({ batchId: second!._id });
      await db.collection("batches").deleteOne({ _id: second!._id });
      expect(await count("lotclaims", { lot: "CLM-2026-0002", batchId: second!._id })).to.equal(1);
      await db.collection("importjobs").updateOne(
        { _id: new Types.ObjectId(job.importId) },
        {
          $set: {
            state: "running",
            written: 1,
            heartbeatAtMs: Date.now() - 60_000,
            "counts.batches": 1,
            "counts.events": 0,
          },
        },
      );
      const resumed = await upload(farm, file, "?name=claim.csv");
      expect(resumed.status, resumed.text).to.equal(202);
      const done = await untilDone(farm, resumed.body.importId);
      expect(done).to.include({ state: "done", written: 6, batches: 2, events: 4 });
      expect(await count("traceevents", { "body.data.import.file": job.fileHash })).to.equal(6);
      expect(await count("batches", { lot: /^CLM-/ })).to.equal(2);
    });

    it("refuses a file with any row problem, storing nothing", async () => {
      const before = await count("traceevents");
      const response = await upload(farm, fixture("with-errors.csv"));
      expect(response.status).to.equal(422);
      expect(response.body.error.code).to.equal("IMPORT_REJECTED");
      expect(response.body.error.message).to.equal("9 of 11 rows have problems; nothing was stored");
      expect(response.body.error.details.errors).to.have.length(12);
      expect(await count("traceevents")).to.equal(before);
    });

    it("applies the REST API's rules to every row: roles and tenancy", async () => {
      await createBatch(server, farm, { lot: "FARM-ONLY" });
      const rows =
        "type,lot,product,category,quantity,unit,place,region_code,harvested_at,event_time\n" +
        "batch,SHOP-1,Tea,tea,10,KGM,Shop,330523,2026-04-12,\n" +
        "storing,FARM-ONLY,,,,,,,,2026-04-13T08:00:00+08:00\n";
      const response = await upload(shop, Buffer.from(rows), "?dryRun=true");
      expect(response.body.errors.map((error: Json) => [error.row, error.code])).to.deep.equal([
        [2, "FORBIDDEN"],
        [3, "UNKNOWN_BATCH"],
      ]);
    });

    it("reads .xlsx workbooks, with date cells placed in time by utc_offset", async () => {
      const header = [
        "type",
        "lot",
        "product",
        "category",
        "quantity",
        "unit",
        "place",
        "region_code",
        "harvested_at",
        "event_time",
        "utc_offset",
      ];
      const sheet = [
        header.map((value) => ({ value })),
        [
          "batch",
          "XLS-1",
          "五常大米",
          "rice",
          1000,
          "KGM",
          "五常市",
          "230184",
          new Date("2026-09-20T00:00:00Z"),
          null,
          null,
        ].map(cell),
        [
          "storing",
          "XLS-1",
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          new Date("2026-09-21T14:30:00Z"),
          "+08:00",
        ].map(cell),
        [
          "storing",
          "XLS-1",
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          new Date("2026-09-22T14:30:00Z"),
          null,
        ].map(cell),
      ];
      const bytes = Buffer.from(await writeXlsxFile(sheet as never).toBuffer());
      const xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
      const dry = await upload(farm, bytes, "?dryRun=true&name=rice.xlsx", xlsx);
      expect(dry.body.errors).to.deep.equal([
        {
          row: 4,
          column: "event_time",
          problem:
            "is a spreadsheet date without a time zone: add utc_offset (e.g. +08:00) or type the time as text with its offset",
        },
      ]);
      const fixed = sheet.slice(0, 3);
      const imported = await upload(
        farm,
        Buffer.from(await writeXlsxFile(fixed as never).toBuffer()),
        "?name=rice.xlsx",
        xlsx,
      );
      expect(imported.status, imported.text).to.equal(202);
      expect(await untilDone(farm, imported.body.importId)).to.include({
        state: "done",
        batches: 1,
        events: 1,
      });
      const rice = (await get(farm, "/api/batches?lot=XLS-1")).body.items[0];
      expect(rice.origin.harvestedAt).to.equal("2026-09-20");
      const chain = await get(farm, `/api/batches/${rice.id}/events`);
      expect(chain.body.items[1].body.eventTime).to.equal("2026-09-21T14:30:00+08:00");
    });

    it("refuses an empty upload and a file that is neither CSV nor .xlsx", async () => {
      expect((await upload(farm, Buffer.alloc(0))).status).to.equal(400);
      const binary = await upload(farm, Buffer.from([0, 1, 2, 3]), "?dryRun=true");
      expect(binary.status).to.equal(400);
      expect(binary.body.error.message).to.equal("file is neither UTF-8 CSV nor an .xlsx workbook");
    });
  });
});

function cell(value: unknown) {
  if (value === null) return null;
  if (value instanceof Date) return { value, type: Date, format: "yyyy-mm-dd hh:mm" };
  return { value };
}
