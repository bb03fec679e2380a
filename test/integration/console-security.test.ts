import { expect } from "chai";
import { http } from "../helpers/http";
import { createOrg, teaBatch, type TestOrg } from "../helpers/scenario";
import {
  addMember,
  asSession,
  logIn,
  sessionCookie,
  type TestMember,
  type TestSession,
} from "../helpers/console-session";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

describe("console security", () => {
  let env: TestEnv;
  let server: TestServer;
  let orgA: TestOrg;
  let orgB: TestOrg;
  let adminA: TestMember;
  let clerkA: TestMember;
  let adminB: TestMember;
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    orgA = await createOrg(server, "安吉县白茶合作社", ["producer"]);
    orgB = await createOrg(server, "黄杜村茶厂", ["producer", "processor"]);
    adminA = await addMember(server, orgA, "admin@a.example", "admin");
    clerkA = await addMember(server, orgA, "clerk@a.example", "member");
    adminB = await addMember(server, orgB, "admin@b.example", "admin");
  });
  after(() => server.close());

  async function sessionOf(member: TestMember): Promise<TestSession> {
    const response = await logIn(server, member);
    expect(response.status, response.text).to.equal(200);
    return response.session!;
  }

  describe("session fixation", () => {
    it("never adopts a session id the browser brought to the login", async () => {
      const planted = "A".repeat(43);
      const response = await logIn(server, adminA, { cookie: `ecotrace_session=${planted}` });
      expect(response.status).to.equal(200);
      expect(response.session!.cookie).to.not.equal(planted);
      const withPlanted = { cookie: planted, csrfToken: response.body.csrfToken };
      expect((await asSession(server, withPlanted, "GET", "/api/session")).status).to.equal(401);
    });

    it("ends the session presented at login and issues a new id and CSRF token", async () => {
      const first = await sessionOf(adminA);
      const again = await logIn(server, adminA, { cookie: `ecotrace_session=${first.cookie}` });
      expect(again.status).to.equal(200);
      expect(again.session!.cookie).to.not.equal(first.cookie);
      expect(again.session!.csrfToken).to.not.equal(first.csrfToken);
      expect((await asSession(server, first, "GET", "/api/session")).status).to.equal(401);
      expect((await asSession(server, again.session!, "GET", "/api/session")).status).to.equal(200);
    });
  });

  describe("CSRF", () => {
    it("refuses every state-changing route of the registry with a session but no X-CSRF-Token (403)", async () => {
      const session = await sessionOf(adminA);
      const openApi = (await http(server.baseUrl, "GET", "/openapi.json")).body as {
        paths: Record<string, Record<string, { security: unknown[] }>>;
      };
      const checked: string[] = [];
      for (const [path, operations] of Object.entries(openApi.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          if (method === "get" || operation.security.length === 0) continue;
          const url = path.replace(/\{(\w+)\}/g, (_all, name: string) => (name === "id" ? orgA.id : "x"));
          for (const csrfHeader of [undefined, "not-the-token"]) {
            const response = await asSession(server, session, method.toUpperCase(), url, {
              json: {},
              csrf: false,
              headers: csrfHeader ? { "x-csrf-token": csrfHeader } : {},
            });
            expect(response.status, `${method} ${path}: ${response.text}`).to.equal(403);
            expect(response.body.error.code).to.equal("CSRF_TOKEN_INVALID");
            expect(response.body.error.message).to.include("X-CSRF-Token");
          }
          checked.push(`${method} ${path}`);
        }
      }
      expect(checked.length).to.be.greaterThan(30);
      expect(checked).to.include.members([
        "post /api/batches",
        "delete /api/session",
        "post /api/organizations/{id}/members",
        "delete /api/orgs/{id}/keys/{keyId}",
      ]);
      // The same session with its token passes the check (and stored nothing above).
      const withToken = await asSession(server, session, "POST", "/api/batches", { json: teaBatch() });
      expect(withToken.status, withToken.text).to.equal(201);
    });

    it("asks no CSRF token from API-key requests", async () => {
      const response = await http(server.baseUrl, "POST", "/api/batches", {
        key: orgA.key,
        json: teaBatch(),
      });
      expect(response.status, response.text).to.equal(201);
    });
  });

  describe("malformed cookies", () => {
    it("answers 401, never 500, for a session cookie that is not a session id", async () => {
      for (const value of ['j:{"idHash":{"$ne":null}}', "%ZZ", "x".repeat(4000), ""]) {
        const response = await http(server.baseUrl, "POST", "/api/batches", {
          json: teaBatch(),
          headers: { cookie: `ecotrace_session=${value}`, "x-csrf-token": "x" },
        });
        expect(response.status, `${value.slice(0, 30)}: ${response.text}`).to.equal(401);
        const session = await http(server.baseUrl, "GET", "/api/session", {
          headers: { cookie: `ecotrace_session=${value}` },
        });
        expect(session.status).to.equal(401);
      }
    });
  });

  describe("logout", () => {
    it("ends the session on the server: the old cookie is refused afterwards", async () => {
      const session = await sessionOf(clerkA);
      const response = await asSession(server, session, "DELETE", "/api/session");
      expect(response.status).to.equal(204);
      expect(response.headers.getSetCookie().join()).to.match(/ecotrace_session=;.*Expires=Thu, 01 Jan 1970/);
      expect((await asSession(server, session, "GET", "/api/session")).status).to.equal(401);
      const write = await asSession(server, session, "POST", "/api/batches", { json: teaBatch() });
      expect(write.status).to.equal(401);
    });
  });

  describe("password brute force", () => {
    let strict: TestServer;
    before(async () => {
      strict = await startTestServer(env, { LOGIN_MAX_FAILURES: 3, LOGIN_MAX_FAILURES_PER_ADDRESS: 4 });
    });
    after(async () => {
      await env.runtime.connection.db!.collection("loginfailures").deleteMany({});
      await strict.close();
    });

    it("answers 429 with Retry-After after too many failures for an account, even from other addresses and with the right password", async () => {
      const victim = await addMember(server, orgB, "victim@b.example");
      for (let attempt = 1; attempt <= 3; attempt++) {
        const wrong = await logIn(
          strict,
          { email: victim.email, password: `guess number ${attempt}` },
          { "x-forwarded-for": `198.51.100.${attempt}` },
        );
        expect(wrong.status).to.equal(401);
      }
      const right = await logIn(strict, victim, { "x-forwarded-for": "198.51.100.9" });
      expect(right.status).to.equal(429);
      expect(right.body.error.code).to.equal("TOO_MANY_LOGIN_ATTEMPTS");
      expect(Number(right.headers.get("retry-after"))).to.be.within(1, 15 * 60);
      expect(sessionCookie(right)).to.equal(undefined);
    });

    it("answers 429 after too many failures from one address, whatever the accounts", async () => {
      const address = { "x-forwarded-for": "203.0.113.7" };
      for (let attempt = 1; attempt <= 4; attempt++) {
        const wrong = await logIn(strict, { email: `user${attempt}@x.example`, password: "guess" }, address);
        expect(wrong.status).to.equal(401);
      }
      expect((await logIn(strict, adminB, address)).status).to.equal(429);
      expect((await logIn(strict, adminB, { "x-forwarded-for": "203.0.113.8" })).status).to.equal(200);
    });
  });

  describe("tenancy", () => {
    it("does not let a member of one organization act for another", async () => {
      const session = await sessionOf(adminA);
      const attempts = [
        await asSession(server, session, "GET", `/api/organizations/${orgB.id}/members`),
        await asSession(server, session, "POST", `/api/organizations/${orgB.id}/members`, {
          json: { email: "mole@a.example", name: "mole", role: "admin" },
        }),
        await asSession(server, session, "DELETE", `/api/organizations/${orgB.id}/members/${adminB.id}`),
        await asSession(server, session, "GET", `/api/orgs/${orgB.id}/keys`),
        await asSession(server, session, "POST", `/api/orgs/${orgB.id}/keys`),
      ];
      expect(attempts.map((response) => response.status)).to.deep.equal([403, 403, 403, 403, 403]);
      expect((await logIn(server, adminB)).status).to.equal(200);
      const invitations = env.runtime.connection.db!.collection("invitations");
      expect(await invitations.countDocuments({ email: "mole@a.example" })).to.equal(0);
    });

    it("lets only admins of the organization manage members and API keys", async () => {
      const clerk = await sessionOf(clerkA);
      const invite = await asSession(server, clerk, "POST", `/api/organizations/${orgA.id}/members`, {
        json: { email: "friend@a.example", name: "friend", role: "admin" },
      });
      expect(invite.status).to.equal(403);
      expect((await asSession(server, clerk, "POST", `/api/orgs/${orgA.id}/keys`)).status).to.equal(403);

      const admin = await sessionOf(adminA);
      const created = await asSession(server, admin, "POST", `/api/orgs/${orgA.id}/keys`);
      expect(created.status, created.text).to.equal(201);
      expect(created.body.apiKey).to.match(/^et_/);
      const listed = await asSession(server, admin, "GET", `/api/orgs/${orgA.id}/keys`);
      expect(listed.body.items.map((key: { id: string }) => key.id)).to.include(created.body.id);
      expect(listed.text).to.not.include(created.body.apiKey);
      const revoked = await asSession(
        server,
        admin,
        "DELETE",
        `/api/orgs/${orgA.id}/keys/${created.body.id}`,
      );
      expect(revoked.status).to.equal(200);
      expect((await http(server.baseUrl, "GET", "/api/orgs", { key: created.body.apiKey })).status).to.equal(
        401,
      );
    });
  });

  describe("removing a member", () => {
    it("stops the removed member's sessions at once", async () => {
      const leaver = await addMember(server, orgA, "leaver@a.example");
      const leaverSession = await sessionOf(leaver);
      expect((await asSession(server, leaverSession, "GET", "/api/session")).status).to.equal(200);
      const admin = await sessionOf(adminA);
      const removed = await asSession(
        server,
        admin,
        "DELETE",
        `/api/organizations/${orgA.id}/members/${leaver.id}`,
      );
      expect(removed.status, removed.text).to.equal(204);
      expect((await asSession(server, leaverSession, "GET", "/api/session")).status).to.equal(401);
      const write = await asSession(server, leaverSession, "POST", "/api/batches", { json: teaBatch() });
      expect(write.status).to.equal(401);
      expect((await logIn(server, leaver)).status).to.equal(401);
      const members = await asSession(server, admin, "GET", `/api/organizations/${orgA.id}/members`);
      expect(members.body.items.map((member: { email: string }) => member.email)).to.not.include(
        leaver.email,
      );
    });

    it("keeps the last admin of an organization", async () => {
      const admin = await sessionOf(adminB);
      const response = await asSession(
        server,
        admin,
        "DELETE",
        `/api/organizations/${orgB.id}/members/${adminB.id}`,
      );
      expect(response.status).to.equal(409);
      expect((await asSession(server, admin, "GET", "/api/session")).status).to.equal(200);
    });
  });

  describe("idempotency keys", () => {
    it("are scoped to the session: the same key and request from another organization is not replayed", async () => {
      const body = teaBatch();
      const headers = { "idempotency-key": "console-retry-1" };
      const first = await asSession(server, await sessionOf(adminA), "POST", "/api/batches", {
        json: body,
        headers,
      });
      const second = await asSession(server, await sessionOf(adminB), "POST", "/api/batches", {
        json: body,
        headers,
      });
      expect(first.status, first.text).to.equal(201);
      expect(second.status, second.text).to.equal(201);
      expect(second.headers.get("idempotent-replayed")).to.equal(null);
      expect([first.body.producerId, second.body.producerId]).to.deep.equal([orgA.id, orgB.id]);
    });
  });
});
