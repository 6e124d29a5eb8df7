import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { can } from '../../auth/scope.js';
import { errors, IdParams } from '../../core/schemas.js';
import { flagReturnees } from './returnees.js';
import {
  CreateKeyPersonBody,
  EndKeyPersonBody,
  FollowUpParams,
  FollowUpView,
  KeyPersonDetail,
  KeyPersonPage,
  KeyPersonQuery,
  KeyPersonView,
  RecordFollowUpBody,
  ScanResult,
  TaskPage,
  TaskQuery,
  TransferKeyPersonBody,
  UpdateKeyPersonBody,
} from './schema.js';
import * as service from './service.js';
import { IdempotencyHeaders, inTransaction } from '../../auth/idempotency.js';

/** Key persons (重点人员): period, responsible worker, follow-up plan, daily follow-ups and tasks. */
export const keyPersonRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['key-persons'];
  const read = app.requireRight('health.read');
  const write = app.requireRight('health.write');
  const manage = app.requireRight('health.manage');
  const tx = app.db.transaction.bind(app.db);

  app.post(
    '/api/key-persons',
    {
      schema: {
        operationId: 'createKeyPerson',
        tags,
        summary:
          'Put a person under follow-up: category, period, responsible worker (default: the grid worker) and plan; generates the follow-ups',
        body: CreateKeyPersonBody,
        response: { 201: KeyPersonView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await tx().execute((trx) => service.createKeyPerson(trx, request.actor(), request.body))),
  );

  app.get(
    '/api/key-persons',
    {
      schema: {
        operationId: 'listKeyPersons',
        tags,
        summary: 'Key persons in your area (default: active), with today’s follow-up progress',
        querystring: KeyPersonQuery,
        response: { 200: KeyPersonPage, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.listKeyPersons(request.readDb(), request.actor(), request.query),
  );

  app.get(
    '/api/key-persons/tasks',
    {
      schema: {
        operationId: 'listKeyPersonTasks',
        tags,
        summary:
          'Tasks: follow-ups missed on earlier days and periods that are over, oldest first (responsible=me for your own)',
        querystring: TaskQuery,
        response: { 200: TaskPage, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.listTasks(app.db, request.actor(), request.query),
  );

  app.post(
    '/api/key-persons/scan-returnees',
    {
      schema: {
        operationId: 'scanReturnees',
        tags,
        summary: 'Flag returnees from current risk areas now (it also runs every few minutes)',
        response: { 200: ScanResult, ...errors(401, 403) },
      },
      preHandler: write,
    },
    async (request) => {
      const actor = request.actor();
      const result = await flagReturnees(app.db, actor.now());
      return { flagged: result.flagged.filter((f) => can(actor.viewer, 'health.read', f.areaPath)).length };
    },
  );

  app.get(
    '/api/key-persons/:id',
    {
      schema: {
        operationId: 'getKeyPerson',
        tags,
        summary: 'A key person with the whole follow-up schedule',
        params: IdParams,
        response: { 200: KeyPersonDetail, ...errors(401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.getKeyPerson(app.db, request.actor(), request.params.id),
  );

  app.patch(
    '/api/key-persons/:id',
    {
      schema: {
        operationId: 'updateKeyPerson',
        tags,
        summary: 'Extend or shorten the period, hand over to another worker, or change the plan from today',
        params: IdParams,
        body: UpdateKeyPersonBody,
        response: { 200: KeyPersonView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request) =>
      tx().execute((trx) => service.updateKeyPerson(trx, request.actor(), request.params.id, request.body)),
  );

  app.post(
    '/api/key-persons/:id/end',
    {
      schema: {
        operationId: 'endKeyPerson',
        tags,
        summary: 'End the follow-up (解除管控)',
        params: IdParams,
        body: EndKeyPersonBody,
        response: { 200: KeyPersonView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request) =>
      tx().execute((trx) => service.endKeyPerson(trx, request.actor(), request.params.id, request.body)),
  );

  app.post(
    '/api/key-persons/:id/transfer',
    {
      schema: {
        operationId: 'transferKeyPerson',
        tags,
        summary: 'Record that the person was transferred (central quarantine, hospital, another district)',
        params: IdParams,
        body: TransferKeyPersonBody,
        response: { 200: KeyPersonView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request) =>
      tx().execute((trx) => service.transferKeyPerson(trx, request.actor(), request.params.id, request.body)),
  );

  app.post(
    '/api/key-persons/:id/follow-ups/:followUpId',
    {
      schema: {
        operationId: 'recordFollowUp',
        tags,
        summary: 'Record a follow-up (temperature, symptoms, note) due today or earlier',
        params: FollowUpParams,
        body: RecordFollowUpBody,
        headers: IdempotencyHeaders,
        response: { 200: FollowUpView, ...errors(400, 401, 403, 404, 409, 422) },
      },
      preHandler: write,
    },
    async (request, reply) =>
      inTransaction(request, reply, (trx) =>
        service.recordFollowUp(
          trx,
          request.actor(),
          request.params.id,
          request.params.followUpId,
          request.body,
        ),
      ),
  );
};
