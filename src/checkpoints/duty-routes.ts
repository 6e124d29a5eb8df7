import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdempotencyHeaders, inTransaction } from '../auth/idempotency.js';
import { errors, IdParams } from '../core/schemas.js';
import { DutySignInBody, DutySignInResult, DutySignOutBody, DutyView, MyDuty } from './duty-schema.js';
import * as service from './duty-service.js';

/** Duty at a checkpoint (值守): sign in and out from the phone, with position and a hand-over note. */
export const dutyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['checkpoints'];

  app.get(
    '/api/checkpoints/duty/mine',
    {
      schema: {
        operationId: 'getMyDuty',
        tags,
        summary:
          'My open duty and the checkpoints I may staff (checkpoint.check in their subtree, or member of their team)',
        response: { 200: MyDuty, ...errors(401, 403) },
      },
      preHandler: app.requireUser,
    },
    async (request) => service.myDuty(app.db, request.actor()),
  );

  app.post(
    '/api/checkpoints/:id/duty/sign-in',
    {
      schema: {
        operationId: 'signInOnDuty',
        tags,
        summary: 'Sign in on duty here (closes an open duty elsewhere; again here answers the open duty)',
        params: IdParams,
        body: DutySignInBody,
        headers: IdempotencyHeaders,
        response: { 200: DutySignInResult, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: app.requireUser,
    },
    async (request, reply) =>
      inTransaction(request, reply, (trx) =>
        service.signIn(trx, request.actor(), request.params.id, request.body),
      ),
  );

  app.post(
    '/api/checkpoints/:id/duty/sign-out',
    {
      schema: {
        operationId: 'signOutOfDuty',
        tags,
        summary: 'Sign out of my duty here, with a hand-over note for the next person',
        params: IdParams,
        body: DutySignOutBody,
        headers: IdempotencyHeaders,
        response: { 200: DutyView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: app.requireUser,
    },
    async (request, reply) =>
      inTransaction(request, reply, (trx) =>
        service.signOut(trx, request.actor(), request.params.id, request.body),
      ),
  );
};
