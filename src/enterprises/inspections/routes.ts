import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Transaction } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../db/schema.js';
import { IdempotencyHeaders, inTransaction } from '../../auth/idempotency.js';
import { errors, Id, IdParams } from '../../core/schemas.js';
import { readFormWithPhotos } from '../../events/photos/multipart.js';
import { sendPhoto } from '../../events/photos/routes.js';
import { MAX_PHOTO_BYTES } from '../../events/routes.js';
import {
  ChecklistList,
  ChecklistQuery,
  ChecklistView,
  CreateRoundBody,
  DueEnterprisePage,
  DueQuery,
  InspectionPage,
  InspectionQuery,
  InspectionView,
  RecordInspectionBody,
  RectificationPage,
  RectificationQuery,
  RoundPage,
  RoundProgress,
  RoundQuery,
  RoundView,
  SaveTemplateBody,
  UninspectedPage,
} from './schema.js';
import { PageQuery } from '../../core/pagination.js';
import * as service from './service.js';
import type { InspectionOutcome } from './service.js';

const PhotoParams = Type.Object({ id: Id(), photoId: Id() });
const PhotoBytes = Type.Unsafe<Buffer>({
  type: 'string',
  format: 'binary',
  description: 'The re-encoded image',
});

export interface InspectionRouteOptions {
  /** Called in the inspection's transaction with its outcome (the filings move an inspected filing on). */
  onInspected?: (trx: Transaction<DB>, outcome: InspectionOutcome) => Promise<void>;
}

/**
 * Enterprise inspections on site and inspection rounds (复工复产检查, #14). Inspect and read with
 * enterprise.inspect over the enterprise (grid workers: their grid); checklists and rounds are set
 * with enterprise.manage.
 */
