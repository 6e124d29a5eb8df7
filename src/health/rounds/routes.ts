import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, IdParams } from '../../core/schemas.js';
import { PassThrough } from 'node:stream';
import {
  BulkMarkBody,
  BulkMarkResult,
  CreateRoundBody,
  GridCoverage,
  MarkBody,
  MarkParams,
  MarkView,
  NodeCoverage,
  NodeQuery,
  RoundPage,
  RoundQuery,
  RoundView,
  UntestedFilter,
  UntestedPage,
  UntestedQuery,
} from './schema.js';
import * as service from './service.js';
import { IdempotencyHeaders, inTransaction } from '../../auth/idempotency.js';

/** Nucleic-acid screening rounds (核酸筛查轮次): coverage per node, untested lists, worker marks. */
export const roundRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['screening'];
  const read = app.requireRight('health.read');
  const write = app.requireRight('health.write');
  const manage = app.requireRight('health.manage');
  const tx = app.db.transaction.bind(app.db);

  app.post(
    '/api/rounds',
    {
      schema: {
        operationId: 'createRound',
        tags,
        summary: 'Start a screening round for an area’s subtree and a sampling window; counts it at once',
        body: CreateRoundBody,
        response: { 201: RoundView, ...errors(400, 401, 403, 404) },
      },
      preHandler: manage,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await tx().execute((trx) => service.createRound(trx, request.actor(), request.body))),
  );

  app.get(
    '/api/rounds',
    {
      schema: {
        operationId: 'listRounds',
        tags,
        summary: 'Rounds that cover or lie inside your area, newest first',
        querystring: RoundQuery,
        response: { 200: RoundPage, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.listRounds(app.db, request.actor(), request.query),
  );

  app.get(
    '/api/rounds/:id',
    {
      schema: {
        operationId: 'getRound',
        tags,
        summary: 'One round',
        params: IdParams,
        response: { 200: RoundView, ...errors(401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.getRound(app.db, request.actor(), request.params.id),
  );

  app.post(
    '/api/rounds/:id/close',
    {
      schema: {
        operationId: 'closeRound',
        tags,
        summary: 'Close a round: its counters are frozen as the final figures',
        params: IdParams,
        response: { 200: RoundView, ...errors(401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request) => tx().execute((trx) => service.closeRound(trx, request.actor(), request.params.id)),
  );

  app.get(
    '/api/rounds/:id/coverage',
    {
      schema: {
        operationId: 'getRoundCoverage',
        tags,
        summary: 'Coverage of a node and of each of its children (due, tested, untested, exempt, departed)',
        params: IdParams,
        querystring: NodeQuery,
        response: { 200: NodeCoverage, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) =>
      service.roundCoverage(request.readDb(), request.actor(), request.params.id, request.query.node),
  );

  app.get(
    '/api/rounds/:id/coverage/grids',
    {
      schema: {
        operationId: 'getRoundGridCoverage',
        tags,
        summary: 'Coverage of every grid of the round you may see, in one answer (for the dashboard map)',
        params: IdParams,
        response: { 200: GridCoverage, ...errors(401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.gridCoverage(request.readDb(), request.actor(), request.params.id),
  );

  app.get(
    '/api/rounds/:id/untested',
    {
      schema: {
        operationId: 'listUntestedPersons',
        tags,
        summary:
          'Persons due and not yet tested (nor exempt) in an area of the round: name, masked ID and phone, address, last test, outcome mark',
        params: IdParams,
        querystring: UntestedQuery,
        response: { 200: UntestedPage, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) =>
      service.untestedList(request.readDb(), request.actor(), request.params.id, request.query),
  );

  app.get(
    '/api/rounds/:id/untested.xlsx',
    {
      schema: {
        operationId: 'exportUntestedPersons',
        tags,
        summary: `The untested list with the same filters as XLSX, masked, at most ${service.UNTESTED_EXPORT_LIMIT} rows (422 UNTESTED_EXPORT_TOO_LARGE beyond); audited`,
        params: IdParams,
        querystring: UntestedFilter,
        response: { ...errors(400, 401, 403, 404, 422) },
      },
      preHandler: read,
    },
    async (request, reply) => {
      const prepared = await service.prepareUntestedExport(
        request.readDb(),
        request.actor(),
        request.params.id,
        request.query,
        app.db,
      );
      const stream = new PassThrough();
      prepared.write(stream).catch((error: unknown) => {
        request.log.error({ err: error }, 'untested export failed');
        stream.destroy(error as Error);
      });
      const name = `未检人员-${prepared.round.name}-${prepared.areaName}.xlsx`;
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header(
          'content-disposition',
          `attachment; filename="untested-${prepared.round.id}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
        )
        .header('cache-control', 'no-store')
        .send(stream);
    },
  );

  app.post(
    '/api/rounds/:id/marks',
    {
      schema: {
        operationId: 'bulkMarkRoundPersons',
        tags,
        summary:
          'Mark up to 200 persons of the list at once with the same exemption or outcome; all or none (one person outside your area refuses the batch); each audited',
        params: IdParams,
        body: BulkMarkBody,
        response: { 200: BulkMarkResult, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request) =>
      tx().execute((trx) => service.bulkMark(trx, request.actor(), request.params.id, request.body)),
  );

  app.put(
    '/api/rounds/:id/marks/:personId',
    {
      schema: {
        operationId: 'markRoundPerson',
        tags,
        summary:
          'Mark a person for this round: an exemption (bedridden, infant, away, other) or an outcome (refused, tested elsewhere, unreachable, scheduled); audited',
        params: MarkParams,
        body: MarkBody,
        headers: IdempotencyHeaders,
        response: { 200: MarkView, ...errors(400, 401, 403, 404, 409, 422) },
      },
      preHandler: write,
    },
    async (request, reply) =>
      inTransaction(request, reply, (trx) =>
        service.setMark(trx, request.actor(), request.params.id, request.params.personId, request.body),
      ),
  );

  app.delete(
    '/api/rounds/:id/marks/:personId',
    {
      schema: {
        operationId: 'unmarkRoundPerson',
        tags,
        summary: 'Remove a person’s mark for this round; audited',
        params: MarkParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request, reply) => {
      await tx().execute((trx) =>
        service.removeMark(trx, request.actor(), request.params.id, request.params.personId),
      );
      return reply.status(204).send(null);
    },
  );
};
