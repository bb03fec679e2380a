import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { addMember, asSession, logIn, type TestSession } from "../helpers/console-session";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

/**
 * The console's server-rendered first screen (decision 0030): a logged-in producer's batch list in
 * index.html, exactly what GET /api/batches answers them, under the page's CSP nonce; nothing for
 * anyone else or any other screen.
 */
describe("console first screen (server-rendered batch list)", () => {
  let env: TestEnv;
  let server: TestServer;
  let farm: TestOrg;
  let other: TestOrg;
  let clerk: TestSession;
  let certifierClerk: TestSession;
  let consoleDir: string;

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    // A built console's index.html, reduced to what the service fills in.
    consoleDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-console-"));
    fs.writeFileSync(
      path.join(consoleDir, "index.html"),
      '<!doctype html><html><head><meta property="csp-nonce" nonce="__ECOTRACE_CSP_NONCE__"><link rel="stylesheet" href="/console/assets/app.css"></head><body><div id="root"></div></body></html>',
    );
    server = await startTestServer(env, { CONSOLE_DIR: consoleDir });
    farm = await createOrg(server, "溪龙乡白茶合作社", ["producer"]);
    other = await createOrg(server, "大溪白茶合作社", ["producer"]);
    const certifier = await createOrg(server, "浙江绿标认证中心", ["certifier"]);
    await createBatch(server, farm, { lot: "AJ-FIRST-1", quantity: { value: 600, unit: "KGM" } });
    await createBatch(server, farm, { lot: "AJ-FIRST-2", quantity: { value: 1.5, unit: "TNE" } });
    await createBatch(server, other, { lot: "DX-OTHER-1" });
    clerk = (await logIn(server, await addMember(server, farm, "clerk@farm.example", "member"))).session!;
    certifierClerk = (await logIn(server, await addMember(server, certifier, "c@cert.example", "member")))
      .session!;
  });
  after(() => {
    server.close();
    fs.rmSync(consoleDir, { recursive: true, force: true });
  });

  const open = (session: TestSession | null, route: string) =>
    session
      ? asSession(server, session, "GET", route, { csrf: false })
      : fetch(`${server.baseUrl}${route}`).then(async (response) => ({
          status: response.status,
          text: await response.text(),
          headers: response.headers,
        }));

  it("renders a logged-in producer's batches, newest first, in Chinese, with the response's nonce", async () => {
    const page = await open(clerk, "/console/batches");
    expect(page.status).to.equal(200);
    const nonce = /'nonce-([^']+)'/.exec(page.headers.get("content-security-policy")!)![1];
    expect(page.text).to.include(`<style nonce="${nonce}">`);
    const screen = /<div id="first-screen"[\s\S]*?<\/div><div id="root">/.exec(page.text)?.[0];
    expect(screen, page.text).to.be.a("string");
    expect(screen).to.include("<h1>我的批次</h1>").and.include("1.5 吨").and.include("600 千克");
    expect(screen!.indexOf("AJ-FIRST-2")).to.be.below(screen!.indexOf("AJ-FIRST-1"));
    expect(screen).to.include("在库").and.not.include("DX-OTHER-1");
    const api = await asSession(server, clerk, "GET", "/api/batches?limit=100", { csrf: false });
    for (const batch of api.body.items) expect(screen).to.include(`/console/batches/${batch.id}`);
    expect((await open(clerk, "/console/")).text).to.include('id="first-screen"');
    // The app's stylesheet follows the app's root: it must not hold back the first screen's paint.
    expect(page.text).to.match(
      /<\/head>[\s\S]*<div id="root"><\/div><link rel="stylesheet" href="\/console\/assets\/app.css">/,
    );
  });

  it("renders nothing extra without a session, for other screens, or for organizations without a batch list", async () => {
    for (const [session, route] of [
      [null, "/console/batches"],
      [clerk, "/console/transfers"],
      [certifierClerk, "/console/batches"],
      [{ cookie: "not-a-session", csrfToken: "" }, "/console/batches"],
    ] as const) {
      const page = await open(session, route);
      expect(page.status).to.equal(200);
      expect(page.text, `${route}`).to.not.include("first-screen");
      expect(page.text).to.include('<link rel="stylesheet" href="/console/assets/app.css"></head>');
    }
  });
});
