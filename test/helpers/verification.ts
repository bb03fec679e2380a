import { expect } from "chai";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { http } from "./http";
import type { TestOrg } from "./scenario";
import type { TestServer } from "./test-env";

/** Anchors every pending event now (a worker must be running) and waits for the confirmation. */
export async function anchorNow(server: TestServer): Promise<void> {
  const run = await http(server.baseUrl, "POST", "/api/anchors/run?wait=true", { key: server.adminKey });
  expect(run.status, run.text).to.equal(200);
  expect(run.body.status, run.text).to.be.oneOf(["confirmed", "idle"]);
}

/** Records an inspection with results (and optional private fields) through the API. */
export async function recordInspection(
  server: TestServer,
  org: TestOrg,
  batchId: string,
  options: { data?: Record<string, unknown>; private?: string[]; pass?: boolean } = {},
) {
  const response = await http(server.baseUrl, "POST", `/api/batches/${batchId}/events`, {
    key: org.key,
    json: {
      type: "inspecting",
      eventTime: "2026-04-13T08:00:00+08:00",
      location: { name: "浙江省农产品质量检测中心", regionCode: "330106" },
      data: {
        lab: "浙江省农产品质量检测中心",
        results: [
          { name: "农药残留", value: 0.01, unit: "mg/kg", pass: options.pass ?? true },
          { name: "水分", value: 6.2, unit: "%", pass: true },
        ],
        ...options.data,
      },
      ...(options.private ? { private: options.private } : {}),
    },
  });
  expect(response.status, response.text).to.equal(201);
  return response.body as { id: string; seq: number; hash: string };
}

/** Decodes a QR PNG with a real decoder (jsQR), as a phone camera would. */
export function decodeQrPng(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

export function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}
