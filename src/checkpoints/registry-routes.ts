import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, IdParams } from '../core/schemas.js';
import { renderDoorLabels } from '../household-codes/labels.js';
import { CodeView } from '../household-codes/schema.js';
import { checkpointFigureRoutes } from './figures-routes.js';
import {
  CheckpointBody,
  CheckpointCreated,
  CheckpointPage,
  CheckpointPatch,
  CheckpointQuery,
  CheckpointView,
} from './registry-schema.js';
import * as service from './registry-service.js';
import { checkpointRotaRoutes } from './rota-routes.js';

const PdfResponse = Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'A4 PDF' });

/**
 * The checkpoint registry (卡口): kinds, place, team, hours, which checks apply, the place code
 * visitors scan; with the rota and the figures, registered by app.ts in one line.
 */
export const checkpointRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const read = app.requireRight('checkpoint.read');
  const manage = app.requireRight('checkpoint.manage');
  const tags = ['checkpoints'];
  const tx = app.db.transaction.bind(app.db);

  await app.register(checkpointFigureRoutes);
  await app.register(checkpointRotaRoutes);

  app.get(
    '/api/checkpoints',
    {
      schema: {
        operationId: 'listCheckpoints',
        tags,
        summary: 'Checkpoints in scope with their staffing state now',
        querystring: CheckpointQuery,
        response: { 200: CheckpointPage, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.listCheckpoints(app.db, request.actor(), request.query),
  );

  app.post(
    '/api/checkpoints',
    {
      schema: {
        operationId: 'createCheckpoint',
        tags,
        summary:
          'Register a checkpoint and issue the place code (场所码) visitors scan there; the scan URL is shown once',
        body: CheckpointBody,
        response: { 201: CheckpointCreated, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await tx().execute((trx) =>
            service.createCheckpoint(trx, request.actor(), app.cipher, request.body, app.config.publicUrl),
          ),
        ),
  );

  app.get(
    '/api/checkpoints/:id',
    {
      schema: {
        operationId: 'getCheckpoint',
        tags,
        summary: 'One checkpoint with its staffing state now',
        params: IdParams,
        response: { 200: CheckpointView, ...errors(401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.getCheckpoint(app.db, request.actor(), request.params.id),
  );

  app.patch(
    '/api/checkpoints/:id',
    {
      schema: {
        operationId: 'updateCheckpoint',
        tags,
        summary: 'Change a checkpoint: name, code, kind, position, team, hours, checks',
        params: IdParams,
        body: CheckpointPatch,
        response: { 200: CheckpointView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request) =>
      tx().execute((trx) => service.updateCheckpoint(trx, request.actor(), request.params.id, request.body)),
  );

  app.post(
    '/api/checkpoints/:id/retire',
    {
      schema: {
        operationId: 'retireCheckpoint',
        tags,
        summary: 'Retire a checkpoint: its place code stops working, its records stay',
        params: IdParams,
        response: { 200: CheckpointView, ...errors(401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request) =>
      tx().execute((trx) => service.retireCheckpoint(trx, request.actor(), request.params.id)),
  );

  app.post(
    '/api/checkpoints/:id/place-code',
    {
      schema: {
        operationId: 'issueCheckpointPlaceCode',
        tags,
        summary: 'Issue a new place code for the checkpoint; the old one stops working',
        params: IdParams,
        response: { 201: CodeView, ...errors(401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await tx().execute((trx) =>
            service.reissuePlaceCode(
              trx,
              request.actor(),
              app.cipher,
              request.params.id,
              app.config.publicUrl,
            ),
          ),
        ),
  );

  app.get(
    '/api/checkpoints/:id/place-code.pdf',
    {
      schema: {
        operationId: 'downloadCheckpointPlaceCode',
        tags,
        summary: 'The printable place code of the checkpoint (A4, QR with the gate’s name); audit-logged',
        params: IdParams,
        produces: ['application/pdf'],
        response: { 200: PdfResponse, ...errors(401, 403, 404, 409) },
      },
      // The label shows the code's token: printed by those who run the checkpoint.
      preHandler: manage,
    },
    async (request, reply) => {
      const { code, label } = await tx().execute((trx) =>
        service.placeCodeLabel(trx, request.actor(), app.cipher, request.params.id, app.config.publicUrl),
      );
      const pdf = await renderDoorLabels([label], label.address);
      return reply
        .type('application/pdf')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="checkpoint-${code}.pdf"`)
        .send(pdf);
    },
  );
};
