import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, IdParams } from '../core/schemas.js';
import { ShiftBody, ShiftQuery, ShiftView, ShiftWeek, StaffingDetail } from './rota-schema.js';
import * as service from './rota-service.js';

/** The duty rota of checkpoints (shifts) and who is on duty now (the staffing-gap alert is a job: src/jobs.ts). */
export const checkpointRotaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const read = app.requireRight('checkpoint.read');
  const manage = app.requireRight('checkpoint.manage');
  const tags = ['checkpoints'];
  const tx = app.db.transaction.bind(app.db);

  app.get(
    '/api/checkpoints/:id/shifts',
    {
      schema: {
        operationId: 'listCheckpointShifts',
        tags,
        summary: 'The rota of a checkpoint for a week (default: this week, China time)',
        params: IdParams,
        querystring: ShiftQuery,
        response: { 200: ShiftWeek, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.listShifts(app.db, request.actor(), request.params.id, request.query),
  );

  app.post(
    '/api/checkpoints/:id/shifts',
    {
      schema: {
        operationId: 'createCheckpointShift',
        tags,
        summary: 'Add a shift: a team and/or named people due at the checkpoint, at least minStaff of them',
        params: IdParams,
        body: ShiftBody,
        response: { 201: ShiftView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await tx().execute((trx) =>
            service.addShift(trx, request.actor(), request.params.id, request.body),
          ),
        ),
  );

  app.delete(
    '/api/checkpoints/shifts/:id',
    {
      schema: {
        operationId: 'deleteCheckpointShift',
        tags,
        summary: 'Remove a shift from the rota',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
      preHandler: manage,
    },
    async (request, reply) => {
      await tx().execute((trx) => service.removeShift(trx, request.actor(), request.params.id));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/checkpoints/:id/staffing',
    {
      schema: {
        operationId: 'getCheckpointStaffing',
        tags,
        summary: 'Who is on duty at the checkpoint now, the shifts running and its staffing state',
        params: IdParams,
        response: { 200: StaffingDetail, ...errors(401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.staffingDetail(app.db, request.actor(), request.params.id),
  );
};
