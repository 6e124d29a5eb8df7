import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../core/schemas.js';
import { Coverage, CoverageQuery, VisitBody, VisitPage, VisitQuery, VisitResult } from './schema.js';
import * as service from './service.js';
import { IdempotencyHeaders, inTransaction } from '../auth/idempotency.js';

/** Household visits (智慧走访) and the coverage they add up to. */
export const visitRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['visits'];

  app.post(
    '/api/visits',
    {
      schema: {
        operationId: 'createVisit',
        tags,
        summary:
          'Record a household visit and apply what was found (arrivals, departures, phones, tags) in one transaction',
        body: VisitBody,
        headers: IdempotencyHeaders,
        response: { 201: VisitResult, ...errors(400, 401, 403, 404, 409, 422) },
      },
      preHandler: app.requireRight('person.write'),
    },
    async (request, reply) => {
      const result = await inTransaction(
        request,
        reply,
        (trx) => service.recordVisit(trx, request.actor(), app.cipher, request.body),
        201,
      );
      return reply.status(201).send(result);
    },
  );

  app.get(
    '/api/visits',
    {
      schema: {
        operationId: 'listVisits',
        tags,
        summary: 'Visits in scope, newest first (filter by area, worker user id, house, period)',
        querystring: VisitQuery,
        response: { 200: VisitPage, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('person.read'),
    },
    async (request) => service.listVisits(app.db, request.actor(), request.query),
  );

  app.get(
    '/api/visits/coverage',
    {
      schema: {
        operationId: 'getVisitCoverage',
        tags,
        summary:
          'Visit coverage per grid and micro-grid: houses, houses visited in the period (default this month), share, per worker',
        querystring: CoverageQuery,
        response: { 200: Coverage, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('person.read'),
    },
    async (request) => service.visitCoverage(app.db, request.actor(), request.query),
  );
};
