import { expect } from "chai";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { http } from "../helpers/http";
import { createBatch, createOrg } from "../helpers/scenario";
import { startTestServer, testEnv, type TestServer } from "../helpers/test-env";

/** Decodes a QR PNG with a real decoder (jsQR), as a phone camera would. */
function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

describe("batch QR codes", () => {
  let server: TestServer;
  let batch: { id: string; publicId: string; digitalLink: string };
  before(async () => {
    server = await startTestServer(await testEnv());
    const producer = await createOrg(server, "QR farm", ["producer"]);
    batch = await createBatch(server, producer);
  });
  after(() => server.close());

  async function fetchBytes(path: string) {
    const response = await fetch(`${server.baseUrl}${path}`);
    return {
      status: response.status,
      type: response.headers.get("content-type"),
      bytes: Buffer.from(await response.arrayBuffer()),
    };
  }

  it("serves a PNG, without a key, that decodes to the batch's Digital Link", async () => {
    const { status, type, bytes } = await fetchBytes(`/api/batches/${batch.publicId}/qr.png`);
    expect(status).to.equal(200);
    expect(type).to.equal("image/png");
    expect(decodeQr(bytes)).to.equal(batch.digitalLink);
  });

  it("honours size, margin and error-correction options", async () => {
    const small = await fetchBytes(`/api/batches/${batch.publicId}/qr.png?size=200&margin=4&ecc=H`);
    expect(PNG.sync.read(small.bytes).width).to.equal(200);
    expect(decodeQr(small.bytes)).to.equal(batch.digitalLink);
  });

  it("serves an SVG", async () => {
    const { status, type, bytes } = await fetchBytes(`/api/batches/${batch.publicId}/qr.svg?size=300`);
    expect(status).to.equal(200);
    expect(type).to.match(/^image\/svg\+xml/);
    expect(bytes.toString()).to.match(/^<svg[^>]+width="300"/);
  });

  it("refuses bad options and unknown batches", async () => {
    const tooBig = await http(server.baseUrl, "GET", `/api/batches/${batch.publicId}/qr.png?size=9999`);
    expect(tooBig.status).to.equal(400);
    expect(tooBig.body.error.details[0].field).to.equal("query.size");
    expect(
      (await http(server.baseUrl, "GET", `/api/batches/${batch.publicId}/qr.png?ecc=X`)).status,
    ).to.equal(400);
    expect((await http(server.baseUrl, "GET", `/api/batches/${"A".repeat(22)}/qr.png`)).status).to.equal(404);
    // Public routes no longer take ObjectIds, which are sequential (decision 0020).
    expect((await http(server.baseUrl, "GET", `/api/batches/${batch.id}/qr.png`)).status).to.equal(400);
  });
});
