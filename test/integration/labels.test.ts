import zlib from "node:zlib";
import { expect } from "chai";
import jsQR from "jsqr";
import { licensedBrand } from "../helpers/brand-scenario";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestServer } from "../helpers/test-env";
import { http } from "../helpers/http";

const MM = 72 / 25.4;

/** The decompressed content streams of a PDF, in file order. */
function pdfStreams(pdf: Buffer): string[] {
  const streams: string[] = [];
  let at = 0;
  for (;;) {
    const start = pdf.indexOf("stream\n", at);
    if (start < 0) return streams;
    const end = pdf.indexOf("\nendstream", start);
    try {
      streams.push(zlib.inflateSync(pdf.subarray(start + 7, end)).toString("latin1"));
    } catch {
      // not a Flate stream (or not a stream keyword): skip
    }
    at = end + 10;
  }
}

/**
 * Decodes the QR code of the first label on the first page: its dark modules are filled
 * rectangles (`x y w h re`) in pdfkit's top-left user space; they are painted into a bitmap at
 * 4 px per point and given to a real QR decoder.
 */
function firstLabelQr(pdf: Buffer): string | undefined {
  const page = pdfStreams(pdf).find((stream) => / re\n/.test(stream))!;
  const box = { width: 70 * MM, height: 4.5 * MM + 36 * MM };
  const scale = 4;
  const width = Math.ceil(box.width * scale);
  const height = Math.ceil(box.height * scale);
  const pixels = new Uint8ClampedArray(width * height * 4).fill(255);
  for (const match of page.matchAll(/(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re\n/g)) {
    const [x, y, w, h] = match.slice(1).map(Number);
    if (x > box.width || y > box.height) continue;
    for (let row = Math.round(y * scale); row < Math.round((y + h) * scale) && row < height; row++) {
      for (
        let column = Math.round(x * scale);
        column < Math.round((x + w) * scale) && column < width;
        column++
      ) {
        pixels.fill(0, (row * width + column) * 4, (row * width + column) * 4 + 3);
      }
    }
  }
  return jsQR(pixels, width, height)?.data;
}

const pageCount = (pdf: Buffer) => (pdf.toString("latin1").match(/\/Type \/Page\n/g) ?? []).length;

describe("label sheets (GET /api/batches/:id/labels.pdf)", () => {
  let server: TestServer;
  let farm: TestOrg;
  let batch: { id: string; lot: string; digitalLink: string };

  before(async () => {
    const env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "黄杜村茶园", ["producer"]);
    batch = await createBatch(server, farm, { brand: await licensedBrand(server, farm) });
  });
  after(() => server.close());

  async function labels(query: string, key: string | null = farm.key) {
    const response = await fetch(`${server.baseUrl}/api/batches/${batch.id}/labels.pdf?${query}`, {
      headers: key ? { authorization: `Bearer ${key}` } : {},
    });
    return {
      status: response.status,
      type: response.headers.get("content-type"),
      pdf: Buffer.from(await response.arrayBuffer()),
    };
  }

  it("prints N labels, 24 to an A4 page, whose QR codes decode to the batch's Digital Link", async () => {
    const { status, type, pdf } = await labels("count=30");
    expect(status).to.equal(200);
    expect(type).to.equal("application/pdf");
    expect(pdf.subarray(0, 5).toString()).to.equal("%PDF-");
    expect(pageCount(pdf)).to.equal(2);
    expect(pdf.toString("latin1")).to.match(/\/MediaBox \[0 0 595\.27\d* 841\.88\d*\]/);
    expect(firstLabelQr(pdf)).to.equal(batch.digitalLink);
  });

  it("embeds only a subset of the Chinese font (Noto Sans SC), not the 8 MB file", async () => {
    const { pdf } = await labels("count=1");
    const text = pdf.toString("latin1");
    expect(text).to.match(/\/BaseFont \/[A-Z]{6}\+NotoSansHans-Bold/);
    expect(text).to.match(/\/BaseFont \/[A-Z]{6}\+NotoSansHans-Regular/);
    expect(pdf.length).to.be.below(400_000);
  });

  it("prints item serial labels, each QR holding its own item-level link", async () => {
    const issued = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/serials`, {
      key: farm.key,
      json: { count: 30, itemQuantity: { value: 0.25, unit: "KGM" } },
    });
    expect(issued.status).to.equal(201);
    const first = await labels("serials=true&count=25");
    expect(first.status).to.equal(200);
    expect(pageCount(first.pdf)).to.equal(2);
    expect(firstLabelQr(first.pdf)).to.equal(issued.body.items[0].digitalLink);
    const next = await labels("serials=true&count=24&offset=24");
    expect(pageCount(next.pdf)).to.equal(1);
    expect(firstLabelQr(next.pdf)).to.equal(issued.body.items[24].digitalLink);
    expect((await labels("serials=true&count=1&offset=30")).status).to.equal(422);
  });

  it("is for the batch's parties only, and item serials for the producer only", async () => {
    expect((await labels("count=1", null)).status).to.equal(401);
    const stranger = await createOrg(server, "无关合作社", ["producer"]);
    expect((await labels("count=1", stranger.key)).status).to.equal(404);
    const shop = await createOrg(server, "杭州农产品超市", ["retailer"]);
    const offered = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/transfers`, {
      key: farm.key,
      json: { to: shop.id },
    });
    await http(server.baseUrl, "POST", `/api/transfers/${offered.body.transfer.id}/accept`, {
      key: shop.key,
      json: {},
    });
    expect((await labels("count=1", shop.key)).status).to.equal(200);
    expect((await labels("serials=true&count=1", shop.key)).status).to.equal(403);
  });

  it("refuses more labels than LABELS_MAX_PER_REQUEST with a 413 naming the limit", async () => {
    const response = await http(server.baseUrl, "GET", `/api/batches/${batch.id}/labels.pdf?count=10001`, {
      key: farm.key,
    });
    expect(response.status).to.equal(413);
    expect(response.body.error.details).to.include({ limit: "LABELS_MAX_PER_REQUEST", allowed: 10_000 });
    const none = await http(server.baseUrl, "GET", `/api/batches/${batch.id}/labels.pdf?count=0`, {
      key: farm.key,
    });
    expect(none.status).to.equal(400);
    expect(none.body.error.details[0].field).to.equal("query.count");
  });
});
