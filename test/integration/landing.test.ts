import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { http } from "../helpers/http";
import { startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

describe("landing page (GET /)", () => {
  let env: TestEnv;
  let server: TestServer;
  const summaryFile = () => path.join(env.config.DATA_DIR, "demo", "summary.json");

  before(async () => {
    env = await testEnv();
    server = await startTestServer(env);
  });
  after(() => {
    fs.rmSync(summaryFile(), { force: true });
    return server.close();
  });

  it("is a Chinese-first page linking the console and the API docs, saying when there is no demo", async () => {
    fs.rmSync(summaryFile(), { force: true });
    const response = await http(server.baseUrl, "GET", "/");
    expect(response.status).to.equal(200);
    expect(response.headers.get("content-type")).to.match(/^text\/html/);
    expect(response.headers.get("content-language")).to.equal("zh-CN");
    expect(response.text).to.include('href="/console"').and.include('href="/docs"');
    expect(response.text).to.include("此数据目录中没有演示数据");
    const english = await http(server.baseUrl, "GET", "/?lang=en");
    expect(english.text).to.include("Demo pages").and.include("API docs");
  });

  it("lists the demo's consumer, item, brand and report pages when the demo was seeded here", async () => {
    fs.mkdirSync(path.dirname(summaryFile()), { recursive: true });
    const base = "http://127.0.0.1:3000";
    fs.writeFileSync(
      summaryFile(),
      JSON.stringify({
        seeded: true,
        baseUrl: base,
        pages: [
          {
            key: "mingqianTea",
            title: { zh: "明前特级：零售售出，全程可验证", en: "Mingqian top grade" },
            expectedVerdict: "verified",
            batchId: "b1",
            lot: "AJ1",
            digitalLink: `${base}/01/06923456700017/10/AJ1`,
          },
        ],
        serial: { batchId: "b1", serial: "S1", digitalLink: `${base}/01/06923456700017/10/AJ1/21/S1` },
        brand: {
          id: "x",
          name: "安吉白茶",
          page: `${base}/brands/x`,
          report: `${base}/brands/x/report?expires=1&sig=a`,
        },
        files: [],
        durationMs: 1,
      }),
    );
    const response = await http(server.baseUrl, "GET", "/");
    expect(response.text)
      .to.include('href="/01/06923456700017/10/AJ1">明前特级：零售售出，全程可验证')
      .and.include('href="/01/06923456700017/10/AJ1/21/S1"')
      .and.include('href="/brands/x"')
      .and.include('href="/brands/x/report?expires=1&#38;sig=a"');
  });
});
