import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, IdParams } from '../../core/schemas.js';
import { AssignBody, AssignResult, AutoAssignResult, CoverageReport, HouseParams } from './schema.js';
import * as service from './service.js';

/** Volunteers' households (each volunteer covers 3–5), managed per micro-grid. */
export const volunteerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['volunteers'];
  const tx = app.db.transaction.bind(app.db);

  app.get(
    '/api/areas/:id/volunteer-coverage',
    {
      schema: {
        operationId: 'getVolunteerCoverage',
        tags,
        summary:
          'Coverage of a micro-grid: its volunteers with household counts (under 3 flagged), covered and uncovered houses',
        params: IdParams,
        response: { 200: CoverageReport, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('service.handle'),
    },
    async (request) => service.coverageReport(app.db, request.actor(), request.params.id),
  );

  app.post(
    '/api/volunteer-households',
    {
      schema: {
        operationId: 'assignVolunteerHousehold',
        tags,
        summary:
          'Give houses (1–5) to a volunteer; each house has at most one volunteer, a volunteer at most 5 houses (409 VOLUNTEER_FULL)',
        body: AssignBody,
        response: { 200: AssignResult, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: app.requireRight('service.manage'),
    },
    async (request) => tx().execute((trx) => service.assignHouses(trx, request.actor(), request.body)),
  );

  app.delete(
    '/api/volunteer-households/:houseId',
    {
      schema: {
        operationId: 'unassignVolunteerHousehold',
        tags,
        summary: 'Take a house from its volunteer',
        params: HouseParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
      preHandler: app.requireRight('service.manage'),
    },
    async (request, reply) => {
      await tx().execute((trx) => service.unassignHouse(trx, request.actor(), request.params.houseId));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/areas/:id/volunteer-coverage/auto-assign',
    {
      schema: {
        operationId: 'autoAssignVolunteers',
        tags,
        summary:
          'Cover a micro-grid’s uncovered houses: volunteers below 3 first, then up to 5, in address order (deterministic)',
        params: IdParams,
        response: { 200: AutoAssignResult, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('service.manage'),
    },
    async (request) => tx().execute((trx) => service.autoAssign(trx, request.actor(), request.params.id)),
  );
};
