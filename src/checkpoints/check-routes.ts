import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdempotencyHeaders, inTransaction } from '../auth/idempotency.js';
import { errors, IdParams } from '../core/schemas.js';
import { CheckBody, CheckResult, IdentifyBody, IdentifyResult, RecentChecks } from './check-schema.js';
import * as service from './check-service.js';

/** The gate check (卡口查验) of a person: identify, see the verdict, record the crossing. */
export const checkRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['checkpoints'];

  app.post(
    '/api/checkpoints/:id/checks/identify',
    {
      schema: {
        operationId: 'identifyAtCheckpoint',
        tags,
        summary:
          'Identify a person here by ID number, door code, pass or a recent face-gate record: masked identity and the verdict green/amber/red with reasons under this checkpoint’s rules (audited)',
        params: IdParams,
        body: IdentifyBody,
        response: { 200: IdentifyResult, ...errors(400, 401, 403, 404, 429) },
      },
      preHandler: app.requireUser,
    },
    // Not in a transaction: a lookup spent stays spent, and the audit entry stays too.
    async (request) => service.identify(app.db, request.actor(), app.cipher, request.params.id, request.body),
  );

  app.post(
    '/api/checkpoints/:id/checks',
    {
      schema: {
        operationId: 'recordCheck',
        tags,
        summary:
          'Record a person’s crossing (on duty here): direction, temperature, disinfection, allowed/refused; red or fever only refused; a refusal or fever opens an event for the person’s grid worker',
        params: IdParams,
        body: CheckBody,
        headers: IdempotencyHeaders,
        response: { 201: CheckResult, ...errors(400, 401, 403, 404, 409, 422) },
      },
      preHandler: app.requireUser,
    },
    async (request, reply) => {
      const result = await inTransaction(
        request,
        reply,
        (trx) => service.recordCheck(trx, request.actor(), app.cipher, request.params.id, request.body),
        201,
      );
      return reply.status(201).send(result);
    },
  );

  app.get(
    '/api/checkpoints/:id/checks/recent',
    {
      schema: {
        operationId: 'listRecentChecks',
        tags,
        summary:
          'Today’s crossings at this checkpoint (persons and vehicles, staff and devices), masked, newest first',
        params: IdParams,
        response: { 200: RecentChecks, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireUser,
    },
    async (request) => service.recentChecks(app.db, request.actor(), request.params.id),
  );
};
