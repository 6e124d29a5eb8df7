import { rm } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Value } from 'typebox/value';
import { invalid } from '../../core/errors.js';
import { errors, IdParams } from '../../core/schemas.js';
import { requestLocale } from '../../i18n/locale.js';
import type { EncodingOption } from '../../imports/encoding.js';
import { receiveUpload } from '../../imports/upload.js';
import { DEFAULT_SOURCE, openFeedTable } from './file-import.js';
import { FEED_KINDS, type FeedKind } from './kinds.js';
import {
  BatchParams,
  DismissBody,
  FeedBatchList,
  FeedBatchQuery,
  FeedBatchView,
  FeedKindParams,
  InboxItem,
  InboxPage,
  InboxQuery,
  LeadFromInboxBody,
  LeadFromInboxResult,
  MatchBody,
  PushAccepted,
  type PushBody,
  pushBody,
  RiskAreaList,
  RiskAreaQuery,
  SourceName,
} from './schema.js';
import * as service from './service.js';

/** A pushed batch of 10,000 records is a few MB; the default body limit is for forms. */
const PUSH_BODY_LIMIT = 8 * 1024 * 1024;

/** The upload's form fields: source, areaId, encoding, sheet. */
function uploadOptions(fields: Record<string, string>) {
  const source = fields.source?.trim() || DEFAULT_SOURCE;
  if (!Value.Check(SourceName, source))
    throw invalid('VALIDATION_FAILED', 'source must be 1-64 letters, digits, _ . : or -', [
      { field: 'body.source', code: 'pattern', message: 'is not a source name' },
    ]);
  const encoding = fields.encoding?.trim() || 'auto';
  if (!['auto', 'utf-8', 'gbk'].includes(encoding))
    throw invalid('VALIDATION_FAILED', 'encoding must be auto, utf-8 or gbk', [
      {
        field: 'body.encoding',
        code: 'unknownWord',
        params: { value: encoding, allowed: 'auto, utf-8, gbk' },
        message: 'is not auto, utf-8 or gbk',
      },
    ]);
  const areaText = fields.areaId?.trim();
  const areaId = areaText ? Number(areaText) : undefined;
  if (areaId !== undefined && !(Number.isInteger(areaId) && areaId >= 1 && areaId <= 2147483647))
    throw invalid('VALIDATION_FAILED', 'areaId must be an area id', [
      { field: 'body.areaId', code: 'integer', message: 'is not an area id' },
    ]);
  return { source, areaId, encoding: encoding as EncodingOption, sheet: fields.sheet?.trim() || undefined };
}

/**
 * Health feeds: pushed batches from machine clients (API token with feed.health), file uploads
 * by staff, batch status, the unmatched inbox and risk areas.
 */