export const enterpriseInspectionRoutes: FastifyPluginAsyncTypebox<InspectionRouteOptions> = async (
  app,
  options,
) => {
  const tags = ['enterprise inspections'];
  const inspect = app.requireRight('enterprise.inspect');
  const manage = app.requireRight('enterprise.manage');
  const tx = app.db.transaction.bind(app.db);

  app.get(
    '/api/enterprise-inspections/checklist',
    {
      schema: {
        operationId: 'getInspectionChecklist',
        tags,
        summary:
          'The checklist in force for an enterprise or an area (nearest district template, else the built-in one)',
        querystring: ChecklistQuery,
        response: { 200: ChecklistView, ...errors(400, 401, 403, 404) },
      },
      preHandler: inspect,
    },
    async (request) => service.checklistFor(app.db, request.actor().viewer, request.query),
  );

  app.get(
    '/api/enterprise-inspections/templates',
    {
      schema: {
        operationId: 'listInspectionTemplates',
        tags,
        summary: 'The built-in checklist and the current version of every district template in your area',
        response: { 200: ChecklistList, ...errors(401, 403) },
      },
      preHandler: inspect,
    },
    async (request) => service.listTemplates(app.db, request.actor().viewer),
  );

  app.post(
    '/api/enterprise-inspections/templates',
    {
      schema: {
        operationId: 'saveInspectionTemplate',
        tags,
        summary: 'Save a new version of a district’s or street’s checklist (earlier inspections keep theirs)',
        body: SaveTemplateBody,
        response: { 201: ChecklistView, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('enterprise.configure'),
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await tx().execute((trx) => service.saveTemplate(trx, request.actor(), request.body))),
  );

  app.get(
    '/api/enterprise-inspections/due',
    {
      schema: {
        operationId: 'listDueEnterprises',
        tags,
        summary: 'Resumed enterprises you may inspect (in a round’s area), least recently inspected first',
        querystring: DueQuery,
        response: { 200: DueEnterprisePage, ...errors(400, 401, 403, 404) },
      },
      preHandler: inspect,
    },
    async (request) => service.dueEnterprises(app.db, request.actor().viewer, request.query),
  );

  app.post(
    '/api/enterprise-inspections',
    {
      schema: {
        operationId: 'recordInspection',
        tags,
        summary:
          'Record an inspection on site: every checklist item pass / fail / not applicable; failed items open rectification tasks, passed ones close theirs',
        body: RecordInspectionBody,
        headers: IdempotencyHeaders,
        response: { 201: InspectionView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: inspect,
    },
    async (request, reply) => {
      const view = await inTransaction(
        request,
        reply,
        async (trx) => {
          const result = await service.recordInspection(trx, request.actor(), request.body);
          if (options.onInspected) await options.onInspected(trx, result.outcome);
          return result.view;
        },
        201,
      );
      return reply.status(201).send(view);
    },
  );

  app.get(
    '/api/enterprise-inspections',
    {
      schema: {
        operationId: 'listInspections',
        tags,
        summary: 'Inspections in your area, newest first',
        querystring: InspectionQuery,
        response: { 200: InspectionPage, ...errors(400, 401, 403) },
      },
      preHandler: inspect,
    },
    async (request) => service.listInspections(app.db, request.actor().viewer, request.query),
  );

  app.get(
    '/api/enterprise-inspections/rectifications',
    {
      schema: {
        operationId: 'listRectifications',
        tags,
        summary: 'Rectification tasks in your area: open first, by deadline',
        querystring: RectificationQuery,
        response: { 200: RectificationPage, ...errors(400, 401, 403) },
      },
      preHandler: inspect,
    },
    async (request) => service.listRectifications(app.db, request.actor(), request.query),
  );

  app.post(
    '/api/enterprise-inspections/rounds',
    {
      schema: {
        operationId: 'createInspectionRound',
        tags,
        summary:
          'Start an inspection round over an area’s subtree for whole days: every resumed enterprise is to be inspected',
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
    '/api/enterprise-inspections/rounds',
    {
      schema: {
        operationId: 'listInspectionRounds',
        tags,
        summary: 'Inspection rounds covering or inside your area, newest first, with your part’s progress',
        querystring: RoundQuery,
        response: { 200: RoundPage, ...errors(400, 401, 403) },
      },
      preHandler: inspect,
    },
    async (request) => service.listRounds(app.db, request.actor(), request.query),
  );

  app.get(
    '/api/enterprise-inspections/rounds/:id/progress',
    {
      schema: {
        operationId: 'getInspectionRoundProgress',
        tags,
        summary: 'A round’s progress per grid (resumed enterprises, inspected in its window)',
        params: IdParams,
        response: { 200: RoundProgress, ...errors(401, 403, 404) },
      },
      preHandler: inspect,
    },
    async (request) => service.roundProgress(app.db, request.actor(), request.params.id),
  );

  app.get(
    '/api/enterprise-inspections/rounds/:id/uninspected',
    {
      schema: {
        operationId: 'listRoundUninspected',
        tags,
        summary: 'Resumed enterprises of a round not inspected in its window',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: UninspectedPage, ...errors(400, 401, 403, 404) },
      },
      preHandler: inspect,
    },
    async (request) => service.roundUninspected(app.db, request.actor(), request.params.id, request.query),
  );

  app.post(
    '/api/enterprise-inspections/rounds/:id/close',
    {
      schema: {
        operationId: 'closeInspectionRound',
        tags,
        summary: 'Close an inspection round',
        params: IdParams,
        response: { 200: RoundView, ...errors(400, 401, 403, 404) },
      },
      preHandler: manage,
    },
    async (request) => tx().execute((trx) => service.closeRound(trx, request.actor(), request.params.id)),
  );

  app.get(
    '/api/enterprise-inspections/:id',
    {
      schema: {
        operationId: 'getInspection',
        tags,
        summary: 'One inspection with its checklist, answers, photos and the tasks it opened or closed',
        params: IdParams,
        response: { 200: InspectionView, ...errors(401, 403, 404) },
      },
      preHandler: inspect,
    },
    async (request) => service.getInspection(app.db, request.actor().viewer, request.params.id),
  );

  app.post(
    '/api/enterprise-inspections/:id/photos',
    {
      schema: {
        operationId: 'addInspectionPhotos',
        tags,
        summary: `Attach photos to your inspection (multipart file parts "photos", up to ${service.MAX_INSPECTION_PHOTOS} in all; checked and re-encoded like event photos)`,
        params: IdParams,
        consumes: ['multipart/form-data'],
        response: { 200: InspectionView, ...errors(400, 401, 403, 404, 413, 415) },
      },
      preHandler: inspect,
    },
    async (request) => {
      const form = await readFormWithPhotos(request, {
        maxPhotos: service.MAX_INSPECTION_PHOTOS,
        maxPhotoBytes: MAX_PHOTO_BYTES,
      });
      return tx().execute((trx) => service.addPhotos(trx, request.actor(), request.params.id, form.photos));
    },
  );

  app.get(
    '/api/enterprise-inspections/:id/photos/:photoId',
    {
      schema: {
        operationId: 'getInspectionPhoto',
        tags,
        summary: 'One photo of an inspection, as an image',
        params: PhotoParams,
        response: { 200: PhotoBytes, ...errors(400, 401, 403, 404) },
      },
      preHandler: inspect,
    },
    async (request, reply) =>
      sendPhoto(
        request,
        reply,
        await service.photoOf(app.db, request.actor().viewer, request.params.id, request.params.photoId),
      ),
  );
};
