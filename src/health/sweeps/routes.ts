import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdempotencyHeaders, inTransaction } from '../../auth/idempotency.js';
import { errors, IdParams } from '../../core/schemas.js';
import {
  CreateSweepBody,
  MySweepHouseholdQuery,
  SweepAssignBody,
  SweepAssigneeList,
  SweepAssignResult,
  SweepHouseholdDetail,
  SweepHouseholdPage,
  SweepHouseholdQuery,
  SweepHouseParams,
  SweepNodeQuery,
  SweepPage,
  SweepProgress,
  SweepQuery,
  SweepView,
  SweepVisitBody,
} from './schema.js';
import * as service from './service.js';

/**
 * Door-to-door sweeps (拉网式排查): campaigns over a subtree and a few days, every occupied household
 * visited once. Start, close and assign with health.write; read with health.read. Visits: health.write
 * over the household (grid workers by scope), or the household assigned to the caller, or covered
 * by them as a volunteer — so the visit routes only ask for a signed-in user and the service decides.
 */
export const sweepRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['sweeps'];
  const read = app.requireRight('health.read');
  const write = app.requireRight('health.write');
  const tx = app.db.transaction.bind(app.db);

  app.post(
    '/api/sweeps',
    {
      schema: {
        operationId: 'createSweep',
        tags,
        summary:
          'Start a sweep over an area’s subtree for whole days; its households are the occupied houses now',
        body: CreateSweepBody,
        response: { 201: SweepView, ...errors(400, 401, 403, 404) },
      },
      preHandler: write,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await tx().execute((trx) => service.createSweep(trx, request.actor(), request.body))),
  );

  app.get(
    '/api/sweeps',
    {
      schema: {
        operationId: 'listSweeps',
        tags,
        summary: 'Sweeps that cover or lie inside your area, newest first, with the figures you may see',
        querystring: SweepQuery,
        response: { 200: SweepPage, ...errors(400, 401, 403) },
      },
      preHandler: read,
    },
    async (request) => service.listSweeps(app.db, request.actor(), request.query),
  );

  app.get(
    '/api/sweeps/households/mine',
    {
      schema: {
        operationId: 'listMySweepHouseholds',
        tags,
        summary:
          'Households of running sweeps not visited yet: assigned to you or yours as a volunteer (scope=area: all you may visit)',
        querystring: MySweepHouseholdQuery,
        response: { 200: SweepHouseholdPage, ...errors(400, 401, 403) },
      },
      preHandler: app.requireUser,
    },
    async (request) => service.mySweepHouseholds(app.db, request.actor(), request.query),
  );

  app.get(
    '/api/sweeps/:id',
    {
      schema: {
        operationId: 'getSweep',
        tags,
        summary: 'One sweep',
        params: IdParams,
        response: { 200: SweepView, ...errors(401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.getSweep(app.db, request.actor(), request.params.id),
  );

  app.post(
    '/api/sweeps/:id/close',
    {
      schema: {
        operationId: 'closeSweep',
        tags,
        summary: 'Close a sweep (early, or after its last day): its counters are its final figures',
        params: IdParams,
        response: { 200: SweepView, ...errors(401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request) => tx().execute((trx) => service.closeSweep(trx, request.actor(), request.params.id)),
  );

  app.get(
    '/api/sweeps/:id/progress',
    {
      schema: {
        operationId: 'getSweepProgress',
        tags,
        summary:
          'Progress of a node and of each grid and row cell in it: total, visited, attempted, unvisited, fevers',
        params: IdParams,
        querystring: SweepNodeQuery,
        response: { 200: SweepProgress, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) =>
      service.sweepProgress(request.readDb(), request.actor(), request.params.id, request.query.node),
  );

  app.get(
    '/api/sweeps/:id/households',
    {
      schema: {
        operationId: 'listSweepHouseholds',
        tags,
        summary: 'The sweep’s households in your area (filter by state, pending, area), in address order',
        params: IdParams,
        querystring: SweepHouseholdQuery,
        response: { 200: SweepHouseholdPage, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) =>
      service.listSweepHouseholds(request.readDb(), request.actor(), request.params.id, request.query),
  );

  app.get(
    '/api/sweeps/:id/assignees',
    {
      schema: {
        operationId: 'listSweepAssignees',
        tags,
        summary: 'Grid workers, leaders, doctors and volunteers in or above a node, to give households to',
        params: IdParams,
        querystring: SweepNodeQuery,
        response: { 200: SweepAssigneeList, ...errors(400, 401, 403, 404) },
      },
      preHandler: write,
    },
    async (request) => service.sweepAssignees(app.db, request.actor(), request.params.id, request.query.node),
  );

  app.post(
    '/api/sweeps/:id/assignments',
    {
      schema: {
        operationId: 'assignSweepHouseholds',
        tags,
        summary: 'Give households to a worker or volunteer of their area, or take them back (null)',
        params: IdParams,
        body: SweepAssignBody,
        response: { 200: SweepAssignResult, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request) =>
      tx().execute((trx) => service.assignHouseholds(trx, request.actor(), request.params.id, request.body)),
  );

  app.get(
    '/api/sweeps/:id/households/:houseId',
    {
      schema: {
        operationId: 'getSweepHousehold',
        tags,
        summary: 'A household of the sweep: its residents (masked) and its visits, newest first',
        params: SweepHouseParams,
        response: { 200: SweepHouseholdDetail, ...errors(401, 403, 404) },
      },
      preHandler: app.requireUser,
    },
    async (request) =>
      service.getSweepHousehold(app.db, request.actor(), request.params.id, request.params.houseId),
  );

  app.post(
    '/api/sweeps/:id/households/:houseId/visits',
    {
      schema: {
        operationId: 'recordSweepVisit',
        tags,
        summary:
          'Record the household’s visit (per member: temperature, symptoms, travel, doses) or nobody home; a second visit corrects it',
        params: SweepHouseParams,
        body: SweepVisitBody,
        headers: IdempotencyHeaders,
        response: { 201: SweepHouseholdDetail, ...errors(400, 401, 403, 404, 409, 422) },
      },
      preHandler: app.requireUser,
    },
    async (request, reply) => {
      const result = await inTransaction(
        request,
        reply,
        (trx) =>
          service.recordSweepVisit(
            trx,
            request.actor(),
            request.params.id,
            request.params.houseId,
            request.body,
          ),
        201,
      );
      return reply.status(201).send(result);
    },
  );
};
