import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { EpcisSubscriptionWorker } from "../../server/modules/epcis";
import { createLogger } from "../../server/platform/logger";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestServer } from "../helpers/test-env";

interface Delivery {
  status: number;
  signature?: string;
  raw: string;
  body: {
    epcisBody: {
      queryResults: {
        queryName: string;
        subscriptionID: string;
        resultsBody: { eventList: { eventID: string; bizStep?: string }[] };
      };
    };
  };
}

/** A webhook on 127.0.0.1 that records every POST and answers 503 to the first `failNext` of them. */
async function startReceiver() {
  const deliveries: Delivery[] = [];
  const state = { failNext: 0 };
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      const status = state.failNext > 0 ? 503 : 204;
      if (state.failNext > 0) state.failNext -= 1;
      deliveries.push({
        status,
        signature: req.headers["gs1-signature"] as string | undefined,
        raw,
        body: JSON.parse(raw),
      });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/epcis-hook`;
  return { url, deliveries, state, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const eventIdsOf = (delivery: Delivery) =>
  delivery.body.epcisBody.queryResults.resultsBody.eventList.map((event) => event.eventID);

/**
 * Issue 18: named queries and subscriptions of the EPCIS 2.0 REST binding, delivered to a real
 * HTTP receiver on 127.0.0.1 by the subscription worker, per tenant, retried with back-off.
 */
describe("EPCIS named queries and subscriptions (/epcis/queries)", function () {
  this.timeout(60_000);
  let server: TestServer;
  let worker: EpcisSubscriptionWorker;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let farm: TestOrg;
  let other: TestOrg;
  let tea: { id: string; digitalLink: string };
  let otherTea: { id: string };

  before(async () => {
    const env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env, { EPCIS_SUBSCRIPTION_ALLOWED_HOSTS: ["127.0.0.1"] });
    receiver = await startReceiver();
    worker = new EpcisSubscriptionWorker(
      { ...env.runtime, logger: createLogger("silent") },
      { pollMs: 50, backoffMs: 100, maxBackoffMs: 400, base: env.config.PUBLIC_BASE_URL },
    );
    worker.start();
    farm = await createOrg(server, "黄杜村茶园", ["producer"]);
    other = await createOrg(server, "另一家合作社", ["producer"]);
    tea = await createBatch(server, farm, { lot: "SUB-TEA-1" });
    otherTea = await createBatch(server, other, { lot: "SUB-OTHER-1" });
  });
  after(async () => {
    await worker?.stop();
    await receiver?.close();
    await server?.close();
  });

  const call = (org: TestOrg, method: string, url: string, json?: unknown) =>
    http(server.baseUrl, method, url, { key: org.key, ...(json === undefined ? {} : { json }) });
  async function record(org: TestOrg, batchId: string, type: string) {
    const response = await call(org, "POST", `/api/batches/${batchId}/events`, {
      type,
      eventTime: new Date().toISOString(),
    });
    expect(response.status, response.text).to.equal(201);
    const exported = await call(org, "GET", `/epcis/events?EQ_bizStep=${type}&perPage=1000`);
    const events = exported.body.epcisBody.queryResults.resultsBody.eventList as { eventID: string }[];
    return events[events.length - 1].eventID;
  }

  describe("named queries", () => {
    it("creates, lists, runs and deletes a named query of the caller's organization only", async () => {
      const created = await call(farm, "POST", "/epcis/queries", {
        name: "tea-inspections",
        query: { EQ_bizStep: ["inspecting"], eventType: "ObjectEvent" },
      });
      expect(created.status, created.text).to.equal(201);
      expect(created.headers.get("location")).to.match(/\/epcis\/queries\/tea-inspections$/);
      expect(created.body.query).to.deep.equal({ EQ_bizStep: ["inspecting"], eventType: ["ObjectEvent"] });
      const again = await call(farm, "POST", "/epcis/queries", { name: "tea-inspections", query: {} });
      expect(again.status).to.equal(409);

      const inspected = await record(farm, tea.id, "inspecting");
      const events = await call(farm, "GET", "/epcis/queries/tea-inspections/events");
      expect(events.status, events.text).to.equal(200);
      expect(events.body.epcisBody.queryResults.queryName).to.equal("tea-inspections");
      expect(
        events.body.epcisBody.queryResults.resultsBody.eventList.map(
          (event: { eventID: string }) => event.eventID,
        ),
      ).to.include(inspected);

      const list = await call(farm, "GET", "/epcis/queries");
      expect(list.body.member.map((query: { name: string }) => query.name)).to.deep.equal([
        "tea-inspections",
      ]);
      expect((await call(other, "GET", "/epcis/queries")).body.member).to.deep.equal([]);
      expect((await call(other, "GET", "/epcis/queries/tea-inspections")).status).to.equal(404);
      expect((await call(other, "GET", "/epcis/queries/tea-inspections/events")).status).to.equal(404);
      expect((await call(other, "DELETE", "/epcis/queries/tea-inspections", {})).status).to.equal(404);

      expect((await call(farm, "DELETE", "/epcis/queries/tea-inspections", {})).status).to.equal(204);
      expect((await call(farm, "GET", "/epcis/queries/tea-inspections")).status).to.equal(404);
    });

    it("refuses a query with parameters the standard does not define, naming each, and stores nothing", async () => {
      const refused = await call(farm, "POST", "/epcis/queries", {
        name: "bad",
        query: { EQ_colour: "red", GE_quantity: "lots", EQ_bizStep: "inspecting" },
      });
      expect(refused.status).to.equal(400);
      expect(refused.body.error.message).to.include("QueryParameterException");
      expect(refused.body.error.details.map((detail: { field: string }) => detail.field)).to.have.members([
        "body.query.EQ_colour",
        "body.query.GE_quantity",
      ]);
      expect((await call(farm, "GET", "/epcis/queries/bad")).status).to.equal(404);
    });
  });

  describe("subscriptions", () => {
    before(async () => {
      const created = await call(farm, "POST", "/epcis/queries", {
        name: "inspections",
        query: { EQ_bizStep: ["inspecting"] },
      });
      expect(created.status, created.text).to.equal(201);
    });

    it("refuses destinations outside the allowed hosts, other schemes, and stream with schedule; stores nothing", async () => {
      const cases: [unknown, string][] = [
        [{ dest: "http://169.254.169.254/latest/meta-data", stream: true }, "body.dest"],
        [{ dest: "http://localhost:9/hook", stream: true }, "body.dest"],
        [{ dest: "file:///etc/passwd", stream: true }, "body.dest"],
        [{ dest: "http://user:pw@127.0.0.1:9/hook", stream: true }, "body.dest"],
        [{ dest: receiver.url, stream: true, schedule: { minute: "0" } }, "body.stream"],
        [{ dest: receiver.url }, "body.stream"],
        [{ dest: receiver.url, schedule: { hour: "25" } }, "body.schedule.hour"],
        [{ dest: receiver.url, stream: true, reportIfEmpty: true }, "body.reportIfEmpty"],
      ];
      for (const [body, field] of cases) {
        const refused = await call(farm, "POST", "/epcis/queries/inspections/subscriptions", body);
        expect(refused.status, JSON.stringify(body)).to.equal(400);
        expect(refused.body.error.details.map((detail: { field: string }) => detail.field)).to.include(field);
      }
      const ordered = await call(farm, "POST", "/epcis/queries", {
        name: "sorted",
        query: { orderBy: "eventTime" },
      });
      expect(ordered.status).to.equal(201);
      const sorted = await call(farm, "POST", "/epcis/queries/sorted/subscriptions", {
        dest: receiver.url,
        stream: true,
      });
      expect(sorted.status).to.equal(400);
      expect(sorted.body.error.details[0].field).to.equal("query.orderBy");
      expect((await call(farm, "GET", "/epcis/queries/inspections/subscriptions")).body.member).to.deep.equal(
        [],
      );
      expect(
        (
          await call(other, "POST", "/epcis/queries/inspections/subscriptions", {
            dest: receiver.url,
            stream: true,
          })
        ).status,
      ).to.equal(404);
    });

    it("streams new matching events of the subscriber's tenant, signed, with their event ids", async () => {
      const token = "a-shared-secret-of-the-receiver";
      const subscribed = await call(farm, "POST", "/epcis/queries/inspections/subscriptions", {
        dest: receiver.url,
        stream: true,
        signatureToken: token,
      });
      expect(subscribed.status, subscribed.text).to.equal(201);
      const subscriptionId = subscribed.body.subscriptionID as string;
      expect(subscribed.headers.get("location")).to.match(new RegExp(`/subscriptions/${subscriptionId}$`));
      expect(subscribed.body).not.to.have.property("signatureToken");

      const before = receiver.deliveries.length;
      const othersInspection = await record(other, otherTea.id, "inspecting");
      await record(farm, tea.id, "storing");
      const inspection = await record(farm, tea.id, "inspecting");
      const delivery = await waitFor("the inspection delivered", () =>
        receiver.deliveries.slice(before).find((item) => eventIdsOf(item).includes(inspection)),
      );
      const delivered = receiver.deliveries.slice(before).flatMap(eventIdsOf);
      expect(delivered).not.to.include(othersInspection);
      expect(
        delivery.body.epcisBody.queryResults.resultsBody.eventList.every(
          (event) => event.bizStep === "inspecting",
        ),
      ).to.equal(true);
      expect(delivery.body.epcisBody.queryResults).to.include({
        queryName: "inspections",
        subscriptionID: subscriptionId,
      });
      const expected = `sha256=${createHmac("sha256", token).update(delivery.raw).digest("hex")}`;
      expect(delivery.signature).to.equal(expected);

      const state = await call(farm, "GET", `/epcis/queries/inspections/subscriptions/${subscriptionId}`);
      expect(state.status).to.equal(200);
      expect(state.body.delivered).to.be.at.least(1);
      expect(
        (await call(other, "GET", `/epcis/queries/inspections/subscriptions/${subscriptionId}`)).status,
      ).to.equal(404);
      expect(
        (await call(farm, "DELETE", `/epcis/queries/inspections/subscriptions/${subscriptionId}`, {})).status,
      ).to.equal(204);
    });

    it("retries a failed delivery with back-off and delivers the same events again (at least once)", async () => {
      const subscribed = await call(farm, "POST", "/epcis/queries/inspections/subscriptions", {
        dest: receiver.url,
        stream: true,
      });
      expect(subscribed.status, subscribed.text).to.equal(201);
      const subscriptionId = subscribed.body.subscriptionID as string;
      receiver.state.failNext = 2;
      const before = receiver.deliveries.length;
      const inspection = await record(farm, tea.id, "inspecting");
      await waitFor("a successful delivery", () =>
        receiver.deliveries
          .slice(before)
          .find((item) => item.status === 204 && eventIdsOf(item).includes(inspection)),
      );
      const attempts = receiver.deliveries
        .slice(before)
        .filter((item) => eventIdsOf(item).includes(inspection));
      expect(attempts.map((item) => item.status)).to.deep.equal([503, 503, 204]);
      const state = await call(farm, "GET", `/epcis/queries/inspections/subscriptions/${subscriptionId}`);
      expect(state.body).to.include({ attempts: 0, delivered: 1 });
      await call(farm, "DELETE", `/epcis/queries/inspections/subscriptions/${subscriptionId}`, {});
    });

    it("delivers events captured through POST /api/epcis/capture too", async () => {
      const subscribed = await call(farm, "POST", "/epcis/queries/inspections/subscriptions", {
        dest: receiver.url,
        stream: true,
      });
      expect(subscribed.status, subscribed.text).to.equal(201);
      const before = receiver.deliveries.length;
      const eventID = "urn:uuid:0b6f9a52-4b0e-4a57-9c36-5e2f0d1c0001";
      const captured = await call(farm, "POST", "/api/epcis/capture", {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        type: "EPCISDocument",
        schemaVersion: "2.0",
        creationDate: new Date().toISOString(),
        epcisBody: {
          eventList: [
            {
              eventID,
              type: "ObjectEvent",
              action: "OBSERVE",
              bizStep: "inspecting",
              eventTime: new Date().toISOString(),
              eventTimeZoneOffset: "+00:00",
              quantityList: [{ epcClass: tea.digitalLink }],
            },
          ],
        },
      });
      expect(captured.status, captured.text).to.equal(201);
      await waitFor("the captured event delivered", () =>
        receiver.deliveries.slice(before).find((item) => eventIdsOf(item).includes(eventID)),
      );
      await call(
        farm,
        "DELETE",
        `/epcis/queries/inspections/subscriptions/${subscribed.body.subscriptionID}`,
        {},
      );
    });

    it("reports on a schedule, also when nothing matched with reportIfEmpty", async () => {
      const created = await call(farm, "POST", "/epcis/queries", {
        name: "recalls",
        query: { EQ_disposition: ["recalled"] },
      });
      expect(created.status).to.equal(201);
      const before = receiver.deliveries.length;
      const subscribed = await call(farm, "POST", "/epcis/queries/recalls/subscriptions", {
        dest: receiver.url,
        schedule: {},
        reportIfEmpty: true,
      });
      expect(subscribed.status, subscribed.text).to.equal(201);
      const empty = await waitFor("an empty report", () =>
        receiver.deliveries
          .slice(before)
          .find((item) => item.body.epcisBody.queryResults.queryName === "recalls"),
      );
      expect(eventIdsOf(empty)).to.deep.equal([]);
      expect((await call(farm, "DELETE", "/epcis/queries/recalls", {})).status).to.equal(204);
      expect((await call(farm, "GET", "/epcis/queries/recalls/subscriptions")).status).to.equal(404);
    });
  });
});
