import { expect } from "chai";
import { createCertifier, issueCertification } from "../helpers/certification-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestServer } from "../helpers/test-env";

const VOC = "https://ref.gs1.org/voc/";

interface LinkTarget {
  href: string;
  title: string;
  hreflang?: string[];
}
type LinkContextJson = { anchor: string } & Record<string, unknown>;
const linksOf = (context: LinkContextJson, type: string) => context[`${VOC}${type}`] as LinkTarget[];

/** Issue 18: the Digital Link URLs behave as a GS1-Conformant resolver. */
describe("GS1 Digital Link resolver at the consumer URLs", () => {
  let server: TestServer;
  let farm: TestOrg;
  let batch: { id: string; lot: string; digitalLink: string };
  let certHash: string;
  let path: string;
  /** PUBLIC_BASE_URL: links name it, whatever port this test's server listens on. */
  let base: string;

  before(async () => {
    const env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "黄杜村茶园", ["producer"]);
    batch = await createBatch(server, farm);
    path = new URL(batch.digitalLink).pathname;
    base = new URL(batch.digitalLink).origin;
    const certifier = await createCertifier(server, "中绿华夏有机食品认证中心");
    ({ certHash } = await issueCertification(server, certifier, batch.id));
  });
  after(() => server?.close());

  const get = (url: string, headers: Record<string, string> = {}) =>
    fetch(`${server.baseUrl}${url}`, { headers, redirect: "manual" });

  it("answers ?linkType=linkset (and all, and Accept: application/linkset+json) with the lot's linkset", async () => {
    const answers = await Promise.all([
      get(`${path}?linkType=linkset`),
      get(`${path}?linkType=all`),
      get(path, { accept: "application/linkset+json" }),
    ]);
    const bodies = [];
    for (const response of answers) {
      expect(response.status).to.equal(200);
      expect(response.headers.get("content-type")).to.match(/^application\/linkset\+json/);
      bodies.push((await response.json()) as { linkset: LinkContextJson[] });
    }
    expect(bodies[1]).to.deep.equal(bodies[0]);
    expect(bodies[2]).to.deep.equal(bodies[0]);
    const [lot] = bodies[0].linkset;
    expect(lot.anchor).to.equal(batch.digitalLink);
    expect(linksOf(lot, "pip").map((link) => link.hreflang![0])).to.deep.equal(["zh-CN", "en"]);
    expect(linksOf(lot, "defaultLink")).to.have.length(1);
    expect(linksOf(lot, "certificationInfo")[0].href).to.equal(`${base}/credentials/${certHash}`);
    expect(linksOf(lot, "traceability")[0].href).to.include("/epcis/events?MATCH_epcClass=");
    const trace = new URL(linksOf(lot, "traceability")[0].href);
    const events = await http(server.baseUrl, "GET", `${trace.pathname}${trace.search}`, { key: farm.key });
    expect(events.status, events.text).to.equal(200);
    expect(events.body.epcisBody.queryResults.resultsBody.eventList[0].bizStep).to.equal("commissioning");
    expect(linksOf(lot, "recallStatus")[0].href).to.equal(`${base}/recall-status${path}`);
    for (const [key, links] of Object.entries(lot)) {
      if (!key.startsWith(VOC)) continue;
      for (const link of links as LinkTarget[]) {
        expect(link.href, key).to.be.a("string").and.not.equal("");
        expect(link.title, key).to.be.a("string").and.not.equal("");
      }
    }
  });

  it("exposes the linkset and the uncompressed URI in a Link header, with CORS, on the page itself", async () => {
    const response = await get(path);
    expect(response.status).to.equal(200);
    expect(response.headers.get("content-type")).to.match(/^text\/html/);
    const link = response.headers.get("link")!;
    expect(link).to.include(
      `<${batch.digitalLink}?linkType=linkset>; rel="linkset"; type="application/linkset+json"`,
    );
    expect(link).to.include(`<${batch.digitalLink}>; rel="owl:sameAs"`);
    expect(response.headers.get("access-control-allow-origin")).to.equal("*");
    const preflight = await fetch(`${server.baseUrl}${path}`, { method: "OPTIONS" });
    expect(preflight.status).to.equal(204);
    expect(preflight.headers.get("access-control-allow-methods")).to.include("GET");
  });

  it("redirects (307) to the requested link type, passing the query attributes on", async () => {
    const response = await get(`${path}?linkType=gs1:certificationInfo&17=270101`);
    expect(response.status).to.equal(307);
    expect(response.headers.get("location")).to.equal(`${base}/credentials/${certHash}?17=270101`);
    expect(response.headers.get("link")).to.include('rel="linkset"');
    const full = await get(`${path}?linkType=${encodeURIComponent(`${VOC}recallStatus`)}`);
    expect(full.status).to.equal(307);
    expect(full.headers.get("location")).to.equal(`${base}/recall-status${path}`);
  });

  it("serves the product page in place for gs1:pip and, as the default link, for a link type the item lacks", async () => {
    for (const linkType of ["gs1:pip", "gs1:defaultLink", "gs1:nutritionalInfo", "nonsense"]) {
      const response = await get(`${path}?linkType=${encodeURIComponent(linkType)}`);
      expect(response.status, linkType).to.equal(200);
      expect(await response.text(), linkType).to.include("<html");
    }
  });

  it("lists the item before its lot for a serialised Digital Link; unknown items have no linkset", async () => {
    const issued = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/serials`, {
      key: farm.key,
      json: { count: 1 },
    });
    expect(issued.status, issued.text).to.equal(201);
    const itemLink: string = issued.body.items[0].digitalLink;
    const response = await get(`${new URL(itemLink).pathname}?linkType=linkset`);
    expect(response.status).to.equal(200);
    const { linkset } = (await response.json()) as { linkset: { anchor: string }[] };
    expect(linkset.map((context: { anchor: string }) => context.anchor)).to.deep.equal([
      itemLink,
      batch.digitalLink,
    ]);
    const unknown = await get(`${path.replace(batch.lot, "NO-SUCH-LOT")}?linkType=linkset`);
    expect(unknown.status).to.equal(404);
  });

  it("publishes a resolver description file at /.well-known/gs1resolver", async () => {
    const response = await get("/.well-known/gs1resolver");
    expect(response.status).to.equal(200);
    const description = (await response.json()) as {
      resolverRoot: string;
      supportedPrimaryKeys: string[];
      supportedLinkType: unknown[];
    };
    expect(description.resolverRoot).to.equal(base);
    expect(description.supportedPrimaryKeys).to.deep.equal(["01"]);
    expect(description.supportedLinkType[0]).to.deep.equal({ namespace: VOC, prefix: "gs1:" });
  });

  it("answers the recall status from the lot's verified hash chain", async () => {
    const before = await http(server.baseUrl, "GET", `/recall-status${path}`);
    expect(before.status, before.text).to.equal(200);
    expect(before.body).to.include({ anchor: batch.digitalLink, recalled: false });
    expect(before.body.recalls).to.deep.equal([]);
    const recall = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, {
      key: farm.key,
      json: { type: "recalling", eventTime: "2026-05-01T09:00:00+08:00" },
    });
    expect(recall.status, recall.text).to.equal(201);
    const after = await http(server.baseUrl, "GET", `/recall-status${path}`);
    expect(after.body.recalled).to.equal(true);
    expect(after.body.recall.status).to.equal("fail");
    expect(after.body.recalls).to.have.length(1);
    expect(after.body.recalls[0].eventTime).to.equal("2026-05-01T09:00:00+08:00");
    const missing = await http(
      server.baseUrl,
      "GET",
      `/recall-status${path.replace(batch.lot, "NO-SUCH-LOT")}`,
    );
    expect(missing.status).to.equal(404);
  });
});
