import { expect } from "chai";
import { http } from "../helpers/http";
import { createOrg, type TestOrg } from "../helpers/scenario";
import { addMember, asSession, logIn, setCookieHeader, type TestMember } from "../helpers/console-session";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

describe("console sessions API", () => {
  let env: TestEnv;
  let server: TestServer;
  let org: TestOrg;
  let member: TestMember;
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    org = await createOrg(server, "安吉县白茶合作社", ["producer"]);
    member = await addMember(server, org, "clerk@anji.example", "admin");
  });
  after(() => server.close());

  describe("POST /api/session", () => {
    it("answers who is logged in with a CSRF token and sets the session cookie", async () => {
      const response = await logIn(server, member);
      expect(response.status, response.text).to.equal(200);
      expect(response.body).to.deep.equal({
        user: { id: member.id, email: member.email, name: "clerk" },
        organization: { id: org.id, name: org.name, role: "admin", roles: ["producer"] },
        csrfToken: response.body.csrfToken,
      });
      expect(response.body.csrfToken).to.match(/^[\w-]{43}$/);
      expect(response.session!.cookie).to.match(/^[\w-]{43}$/);
    });

    it("sets the cookie httpOnly, SameSite=Strict, Path=/, and Secure only over https", async () => {
      const plain = setCookieHeader(await logIn(server, member))!;
      expect(plain)
        .to.match(/; HttpOnly/)
        .and.match(/; SameSite=Strict/)
        .and.match(/; Path=\//);
      expect(plain).to.not.match(/; Secure/);
      // The service trusts X-Forwarded-Proto from a loopback proxy (TLS ends at the proxy).
      const https = setCookieHeader(await logIn(server, member, { "x-forwarded-proto": "https" }))!;
      expect(https)
        .to.match(/; Secure/)
        .and.match(/; HttpOnly/)
        .and.match(/; SameSite=Strict/);
    });

    it("answers 401 alike for a wrong password and an unknown email, and sets no cookie", async () => {
      const wrong = await logIn(server, { email: member.email, password: "not the password" });
      const unknown = await logIn(server, { email: "nobody@anji.example", password: member.password });
      expect(wrong.status).to.equal(401);
      expect(unknown.status).to.equal(401);
      expect(unknown.body).to.deep.equal(wrong.body);
      expect(wrong.session).to.equal(undefined);
    });

    it("answers 400 naming the field for a malformed body", async () => {
      const response = await http(server.baseUrl, "POST", "/api/session", { json: { email: "x" } });
      expect(response.status).to.equal(400);
      expect(response.body.error.details.map((d: { field: string }) => d.field)).to.include.members([
        "body.email",
        "body.password",
      ]);
    });

    it("stores the session id only as a hash and the password only as an argon2id hash", async () => {
      const { session } = await logIn(server, member);
      const db = env.runtime.connection.db!;
      const sessions = JSON.stringify(await db.collection("sessions").find({}).toArray());
      expect(sessions).to.not.include(session!.cookie);
      const [stored] = await db.collection("members").find({ email: member.email }).toArray();
      expect(stored.passwordHash).to.match(/^\$argon2id\$/);
      expect(JSON.stringify(stored)).to.not.include(member.password);
    });
  });

  describe("GET /api/session", () => {
    it("answers the same body as the login, with the session's CSRF token", async () => {
      const login = await logIn(server, member);
      const response = await asSession(server, login.session!, "GET", "/api/session");
      expect(response.status).to.equal(200);
      expect(response.body).to.deep.equal(login.body);
    });

    it("answers 401 without a session and for an API key", async () => {
      expect((await http(server.baseUrl, "GET", "/api/session")).status).to.equal(401);
      expect((await http(server.baseUrl, "GET", "/api/session", { key: org.key })).status).to.equal(401);
    });

    it("answers 401 once the session has been idle too long or is past its absolute expiry", async () => {
      const sessions = env.runtime.connection.db!.collection("sessions");
      const idle = (await logIn(server, member)).session!;
      const old = (await logIn(server, member)).session!;
      const idleDoc = (await asSession(server, idle, "GET", "/api/session")).body;
      expect(idleDoc.user.id).to.equal(member.id);
      await sessions.updateMany({}, { $set: { lastSeenAt: new Date(Date.now() - 31 * 60_000) } });
      expect((await asSession(server, idle, "GET", "/api/session")).status).to.equal(401);
      await sessions.updateMany(
        {},
        { $set: { lastSeenAt: new Date(), expiresAt: new Date(Date.now() - 1) } },
      );
      expect((await asSession(server, old, "GET", "/api/session")).status).to.equal(401);
    });
  });

  describe("a session acts for its organization on every route", () => {
    it("registers a batch for the member's organization", async () => {
      const { session } = await logIn(server, member);
      const response = await asSession(server, session!, "POST", "/api/batches", {
        json: {
          product: { name: "安吉白茶", category: "tea" },
          lot: "SESSION-1",
          origin: { place: "黄杜村", regionCode: "330523", harvestedAt: "2026-04-12" },
          quantity: { value: 10, unit: "KGM" },
        },
      });
      expect(response.status, response.text).to.equal(201);
      expect(response.body.producerId).to.equal(org.id);
    });
  });
});
