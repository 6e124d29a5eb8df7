import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, IdParams } from '../core/schemas.js';
import {
  CreateResponsibilityBody,
  CreateTeamBody,
  GridTeamView,
  MemberParams,
  ResponsibilityPage,
  ResponsibilityQuery,
  ResponsibilityView,
  SetMemberBody,
  TeamDetail,
  TeamPage,
  TeamQuery,
  UpdateTeamBody,
} from './schema.js';
import * as service from './service.js';

/** Teams (一格多员, 1+1+N+K), their members and duties, and 包片包户 responsibilities. */
export const teamRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['teams'];
  const read = app.requireRight('area.read');
  const manage = app.requireRight('team.manage');
  const tx = app.db.transaction.bind(app.db);

  app.get(
    '/api/teams',
    {
      schema: {
        operationId: 'listTeams',
        tags,
        summary: 'Teams in scope (filter by area subtree, kind; retired ones with includeRetired)',
        querystring: TeamQuery,
        response: { 200: TeamPage, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.listTeams(app.db, request.actor(), request.query),
  );

  app.post(
    '/api/teams',
    {
      schema: {
        operationId: 'createTeam',
        tags,
        summary:
          'Create a team (grid, service, checkpoint, department) at an area; the leader must hold a role in, below or above it',
        body: CreateTeamBody,
        response: { 201: TeamDetail, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await tx().execute((trx) => service.createTeam(trx, request.actor(), request.body))),
  );

  app.get(
    '/api/teams/:id',
    {
      schema: {
        operationId: 'getTeam',
        tags,
        summary: 'A team with its members and their duties',
        params: IdParams,
        response: { 200: TeamDetail, ...errors(401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.getTeam(app.db, request.actor(), request.params.id),
  );

  app.patch(
    '/api/teams/:id',
    {
      schema: {
        operationId: 'updateTeam',
        tags,
        summary: 'Rename a team or change its leader (null: none)',
        params: IdParams,
        body: UpdateTeamBody,
        response: { 200: TeamDetail, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request) =>
      tx().execute((trx) => service.updateTeam(trx, request.actor(), request.params.id, request.body)),
  );

  app.post(
    '/api/teams/:id/retire',
    {
      schema: {
        operationId: 'retireTeam',
        tags,
        summary: 'Retire a team (kept for history, no longer used by dispatch)',
        params: IdParams,
        response: { 200: TeamDetail, ...errors(401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request) => tx().execute((trx) => service.retireTeam(trx, request.actor(), request.params.id)),
  );

  app.put(
    '/api/teams/:id/members/:userId',
    {
      schema: {
        operationId: 'putTeamMember',
        tags,
        summary:
          'Add a member or change their duty (leader, grid_worker, police, doctor, volunteer, checkpoint, member); the user must hold a role in, below or above the team’s area',
        params: MemberParams,
        body: SetMemberBody,
        response: { 200: TeamDetail, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request) =>
      tx().execute((trx) =>
        service.setMember(trx, request.actor(), request.params.id, request.params.userId, request.body.duty),
      ),
  );

  app.delete(
    '/api/teams/:id/members/:userId',
    {
      schema: {
        operationId: 'removeTeamMember',
        tags,
        summary: 'Remove a member from a team',
        params: MemberParams,
        response: { 200: TeamDetail, ...errors(401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request) =>
      tx().execute((trx) =>
        service.removeMember(trx, request.actor(), request.params.id, request.params.userId),
      ),
  );

  app.get(
    '/api/responsibilities',
    {
      schema: {
        operationId: 'listResponsibilities',
        tags,
        summary: '包片包户: who answers for which area or household (filter by area subtree, user)',
        querystring: ResponsibilityQuery,
        response: { 200: ResponsibilityPage, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.listResponsibilities(app.db, request.actor(), request.query),
  );

  app.post(
    '/api/responsibilities',
    {
      schema: {
        operationId: 'createResponsibility',
        tags,
        summary: 'Make a user answer for an area (areaId, 包片) or a household (houseId, 包户)',
        body: CreateResponsibilityBody,
        response: { 201: ResponsibilityView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await tx().execute((trx) => service.createResponsibility(trx, request.actor(), request.body))),
  );

  app.delete(
    '/api/responsibilities/:id',
    {
      schema: {
        operationId: 'deleteResponsibility',
        tags,
        summary: 'End a responsibility',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
      preHandler: manage,
    },
    async (request, reply) => {
      await tx().execute((trx) => service.deleteResponsibility(trx, request.actor(), request.params.id));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/areas/:id/grid-team',
    {
      schema: {
        operationId: 'getGridTeam',
        tags,
        summary:
          '1+1+N+K of a grid (or of the grid above a micro-grid/cell): leaders, workers, police, doctors, volunteers with their household counts, checkpoint staff, service teams, responsibilities',
        params: IdParams,
        response: { 200: GridTeamView, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.gridTeam(app.db, request.actor(), request.params.id),
  );
};
