import { Writable } from "node:stream";
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { expect } from "chai";
import pino from "pino";
import { createApp } from "../../server/main/app";
import { PAGE_CSP } from "../../server/platform/web/html";
import { createBatch, createOrg, teaBatch, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

/** A raw HTTP exchange: any method with any body, and the response bytes as sent (not decompressed). */
function exchange(
  baseUrl: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON bodies
  json: any;
}> {
  return new Promise((resolve, reject) => {
    const length =
      options.body === undefined ? {} : { "content-length": String(Buffer.byteLength(options.body)) };
    const headers = { ...length, ...options.headers };
    const req = request(`${baseUrl}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const bytes = Buffer.concat(chunks);
        const text =
          res.headers["content-encoding"] === "gzip" ? gunzipSync(bytes).toString() : bytes.toString();
        let json: unknown;
        if ((res.headers["content-type"] ?? "").includes("json")) json = JSON.parse(text);
        resolve({ status: res.statusCode!, headers: res.headers, bytes, json });
      });
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

const deepJson = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

describe("HTTP edge", () => {
  let env: TestEnv;
  let server: TestServer;
  let producer: TestOrg;
  let baseUrl: string;
  let close: () => Promise<void>;
  /** Everything the edge app logged at error level or above (a stack trace is logged there). */
  const errorLines: string[] = [];

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    producer = await createOrg(server, "安吉县白茶合作社", ["producer"]);
    const sink = new Writable({
      write(line: Buffer, _encoding, done) {
        if (JSON.parse(line.toString()).level >= 50) errorLines.push(line.toString());
        done();
      },
    });
    const app = createApp({ config: env.config, logger: pino({ level: "info" }, sink), ...env.runtime });
    const listening = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => listening.once("listening", resolve));
    baseUrl = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => listening.close(() => resolve()));
  });
  after(async () => {
    await close();
    await server.close();
  });
  beforeEach(() => (errorLines.length = 0));
  afterEach(() => expect(errorLines, "nothing logged at error level").to.deep.equal([]));

  const count = (collection: string) => env.runtime.connection.db!.collection(collection).countDocuments();
  const json = { "content-type": "application/json" };

  describe("request bodies", () => {
    it("answers 400 to JSON nested 10,000 deep, on a public route and an authenticated one", async () => {
      for (const [method, path, headers] of [
        ["GET", "/api/brands", json],
        ["POST", "/api/batches", { ...json, authorization: `Bearer ${producer.key}` }],
      ] as const) {
        const response = await exchange(baseUrl, method, path, { headers, body: deepJson(10_000) });
        expect(response.status, `${method} ${path}`).to.equal(400);
        expect(response.json.error.code).to.equal("VALIDATION_FAILED");
        expect(response.json.error.message).to.match(/^body(\[0\]){64} is nested deeper than 64 levels$/);
      }
    });

    it("accepts JSON nested 64 deep as far as the parser is concerned", async () => {
      const response = await exchange(baseUrl, "GET", "/api/brands", { headers: json, body: deepJson(64) });
      expect(response.status).to.equal(200);
    });

    it("answers 400 to a body that is not the gzip its Content-Encoding says, even on /healthz", async () => {
      for (const [method, path] of [
        ["GET", "/healthz"],
        ["POST", "/api/batches"],
      ] as const) {
        const response = await exchange(baseUrl, method, path, {
          headers: { ...json, "content-encoding": "gzip", authorization: `Bearer ${producer.key}` },
          body: Buffer.from("this is not gzip"),
        });
        expect(response.status, path).to.equal(400);
        expect(response.json.error.code).to.equal("MALFORMED_CONTENT_ENCODING");
      }
    });

    it("answers 415 to a Content-Encoding it does not know", async () => {
      const response = await exchange(baseUrl, "POST", "/api/batches", {
        headers: { ...json, "content-encoding": "x-unknown", authorization: `Bearer ${producer.key}` },
        body: "{}",
      });
      expect(response.status).to.equal(415);
      expect(response.json.error.code).to.equal("UNSUPPORTED_ENCODING");
    });

    it("refuses a body that is not valid UTF-8 instead of storing U+FFFD in its place", async () => {
      const batch = JSON.stringify(teaBatch({ product: { name: "TEA_NAME", category: "tea" } }));
      const [before, after] = batch.split("TEA_NAME");
      const body = Buffer.concat([
        Buffer.from(before),
        Buffer.from([0xe5, 0xae, 0x89, 0xff]),
        Buffer.from(after),
      ]);
      const batchesBefore = await count("batches");
      const response = await exchange(baseUrl, "POST", "/api/batches", {
        headers: { ...json, authorization: `Bearer ${producer.key}` },
        body,
      });
      expect(response.status).to.equal(400);
      expect(response.json.error.code).to.equal("INVALID_UTF8");
      expect(await count("batches")).to.equal(batchesBefore);
    });

    it("answers 400 naming the field to 1e999 in an EPCIS capture, and stores nothing", async () => {
      const document = JSON.stringify({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        type: "EPCISDocument",
        schemaVersion: "2.0",
        creationDate: "2026-04-13T00:00:00Z",
        epcisBody: {
          eventList: [
            {
              type: "ObjectEvent",
              action: "OBSERVE",
              bizStep: "shipping",
              eventTime: "2026-04-13T08:00:00+08:00",
              eventTimeZoneOffset: "+08:00",
              quantityList: [
                { epcClass: "https://id.gs1.org/01/06901234567892/10/L1", quantity: 1, uom: "KGM" },
              ],
            },
          ],
        },
      }).replace('"quantity":1', '"quantity":1e999');
      const eventsBefore = await count("traceevents");
      const response = await exchange(baseUrl, "POST", "/api/epcis/capture", {
        headers: { ...json, authorization: `Bearer ${producer.key}` },
        body: document,
      });
      expect(response.status).to.equal(400);
      expect(response.json.error.details).to.deep.equal([
        {
          field: "body.epcisBody.eventList[0].quantityList[0].quantity",
          problem: "must be a finite number (it overflows a 64-bit double)",
        },
      ]);
      expect(await count("traceevents")).to.equal(eventsBefore);
    });
  });

  describe("response headers", () => {
    it("sends helmet's headers on JSON, with a CSP that lets nothing load", async () => {
      const response = await exchange(baseUrl, "GET", "/api/brands");
      expect(response.headers["x-content-type-options"]).to.equal("nosniff");
      expect(response.headers["content-security-policy"]).to.equal(
        "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'",
      );
      expect(response.headers["x-frame-options"]).to.equal("SAMEORIGIN");
      expect(response.headers["referrer-policy"]).to.equal("no-referrer");
      expect(response.headers["x-powered-by"]).to.equal(undefined);
    });

    it("keeps the pages' own strict CSP and gzips the consumer page", async () => {
      const batch = await createBatch(server, producer);
      const path = new URL(batch.digitalLink).pathname;
      const plain = await exchange(baseUrl, "GET", path, { headers: { accept: "text/html" } });
      const gzipped = await exchange(baseUrl, "GET", path, {
        headers: { accept: "text/html", "accept-encoding": "gzip" },
      });
      expect(plain.status).to.equal(200);
      expect(gzipped.headers["content-security-policy"]).to.equal(PAGE_CSP);
      expect(gzipped.headers["x-content-type-options"]).to.equal("nosniff");
      expect(gzipped.headers["content-encoding"]).to.equal("gzip");
      expect(gzipped.headers.vary).to.match(/Accept-Encoding/i);
      // The page itself changes between two views (it counts scans): compare what it holds.
      const page = gunzipSync(gzipped.bytes).toString();
      expect(page).to.include(batch.lot).and.include("</html>");
      expect(gzipped.bytes.length).to.be.below(plain.bytes.length / 2);
    });

    it("gzips JSON answers large enough to gain from it", async () => {
      const response = await exchange(baseUrl, "GET", "/openapi.json", {
        headers: { "accept-encoding": "gzip" },
      });
      expect(response.status).to.equal(200);
      expect(response.headers["content-encoding"]).to.equal("gzip");
      expect(response.json.openapi).to.equal("3.1.0");
    });

    it("serves the Swagger UI at /docs with a CSP that allows its own scripts and styles only", async () => {
      const page = await exchange(baseUrl, "GET", "/docs/");
      expect(page.status).to.equal(200);
      const csp = String(page.headers["content-security-policy"]);
      expect(csp).to.include("script-src 'self'");
      expect(csp).to.include("default-src 'none'");
      const html = page.bytes.toString();
      const assets = [...html.matchAll(/(?:src|href)="\.\/([\w.-]+\.(?:js|css))"/g)].map((match) => match[1]);
      expect(assets).to.include.members(["swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"]);
      expect(html, "no inline script, which the CSP would block").to.not.match(/<script>/);
      for (const asset of assets) {
        expect((await exchange(baseUrl, "GET", `/docs/${asset}`)).status, asset).to.equal(200);
      }
    });
  });
});