export const healthFeedRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['health feeds'];
  const tx = app.db.transaction.bind(app.db);
  // The queue and its start-up recovery live with the background jobs (src/jobs.ts).
  const processor = app.feedProcessor;

  for (const kind of FEED_KINDS) {
    app.post(
      `/api/feeds/${kind}/batches`,
      {
        bodyLimit: PUSH_BODY_LIMIT,
        schema: {
          operationId: `push${kind.charAt(0).toUpperCase()}${kind.slice(1)}Batch`,
          tags,
          summary: `Push a batch of ${kind} (up to 10,000 records); answered 202 at once, processed in the background; poll the batch`,
          security: [{ token: [] }],
          body: pushBody(kind),
          response: { 202: PushAccepted, ...errors(400, 401, 403, 413) },
        },
        // Before the body is read: anonymous or wrong-capability callers never get a large body parsed.
        onRequest: app.requireCapability('feed.health'),
      },
      async (request, reply) => {
        const accepted = await tx().execute((trx) =>
          service.receivePush(trx, request.actor(), app.cipher, kind, request.body as PushBody),
        );
        // The fast path: this node claims it at once (unless another node's claim was quicker).
        void processor.claimWaiting();
        return reply.status(202).send(accepted);
      },
    );
  }

  app.get(
    '/api/feeds/batches',
    {
      schema: {
        operationId: 'listFeedBatches',
        tags,
        summary:
          'Pushed batches and uploaded files of your area (and your own uploads), newest first: status, counts, who sent them',
        querystring: FeedBatchQuery,
        response: { 200: FeedBatchList, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('health.read'),
    },
    async (request) => service.listBatches(app.db, request.actor(), request.query, requestLocale(request)),
  );

  app.get(
    '/api/feeds/batches/:id/rejects.xlsx',
    {
      schema: {
        operationId: 'downloadFeedBatchRejects',
        tags,
        summary: 'The rejected rows of a batch as XLSX (row, column, code, problem), as the CLI writes them',
        params: BatchParams,
        response: { ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      const prepared = await service.batchRejects(
        app.db,
        request.actor().viewer,
        request.params.id,
        requestLocale(request),
      );
      const stream = new PassThrough();
      prepared.write(stream).catch((error: unknown) => {
        request.log.error({ err: error }, 'rejects file failed');
        stream.destroy(error as Error);
      });
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="rejects-batch-${prepared.batch.batchId}.xlsx"`)
        .header('cache-control', 'no-store')
        .send(stream);
    },
  );

  app.get(
    '/api/feeds/batches/:id',
    {
      schema: {
        operationId: 'getFeedBatch',
        tags,
        summary:
          'Status, counts and per-record rejects of a pushed batch or uploaded file (the token that sent it, the uploader, or health staff of its area)',
        params: BatchParams,
        response: { 200: FeedBatchView, ...errors(401, 404) },
      },
    },
    async (request) =>
      service.getBatch(app.db, request.actor().viewer, request.params.id, requestLocale(request)),
  );

  app.post(
    '/api/health/imports/:kind',
    {
      schema: {
        operationId: 'importHealthRecords',
        tags,
        summary:
          'Start importing an uploaded XLSX/CSV feed file (fields: file, source, areaId, encoding, sheet); poll /api/feeds/batches/{batchId}',
        consumes: ['multipart/form-data'],
        params: FeedKindParams,
        response: { 202: FeedBatchView, ...errors(400, 401, 403, 404, 413) },
      },
      preHandler: app.requireRight('health.manage'),
    },
    async (request, reply) => {
      const kind: FeedKind = request.params.kind;
      const upload = await receiveUpload(request, 'feed-');
      try {
        const options = uploadOptions(upload.fields);
        // Unreadable files and missing columns are answered now, not as a failed batch.
        const { table } = await openFeedTable(
          kind,
          { path: upload.file, fileName: upload.fileName, scratchDir: upload.tempDir },
          options,
        );
        await table.close();
        const actor = request.actor();
        const batch = await service.createUploadBatch(app.db, actor, {
          kind,
          source: options.source,
          areaId: options.areaId,
          fileName: upload.fileName,
          totalBytes: upload.size,
        });
        processor.enqueueUpload({
          batchId: batch.id,
          actor,
          kind,
          file: upload.file,
          tempDir: upload.tempDir,
          fileName: upload.fileName,
          sheet: options.sheet,
          encoding: options.encoding,
        });
        return reply.status(202).send(service.presentBatch(batch, requestLocale(request)));
      } catch (error) {
        await rm(upload.tempDir, { recursive: true, force: true });
        throw error;
      }
    },
  );

  app.get(
    '/api/health/unmatched',
    {
      schema: {
        operationId: 'listUnmatchedRecords',
        tags,
        summary:
          'The unmatched inbox: health records whose ID number is invalid or not registered under the feed’s area (masked), newest first',
        querystring: InboxQuery,
        response: { 200: InboxPage, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('health.read'),
    },
    async (request) => service.listUnmatched(app.db, request.actor(), request.query),
  );

  app.post(
    '/api/health/unmatched/:id/match',
    {
      schema: {
        operationId: 'matchUnmatchedRecord',
        tags,
        summary: 'Match an inbox record to a person by hand; their health state and round coverage follow',
        params: IdParams,
        body: MatchBody,
        response: { 200: InboxItem, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: app.requireRight('health.write'),
    },
    async (request) =>
      tx().execute((trx) => service.matchByHand(trx, request.actor(), request.params.id, request.body)),
  );

  app.post(
    '/api/health/unmatched/:id/dismiss',
    {
      schema: {
        operationId: 'dismissUnmatchedRecord',
        tags,
        summary: 'Dismiss an inbox record (e.g. a test of a visitor just passing through), with the reason',
        params: IdParams,
        body: DismissBody,
        response: { 200: InboxItem, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: app.requireRight('health.write'),
    },
    async (request) =>
      tx().execute((trx) => service.dismiss(trx, request.actor(), request.params.id, request.body)),
  );

  app.post(
    '/api/health/unmatched/:id/lead',
    {
      schema: {
        operationId: 'leadFromUnmatchedRecord',
        tags,
        summary: 'Turn an inbox record into a lead to verify on the ground (routed like imported leads)',
        params: IdParams,
        body: LeadFromInboxBody,
        response: { 200: LeadFromInboxResult, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: app.requireRight('health.write'),
    },
    async (request) =>
      tx().execute((trx) =>
        service.turnIntoLead(
          trx,
          request.actor(),
          app.cipher,
          request.params.id,
          request.body ?? {},
          requestLocale(request),
        ),
      ),
  );

  app.get(
    '/api/health/risk-areas',
    {
      schema: {
        operationId: 'listRiskAreas',
        tags,
        summary: 'Risk areas from the imported and pushed lists; current=true for those in force now',
        querystring: RiskAreaQuery,
        response: { 200: RiskAreaList, ...errors(400, 401, 403) },
      },
      preHandler: app.requireRight('health.read'),
    },
    async (request) => ({ items: await service.listRiskAreas(app.db, request.actor(), request.query) }),
  );
};
