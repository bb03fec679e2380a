import { expect } from "chai";
import { Types } from "mongoose";
import { http } from "../helpers/http";
import { createOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

describe("organizations API", () => {
  let env: TestEnv;
  let server: TestServer;
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
  });
  after(() => server.close());

  describe("POST /api/orgs", () => {
    it("creates an organization and returns its API key once", async () => {
      const response = await http(server.baseUrl, "POST", "/api/orgs", {
        key: server.adminKey,
        json: {
          name: "安吉县白茶合作社",
          roles: ["producer", "processor"],
          address: "0xAbCdEf0123456789aBcDeF0123456789AbCdEf01",
        },
      });
      expect(response.status).to.equal(201);
      expect(response.body).to.include({
        name: "安吉县白茶合作社",
        address: "0xabcdef0123456789abcdef0123456789abcdef01",
      });
      expect(response.body.roles).to.deep.equal(["producer", "processor"]);
      expect(response.body.apiKey).to.match(/^et_[\w-]{8}_[\w-]{43}$/);
      const me = await http(server.baseUrl, "GET", `/api/orgs/${response.body.id}`, {
        key: response.body.apiKey,
      });
      expect(me.status).to.equal(200);
      expect(me.body).to.not.have.property("apiKey");
    });

    it("stores only a hash of the key", async () => {
      const org = await createOrg(server, "Hash check", ["retailer"]);
      const stored = await env.runtime.connection.db!.collection("apikeys").find({}).toArray();
      const serialized = JSON.stringify(stored);
      expect(serialized).to.not.include(org.key);
      expect(serialized).to.not.include(org.key.slice(12));
    });

    it("answers 401 without a key and with an unknown key", async () => {
      const body = { name: "x", roles: ["producer"] };
      const none = await http(server.baseUrl, "POST", "/api/orgs", { json: body });
      expect(none.status).to.equal(401);
      expect(none.body.error.code).to.equal("UNAUTHORIZED");
      const unknown = await http(server.baseUrl, "POST", "/api/orgs", { key: "et_nope", json: body });
      expect(unknown.status).to.equal(401);
    });

    it("answers 403 to an organization without the admin role", async () => {
      const producer = await createOrg(server, "Producer", ["producer"]);
      const response = await http(server.baseUrl, "POST", "/api/orgs", {
        key: producer.key,
        json: { name: "x", roles: ["producer"] },
      });
      expect(response.status).to.equal(403);
      expect(response.body.error.message).to.include("admin");
    });

    it("names each invalid field and stores nothing", async () => {
      const before = await env.runtime.connection.db!.collection("organizations").countDocuments();
      const response = await http(server.baseUrl, "POST", "/api/orgs", {
        key: server.adminKey,
        json: { name: "", roles: ["farmer"], address: "0x12", $where: "1" },
      });
      expect(response.status).to.equal(400);
      const fields = response.body.error.details.map((detail: { field: string }) => detail.field);
      expect(fields).to.have.members(["body.name", "body.roles[0]", "body.address", "body.$where"]);
      expect(await env.runtime.connection.db!.collection("organizations").countDocuments()).to.equal(before);
    });

    it("rejects malformed JSON with 400", async () => {
      const response = await http(server.baseUrl, "POST", "/api/orgs", {
        key: server.adminKey,
        raw: '{"name": ',
      });
      expect(response.status).to.equal(400);
      expect(response.body.error.code).to.equal("MALFORMED_JSON");
    });

    it("rejects an oversized body with 413", async () => {
      const response = await http(server.baseUrl, "POST", "/api/orgs", {
        key: server.adminKey,
        json: { name: "x".repeat(2 * 1024 * 1024), roles: ["producer"] },
      });
      expect(response.status).to.equal(413);
      expect(response.body.error.code).to.equal("BODY_TOO_LARGE");
    });
  });

  describe("tenancy", () => {
    it("shows an organization only itself, and everyone to admins and auditors", async () => {
      const alice = await createOrg(server, "Alice", ["producer"]);
      const bob = await createOrg(server, "Bob", ["producer"]);
      const auditor = await createOrg(server, "Auditor", ["auditor"]);
      expect((await http(server.baseUrl, "GET", `/api/orgs/${bob.id}`, { key: alice.key })).status).to.equal(
        403,
      );
      expect(
        (await http(server.baseUrl, "GET", `/api/orgs/${bob.id}`, { key: auditor.key })).status,
      ).to.equal(200);
      const own = await http(server.baseUrl, "GET", "/api/orgs", { key: alice.key });
      expect(own.body.items.map((org: { id: string }) => org.id)).to.deep.equal([alice.id]);
      const all = await http(server.baseUrl, "GET", "/api/orgs", { key: auditor.key });
      expect(all.body.items.map((org: { id: string }) => org.id)).to.include.members([alice.id, bob.id]);
    });

    it("answers 404 for an unknown organization and 400 for a malformed id", async () => {
      expect(
        (await http(server.baseUrl, "GET", "/api/orgs/0123456789abcdef01234567", { key: server.adminKey }))
          .status,
      ).to.equal(404);
      const malformed = await http(server.baseUrl, "GET", "/api/orgs/not-an-id", { key: server.adminKey });
      expect(malformed.status).to.equal(400);
      expect(malformed.body.error.details[0].field).to.equal("params.id");
    });
  });

  describe("API keys", () => {
    it("lists keys by prefix, issues, rotates and revokes them", async () => {
      const org = await createOrg(server, "Keys", ["logistics"]);
      const listed = await http(server.baseUrl, "GET", `/api/orgs/${org.id}/keys`, { key: org.key });
      expect(listed.status).to.equal(200);
      expect(listed.body.items).to.have.length(1);
      const [first] = listed.body.items;
      expect(org.key).to.include(first.prefix);
      expect(JSON.stringify(listed.body)).to.not.include(org.key);

      const rotated = await http(server.baseUrl, "POST", `/api/orgs/${org.id}/keys/${first.id}/rotate`, {
        key: org.key,
      });
      expect(rotated.status).to.equal(201);
      expect(rotated.body.revoked.id).to.equal(first.id);
      expect((await http(server.baseUrl, "GET", "/api/orgs", { key: org.key })).status).to.equal(401);
      expect((await http(server.baseUrl, "GET", "/api/orgs", { key: rotated.body.apiKey })).status).to.equal(
        200,
      );

      const extra = await http(server.baseUrl, "POST", `/api/orgs/${org.id}/keys`, {
        key: rotated.body.apiKey,
      });
      expect(extra.status).to.equal(201);
      const revoked = await http(server.baseUrl, "DELETE", `/api/orgs/${org.id}/keys/${extra.body.id}`, {
        key: rotated.body.apiKey,
      });
      expect(revoked.status).to.equal(200);
      expect((await http(server.baseUrl, "GET", "/api/orgs", { key: extra.body.apiKey })).status).to.equal(
        401,
      );
    });

    it("lets neither other organizations nor auditors manage a key", async () => {
      const owner = await createOrg(server, "Owner", ["producer"]);
      const other = await createOrg(server, "Other", ["producer"]);
      const auditor = await createOrg(server, "Auditor 2", ["auditor"]);
      for (const caller of [other, auditor]) {
        const response = await http(server.baseUrl, "POST", `/api/orgs/${owner.id}/keys`, {
          key: caller.key,
        });
        expect(response.status).to.equal(403);
      }
    });
  });

  describe("PUT /api/orgs/:id/contact", () => {
    const setContact = (key: string, orgId: string, json: unknown) =>
      http(server.baseUrl, "PUT", `/api/orgs/${orgId}/contact`, { key, json });
    const stored = async (orgId: string) =>
      (await env.runtime.connection
        .db!.collection("organizations")
        .findOne({ _id: new Types.ObjectId(orgId) }))!.publicContact;

    it("sets the public contact shoppers see, names an invalid field and stores nothing then; neither field removes it", async () => {
      const farm = await createOrg(server, "溪龙乡白茶合作社", ["producer"]);
      const set = await setContact(farm.key, farm.id, {
        phone: "0572-5221234",
        email: "recall@xilong.example",
      });
      expect(set.status, set.text).to.equal(200);
      expect(set.body.publicContact).to.deep.equal({ phone: "0572-5221234", email: "recall@xilong.example" });
      for (const [json, field] of [
        [{ phone: "call us" }, "body.phone"],
        [{ phone: "12345" }, "body.phone"],
        [{ email: "not-an-address" }, "body.email"],
        [{ phone: "0572-5221234", fax: "1" }, "body.fax"],
      ] as const) {
        const refused = await setContact(farm.key, farm.id, json);
        expect(refused.status, JSON.stringify(json)).to.equal(400);
        expect(refused.body.error.details[0].field).to.equal(field);
      }
      expect(await stored(farm.id)).to.deep.equal({ phone: "0572-5221234", email: "recall@xilong.example" });
      const phoneOnly = await setContact(farm.key, farm.id, { phone: "+86 138 0000 0000", email: null });
      expect(phoneOnly.body.publicContact).to.deep.equal({ phone: "+86 138 0000 0000" });
      expect((await setContact(farm.key, farm.id, {})).body).to.not.have.property("publicContact");
      expect(await stored(farm.id)).to.equal(undefined);
    });

    it("is for the organization itself (or the service admin), not another organization", async () => {
      const farm = await createOrg(server, "Farm with a contact", ["producer"]);
      const other = await createOrg(server, "Another farm", ["producer"]);
      const refused = await setContact(other.key, farm.id, { phone: "0572-5221234" });
      expect(refused.status).to.equal(403);
      expect(await stored(farm.id)).to.equal(undefined);
      expect((await setContact(server.adminKey, farm.id, { email: "a@b.example" })).status).to.equal(200);
    });
  });

  describe("GET /api/organizations/directory", () => {
    const get = (key: string, query: string) =>
      http(server.baseUrl, "GET", `/api/organizations/directory${query}`, { key });

    it("finds organizations that accept transfers by part of their name, without the caller or other roles", async () => {
      const farm = await createOrg(server, "目录 溪龙茶叶合作社", ["producer"]);
      const mill = await createOrg(server, "目录 湖州茶厂", ["processor", "certifier"]);
      const shop = await createOrg(server, "目录 杭州茶叶店", ["retailer"]);
      await createOrg(server, "目录 茶叶认证中心", ["certifier"]);
      await createOrg(server, "目录 茶叶审计", ["auditor"]);

      const tea = await get(farm.key, `?q=${encodeURIComponent("茶")}`);
      expect(tea.status, tea.text).to.equal(200);
      const listed = tea.body.items.filter((item: { name: string }) => item.name.startsWith("目录"));
      expect(listed).to.deep.equal([
        { id: shop.id, name: "目录 杭州茶叶店", roles: ["retailer"] },
        { id: mill.id, name: "目录 湖州茶厂", roles: ["processor"] },
      ]);
      const processors = await get(farm.key, `?q=${encodeURIComponent("目录")}&role=processor`);
      expect(processors.body.items.map((item: { id: string }) => item.id)).to.deep.equal([mill.id]);
      const anyCase = await get(mill.key, `?q=${encodeURIComponent("目录 溪龙")}`);
      expect(anyCase.body.items.map((item: { id: string }) => item.id)).to.deep.equal([farm.id]);
    });

    it("takes a name part literally (no pattern) and pages with a limit", async () => {
      const farm = await createOrg(server, "Directory Farm", ["producer"]);
      await createOrg(server, "Directory A.B Mill", ["processor"]);
      await createOrg(server, "Directory AXB Mill", ["processor"]);
      const dotted = await get(farm.key, "?q=a.b");
      expect(dotted.body.items.map((item: { name: string }) => item.name)).to.deep.equal([
        "Directory A.B Mill",
      ]);
      const limited = await get(farm.key, "?q=directory&limit=1");
      expect(limited.body.items).to.have.length(1);
    });

    it("answers 403 to organizations without a custody role and 400 naming a bad query field", async () => {
      const certifier = await createOrg(server, "Directory Certifier", ["certifier"]);
      const farm = await createOrg(server, "Directory Farm 2", ["producer"]);
      expect((await get(certifier.key, "")).status).to.equal(403);
      const badRole = await get(farm.key, "?role=certifier");
      expect(badRole.status).to.equal(400);
      expect(badRole.body.error.details.map((detail: { field: string }) => detail.field)).to.deep.equal([
        "query.role",
      ]);
      const tooLong = await get(farm.key, `?q=${"x".repeat(101)}`);
      expect(tooLong.status).to.equal(400);
      expect(tooLong.body.error.message).to.include("query.q");
    });

    it("is in the OpenAPI document with its query schema", async () => {
      const response = await http(server.baseUrl, "GET", "/openapi.json");
      const directory = response.body.paths["/api/organizations/directory"].get;
      const names = directory.parameters.map((parameter: { name: string }) => parameter.name);
      expect(names).to.include.members(["q", "role", "limit"]);
    });
  });

  describe("OpenAPI", () => {
    it("publishes an OpenAPI 3.1 document generated from the request schemas", async () => {
      const response = await http(server.baseUrl, "GET", "/openapi.json");
      expect(response.status).to.equal(200);
      expect(response.body.openapi).to.equal("3.1.0");
      const create = response.body.paths["/api/orgs"].post;
      expect(create.requestBody.content["application/json"].schema.properties.roles.items.enum).to.include(
        "producer",
      );
      expect(create.requestBody.content["application/json"].schema.additionalProperties).to.equal(false);
      const docs = await http(server.baseUrl, "GET", "/docs/");
      expect(docs.status).to.equal(200);
      expect(docs.text).to.include("swagger-ui");
    });
  });
});
