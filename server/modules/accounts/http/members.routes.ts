import { Router } from "express";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { actorOf, assertManagesOrganization, assertSameTenant, type Actor } from "../../organizations";
import { acceptInvitation, inviteMember, listOpenInvitations, withdrawInvitation } from "../invitations";
import { changeMemberRole, listMembers, removeMember } from "../members";
import {
  acceptInvitationBody,
  invitationParams,
  inviteMemberBody,
  memberParams,
  memberRoleBody,
  organizationInvitationParams,
  organizationParams,
} from "./accounts.schemas";

/** An organization's console members: list, invite, remove; and accepting an invitation. */
export function memberRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  const { connection } = deps;
  const tag = "members";

  registry.define(
    router,
    {
      method: "get",
      path: "/api/organizations/:id/members",
      summary: "List an organization's console members",
      tag,
      access: { roles: "any" },
      params: organizationParams,
      responses: { 200: "{ items: [{ id, email, name, role, createdAt }] }", 403: "another organization" },
    },
    async (req, res) => {
      assertOwnOrServiceAdmin(actorOf(res), req.params.id);
      res.json({ items: await listMembers(connection, req.params.id) });
    },
  );

  registry.define(
    router,
    {
      method: "post",
      path: "/api/organizations/:id/members",
      summary: "Invite a person (admins of the organization): the invitation token is shown once",
      tag,
      access: { roles: "any" },
      params: organizationParams,
      body: inviteMemberBody,
      responses: {
        201: "{ id, email, name, role, expiresAt, token, acceptUrl }",
        400: "invalid field",
        403: "not an admin of the organization",
        409: "the email belongs to a current member",
      },
    },
    async (req, res) => {
      const actor = actorOf(res);
      assertManagesOrganization(actor, req.params.id);
      const invitation = await inviteMember(connection, actor, req.params.id, req.body, new Date());
      // The token travels in the fragment: browsers do not send it to the server or to logs.
      const acceptUrl = `${deps.config.PUBLIC_BASE_URL}/console/invitation#token=${invitation.token}`;
      res.status(201).json({ ...invitation, acceptUrl });
    },
  );

  registry.define(
    router,
    {
      method: "delete",
      path: "/api/organizations/:id/members/:memberId",
      summary: "Remove a member (admins of the organization); their sessions end at once",
      tag,
      access: { roles: "any" },
      params: memberParams,
      responses: {
        204: "removed",
        403: "not an admin of the organization",
        404: "unknown",
        409: "last admin",
      },
    },
    async (req, res) => {
      assertManagesOrganization(actorOf(res), req.params.id);
      await removeMember(connection, req.params.id, req.params.memberId, new Date());
      res.status(204).end();
    },
  );

  registry.define(
    router,
    {
      method: "patch",
      path: "/api/organizations/:id/members/:memberId",
      summary: "Change a member's role (admins of the organization); takes effect on their next request",
      tag,
      access: { roles: "any" },
      params: memberParams,
      body: memberRoleBody,
      responses: {
        200: "the member",
        403: "not an admin of the organization",
        404: "unknown",
        409: "last admin",
      },
    },
    async (req, res) => {
      assertManagesOrganization(actorOf(res), req.params.id);
      res.json(await changeMemberRole(connection, req.params.id, req.params.memberId, req.body.role));
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/organizations/:id/invitations",
      summary: "List an organization's open invitations (admins of the organization)",
      tag,
      access: { roles: "any" },
      params: organizationParams,
      responses: {
        200: "{ items: [{ id, email, name, role, expiresAt }] }",
        403: "not an admin of the organization",
      },
    },
    async (req, res) => {
      assertManagesOrganization(actorOf(res), req.params.id);
      res.json({ items: await listOpenInvitations(connection, req.params.id, new Date()) });
    },
  );

  registry.define(
    router,
    {
      method: "delete",
      path: "/api/organizations/:id/invitations/:invitationId",
      summary: "Withdraw an invitation not accepted yet (admins of the organization)",
      tag,
      access: { roles: "any" },
      params: organizationInvitationParams,
      responses: {
        204: "withdrawn",
        403: "not an admin of the organization",
        404: "no such open invitation",
      },
    },
    async (req, res) => {
      assertManagesOrganization(actorOf(res), req.params.id);
      await withdrawInvitation(connection, req.params.id, req.params.invitationId);
      res.status(204).end();
    },
  );

  registry.define(
    router,
    {
      method: "post",
      path: "/api/invitations/:token/accept",
      summary: "Accept an invitation: creates the console account (then log in with POST /api/session)",
      tag,
      access: "public",
      params: invitationParams,
      body: acceptInvitationBody,
      responses: {
        201: "{ id, email, name, role, createdAt, organizationId }",
        400: "invalid field (password at least 12 characters)",
        404: "unknown, expired or already accepted",
        409: "the email belongs to a current member",
      },
    },
    async (req, res) => {
      res.status(201).json(await acceptInvitation(connection, req.params.token, req.body, new Date()));
    },
  );

  return router;
}

/** Member lists name people: the organization itself or the service's admins read them. */
function assertOwnOrServiceAdmin(actor: Actor, orgId: string): void {
  assertSameTenant(
    { ...actor, roles: actor.roles.filter((role) => role === "admin") },
    [orgId],
    "the organization",
  );
}
