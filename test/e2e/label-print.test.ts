import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { licensedBrand } from "../helpers/brand-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestServer } from "../helpers/test-env";

const OUTPUT = path.resolve(__dirname, "../../test-output");
const DPI = 100;
const px = (mm: number) => (mm / 25.4) * DPI;
const LABEL = { width: 70, height: 36, top: 4.5, columns: 3, rows: 8 };
/** Anti-aliased edges of ink can spill into the next pixel. */
const EDGE_PX = 1;

function hasPoppler(): boolean {
  try {
    execFileSync("pdftoppm", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * A printed sheet as a shopper's phone sees it: the label PDF rendered by poppler at 100 dpi (a
 * cheap printer, a blurry camera), every QR code decoded by a real decoder (jsQR), the text of
 * each label extracted from its own cell (pdftotext), and the ink of each label measured against
 * its edges. Spawns poppler, hence in e2e. The rendered page is left in test-output/ to look at.
 */
describe("printed label sheet (PDF → 100 dpi bitmap → QR decoder)", function () {
  this.timeout(120_000);
  let server: TestServer;
  let dir: string;
  let items: { serial: string; digitalLink: string }[];
  let bitmap: PNG;
  let pdfFile: string;

  before(async function () {
    if (!hasPoppler()) {
      console.log(
        "    skipped: pdftoppm is not installed (apt-get install -y poppler-utils; .ci/run installs it)",
      );
      this.skip();
    }
    const env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    const farm = await createOrg(server, "安吉县溪龙乡黄杜村白茶专业合作社", ["producer"]);
    const batch = await createBatch(server, farm, {
      brand: await licensedBrand(server, farm),
      // Longer than one line of a label: it must wrap or shrink, never be cut.
      origin: {
        place: "溪龙乡黄杜村白茶谷 3号茶园东坡第二片区",
        regionCode: "330523",
        location: { lat: 30.64, lon: 119.68 },
        harvestedAt: "2026-04-12",
      },
    });
    const issued = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/serials`, {
      key: farm.key,
      json: { count: 24, itemQuantity: { value: 0.25, unit: "KGM" } },
    });
    expect(issued.status, issued.text).to.equal(201);
    items = issued.body.items;
    const response = await fetch(
      `${server.baseUrl}/api/batches/${batch.id}/labels.pdf?serials=true&count=24`,
      {
        headers: { authorization: `Bearer ${farm.key}` },
      },
    );
    expect(response.status).to.equal(200);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-labels-"));
    pdfFile = path.join(dir, "labels.pdf");
    fs.writeFileSync(pdfFile, Buffer.from(await response.arrayBuffer()));
    execFileSync("pdftoppm", ["-r", String(DPI), "-png", "-singlefile", pdfFile, path.join(dir, "page")]);
    bitmap = PNG.sync.read(fs.readFileSync(path.join(dir, "page.png")));
    fs.mkdirSync(OUTPUT, { recursive: true });
    fs.copyFileSync(path.join(dir, "page.png"), path.join(OUTPUT, "labels-100dpi.png"));
  });
  after(async () => {
    await server?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The label's cell: exact edges in pixels, and the whole pixels inside them. */
  function cell(index: number) {
    const column = index % LABEL.columns;
    const row = Math.floor(index / LABEL.columns);
    const exact = {
      left: px(column * LABEL.width),
      top: px(LABEL.top + row * LABEL.height),
      right: px((column + 1) * LABEL.width),
      bottom: px(LABEL.top + (row + 1) * LABEL.height),
    };
    const left = Math.ceil(exact.left);
    const top = Math.ceil(exact.top);
    return {
      exact,
      left,
      top,
      width: Math.floor(exact.right) - left,
      height: Math.floor(exact.bottom) - top,
    };
  }

  /** The cell's pixels as RGBA, for the QR decoder. */
  function cellPixels({ left, top, width, height }: ReturnType<typeof cell>) {
    const pixels = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++) {
      const from = ((top + y) * bitmap.width + left) * 4;
      pixels.set(bitmap.data.subarray(from, from + width * 4), y * width * 4);
    }
    return pixels;
  }

  const isInk = (x: number, y: number) => bitmap.data[(y * bitmap.width + x) * 4] < 200;

  it("decodes every QR code of the sheet at 100 dpi, each to its own item's Digital Link", () => {
    const decoded = items.map((_, index) => {
      const box = cell(index);
      return jsQR(cellPixels(box), box.width, box.height)?.data;
    });
    expect(decoded).to.deep.equal(items.map((item) => item.digitalLink));
  });

  it("keeps all ink at least 5 mm inside each label's edges", () => {
    items.forEach((_, index) => {
      const { exact, left, top, width, height } = cell(index);
      const ink = { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity };
      for (let y = top; y < top + height; y++) {
        for (let x = left; x < left + width; x++) {
          if (!isInk(x, y)) continue;
          ink.left = Math.min(ink.left, x);
          ink.top = Math.min(ink.top, y);
          ink.right = Math.max(ink.right, x + 1);
          ink.bottom = Math.max(ink.bottom, y + 1);
        }
      }
      // An inked pixel may hold ink only in its far part: one pixel of tolerance on each side.
      const margin = px(5) - EDGE_PX;
      expect(ink.left - exact.left, `label ${index} left`).to.be.at.least(margin);
      expect(ink.top - exact.top, `label ${index} top`).to.be.at.least(margin);
      expect(exact.right - ink.right, `label ${index} right`).to.be.at.least(margin);
      expect(exact.bottom - ink.bottom, `label ${index} bottom`).to.be.at.least(margin);
    });
  });

  it("leaves a quiet zone of 4 modules between the QR code and the text", () => {
    const box = cell(0);
    const code = jsQR(cellPixels(box), box.width, box.height)!;
    expect(code, "first label's QR").to.not.equal(null);
    const modules = 17 + 4 * code.version;
    const corners = code.location;
    const qrLeft = box.left + Math.min(corners.topLeftCorner.x, corners.bottomLeftCorner.x);
    const qrRight = box.left + Math.max(corners.topRightCorner.x, corners.bottomRightCorner.x);
    const qrTop = box.top + corners.topRightCorner.y;
    const qrBottom = box.top + corners.bottomRightCorner.y;
    const module = (qrRight - qrLeft) / modules;
    const zoneEnd = Math.floor(qrRight + 4 * module) - EDGE_PX;
    for (let y = Math.ceil(qrTop); y < Math.floor(qrBottom); y++) {
      for (let x = Math.ceil(qrRight) + EDGE_PX; x <= zoneEnd; x++) {
        expect(isInk(x, y), `ink at ${x},${y}, within 4 modules right of the QR code`).to.equal(false);
      }
    }
  });

  it("prints each label's serial, origin, net content, 13-digit barcode number and URL whole", () => {
    items.forEach((item, index) => {
      const { left, top, width, height } = cell(index);
      const text = execFileSync(
        "pdftotext",
        [
          "-r",
          String(DPI),
          "-x",
          `${left}`,
          "-y",
          `${top}`,
          "-W",
          `${width}`,
          "-H",
          `${height}`,
          pdfFile,
          "-",
        ],
        { encoding: "utf8" },
      );
      const joined = text.replace(/\s+/g, "");
      expect(joined, `label ${index}`).to.include(`序列号：${item.serial}`);
      expect(joined).to.include("产地：浙江省安吉县溪龙乡黄杜村白茶谷3号茶园东坡第二片区");
      expect(joined).to.include("净含量：250克");
      expect(joined).to.include("条码：6901234567892");
      expect(joined).to.include(item.digitalLink.replace(/^https?:\/\//, ""));
      expect(joined).to.not.include("…");
    });
  });
});
