import { expect } from "chai";
import { Types } from "mongoose";
import { http } from "../helpers/http";
import { createOrg, teaBatch, type TestOrg } from "../helpers/scenario";
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

  describe("OpenAPI", () => {
    it("documents the session cookie as a second way to authenticate and every accounts route", async () => {
      const openApi = (await http(server.baseUrl, "GET", "/openapi.json")).body;
      expect(openApi.components.securitySchemes.session).to.include({
        in: "cookie",
        name: "ecotrace_session",
      });
      expect(openApi.paths["/api/session"].post.security).to.deep.equal([]);
      expect(
        openApi.paths["/api/session"].post.requestBody.content["application/json"].schema.required,
      ).to.deep.equal(["email", "password"]);
      expect(openApi.paths["/api/organizations/{id}/members"].post.security).to.deep.equal([
        { apiKey: [] },
        { session: [] },
      ]);
      for (const path of ["/api/invitations/{token}/accept", "/api/organizations/{id}/members/{memberId}"]) {
        expect(openApi.paths).to.have.property(path);
      }
    });
  });

  describe("GET /api/session", () => {
    it("answers the same body as the login, with the session's CSRF token", async () => {
      const login = await logIn(server, member);
      const response = await asSession(server, login.session!, "GET", "/api/session");
      expect(response.status).to.equal(200);
      expect(response.body).to.deep.equal(login.body);
      expect(response.headers.get("cache-control")).to.equal("no-store");
      expect(login.headers.get("cache-control")).to.equal("no-store");
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

    it("keeps a session in use alive: a use moves its idle clock", async () => {
      const sessions = env.runtime.connection.db!.collection("sessions");
      const { session } = await logIn(server, member);
      await sessions.updateMany({}, { $set: { lastSeenAt: new Date(Date.now() - 29 * 60_000) } });
      expect((await asSession(server, session!, "GET", "/api/session")).status).to.equal(200);
      const [stored] = await sessions.find({}).sort({ createdAt: -1 }).limit(1).toArray();
      expect(Date.now() - stored.lastSeenAt.getTime()).to.be.below(60_000);
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

    it("records on each ledger event which member or API key recorded it, outside the hashed body", async () => {
      const { session } = await logIn(server, member);
      const bySession = await asSession(server, session!, "POST", "/api/batches", { json: teaBatch() });
      const byKey = await http(server.baseUrl, "POST", "/api/batches", { key: org.key, json: teaBatch() });
      const [orgKey] = (await http(server.baseUrl, "GET", `/api/orgs/${org.id}/keys`, { key: org.key })).body
        .items;
      const events = env.runtime.connection.db!.collection("traceevents");
      const recorded = async (batchId: string) => {
        const event = await events.findOne({ batchId: new Types.ObjectId(batchId) });
        expect(event!.actorId.toHexString()).to.equal(org.id);
        expect(JSON.stringify(event!.body)).to.not.include("recordedBy");
        return { kind: event!.recordedBy.kind, id: event!.recordedBy.id.toHexString() };
      };
      expect(await recorded(bySession.body.id)).to.deep.equal({ kind: "member", id: member.id });
      expect(await recorded(byKey.body.id)).to.deep.equal({ kind: "apiKey", id: orgKey.id });
    });
  });

  describe("POST /api/session/password", () => {
    it("changes the password after checking the current one, and ends the member's other sessions", async () => {
      const changer = await addMember(server, org, "changer@anji.example");
      const other = (await logIn(server, changer)).session!;
      const current = (await logIn(server, changer)).session!;
      const newPassword = "a much longer passphrase";
      const wrong = await asSession(server, current, "POST", "/api/session/password", {
        json: { currentPassword: "not it", newPassword },
      });
      expect(wrong.status).to.equal(400);
      expect(wrong.body.error.details[0].field).to.equal("body.currentPassword");
      const short = await asSession(server, current, "POST", "/api/session/password", {
        json: { currentPassword: changer.password, newPassword: "short" },
      });
      expect(short.status).to.equal(400);
      expect(short.body.error.message).to.equal("body.newPassword must be at least 12 characters long");
      const changed = await asSession(server, current, "POST", "/api/session/password", {
        json: { currentPassword: changer.password, newPassword },
      });
      expect(changed.status, changed.text).to.equal(204);
      expect((await asSession(server, current, "GET", "/api/session")).status).to.equal(200);
      expect((await asSession(server, other, "GET", "/api/session")).status).to.equal(401);
      expect((await logIn(server, changer)).status).to.equal(401);
      expect((await logIn(server, { email: changer.email, password: newPassword })).status).to.equal(200);
    });
  });

  describe("members and invitations", () => {
    it("changes a member's role with effect on their next request, and keeps the last admin", async () => {
      const clerk = await addMember(server, org, "promoted@anji.example");
      const clerkSession = (await logIn(server, clerk)).session!;
      const admin = (await logIn(server, member)).session!;
      expect((await asSession(server, clerkSession, "POST", `/api/orgs/${org.id}/keys`)).status).to.equal(
        403,
      );
      const promoted = await asSession(
        server,
        admin,
        "PATCH",
        `/api/organizations/${org.id}/members/${clerk.id}`,
        {
          json: { role: "admin" },
        },
      );
      expect(promoted.status, promoted.text).to.equal(200);
      expect(promoted.body).to.include({ id: clerk.id, role: "admin" });
      expect((await asSession(server, clerkSession, "POST", `/api/orgs/${org.id}/keys`)).status).to.equal(
        201,
      );
      const demoted = await asSession(
        server,
        clerkSession,
        "PATCH",
        `/api/organizations/${org.id}/members/${clerk.id}`,
        {
          json: { role: "member" },
        },
      );
      expect(demoted.status).to.equal(200);
      const last = await asSession(
        server,
        admin,
        "PATCH",
        `/api/organizations/${org.id}/members/${member.id}`,
        {
          json: { role: "member" },
        },
      );
      expect(last.status).to.equal(409);
    });

    it("opens one account per invitation, with the password policy, and refuses an email already in use", async () => {
      const invite = (email: string) =>
        http(server.baseUrl, "POST", `/api/organizations/${org.id}/members`, {
          key: org.key,
          json: { email, name: "新成员", role: "member" },
        });
      const invited = await invite("new@anji.example");
      expect(invited.status).to.equal(201);
      expect(invited.body.acceptUrl).to.match(/\/console\/invitation#token=[\w-]{43}$/);
      const accept = (password: string) =>
        http(server.baseUrl, "POST", `/api/invitations/${invited.body.token}/accept`, { json: { password } });
      const weak = await accept("too short");
      expect(weak.status).to.equal(400);
      expect(weak.body.error.details[0].field).to.equal("body.password");
      expect((await accept("long enough password")).status).to.equal(201);
      expect((await accept("long enough password")).status).to.equal(404);
      expect((await invite("NEW@anji.example")).status).to.equal(409);
      const stored = JSON.stringify(
        await env.runtime.connection.db!.collection("invitations").find({}).toArray(),
      );
      expect(stored).to.not.include(invited.body.token);
    });

    it("lists open invitations to the organization's admins and withdraws one", async () => {
      const invited = await http(server.baseUrl, "POST", `/api/organizations/${org.id}/members`, {
        key: org.key,
        json: { email: "later@anji.example", name: "later", role: "member" },
      });
      const admin = (await logIn(server, member)).session!;
      const open = await asSession(server, admin, "GET", `/api/organizations/${org.id}/invitations`);
      expect(open.body.items.map((item: { email: string }) => item.email)).to.include("later@anji.example");
      expect(open.text).to.not.include(invited.body.token);
      const path = `/api/organizations/${org.id}/invitations/${invited.body.id}`;
      expect((await asSession(server, admin, "DELETE", path)).status).to.equal(204);
      expect((await asSession(server, admin, "DELETE", path)).status).to.equal(404);
      const accept = await http(server.baseUrl, "POST", `/api/invitations/${invited.body.token}/accept`, {
        json: { password: "long enough password" },
      });
      expect(accept.status).to.equal(404);
    });
  });
});
