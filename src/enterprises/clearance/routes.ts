import { rm } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError, invalid } from '../../core/errors.js';
import { errors } from '../../core/schemas.js';
import { clientKey, PAGE_LIMITS, publicLimits, tokenOf } from '../../household-codes/public-limits.js';
import { TokenParams } from '../../household-codes/schema.js';
import { requestLocale } from '../../i18n/locale.js';
import type { EncodingOption } from '../../imports/encoding.js';
import { receiveUpload } from '../../imports/upload.js';
import { unitByToken } from '../links/service.js';
import {
  EmployeeApplicationBody,
  EmployeeApplicationResult,
  Roster,
  RosterQuery,
  RosterUploadParams,
  RosterUploadView,
  StaffRoster,
  UnitRosterParams,
} from './schema.js';
import * as clearance from './service.js';

/** An employee applying: a few tries per client, and a firm's worth per code. */
const APPLICATION_LIMITS = [
  { max: 10, key: clientKey },
  { max: 300, key: tokenOf },
];
/** Roster uploads: a handful a minute per code. */
const UPLOAD_LIMITS = [{ max: 6, key: tokenOf }];

function encodingOf(value: string | undefined): EncodingOption {
  const encoding = value?.trim() || 'auto';
  if (!['auto', 'utf-8', 'gbk'].includes(encoding))
    throw invalid('VALIDATION_FAILED', 'encoding must be auto, utf-8 or gbk', [
      {
        field: 'body.encoding',
        code: 'unknownWord',
        params: { value: encoding, allowed: 'auto, utf-8, gbk' },
        message: 'is not auto, utf-8 or gbk',
      },
    ]);
  return encoding as EncodingOption;
}

/** Employee clearance (复工人员审核): the enterprise's roster, employees' applications, staff's view. */
export const clearanceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['enterprises'];
  const security: Array<Record<string, string[]>> = [];
  const pageLimit = publicLimits(app, 'public-page', PAGE_LIMITS);
  const applyLimit = publicLimits(app, 'employee-apply', APPLICATION_LIMITS);
  const uploadLimit = publicLimits(app, 'roster-upload', UPLOAD_LIMITS);

  app.post(
    '/api/public/enterprises/:token/roster',
    {
      schema: {
        operationId: 'uploadRoster',
        tags,
        security,
        summary:
          'Upload the roster (XLSX/CSV, columns 姓名, 身份证号, 手机号; fields: file, encoding, sheet): replaces the earlier roster, rejects per row',
        consumes: ['multipart/form-data'],
        params: TokenParams,
        response: { 201: RosterUploadView, ...errors(400, 404, 413, 429) },
      },
      onRequest: uploadLimit,
    },
    async (request, reply) => {
      const unit = await unitByToken(app.db, 'enterprise', request.params.token);
      const upload = await receiveUpload(request, 'roster-');
      try {
        if (upload.size > clearance.MAX_ROSTER_BYTES)
          throw new AppError('PAYLOAD_TOO_LARGE', 413, 'A roster file may hold at most 5 MB');
        const encoding = encodingOf(upload.fields.encoding);
        const view = await app.db.transaction().execute((trx) =>
          clearance.uploadRoster(
            trx,
            app.cipher,
            unit,
            {
              file: { path: upload.file, fileName: upload.fileName, scratchDir: upload.tempDir },
              fileName: upload.fileName,
              encoding,
              sheet: upload.fields.sheet?.trim() || undefined,
            },
            app.clock(),
            requestLocale(request),
          ),
        );
        return reply.status(201).send(view);
      } finally {
        await rm(upload.tempDir, { recursive: true, force: true });
      }
    },
  );

  app.get(
    '/api/public/enterprises/:token/roster',
    {
      schema: {
        operationId: 'getRoster',
        tags,
        security,
        summary:
          'The enterprise’s employees: masked identity, clearance status and what to do (no health details)',
        params: TokenParams,
        response: { 200: Roster, ...errors(400, 404, 429) },
      },
      onRequest: pageLimit,
    },
    async (request) => {
      const unit = await unitByToken(app.db, 'enterprise', request.params.token);
      return clearance.enterpriseRoster(app.db, unit, app.clock(), requestLocale(request));
    },
  );

  app.get(
    '/api/public/enterprises/:token/roster/uploads/:uploadId/rejects.xlsx',
    {
      schema: {
        operationId: 'downloadRosterRejects',
        tags,
        security,
        summary: 'The rejected rows of a roster upload as XLSX (row, column, code, problem)',
        params: RosterUploadParams,
        response: { ...errors(400, 404, 429) },
      },
      onRequest: pageLimit,
    },
    async (request, reply) => {
      const unit = await unitByToken(app.db, 'enterprise', request.params.token);
      const prepared = await clearance.uploadRejects(
        app.db,
        unit,
        request.params.uploadId,
        requestLocale(request),
      );
      const stream = new PassThrough();
      prepared.write(stream).catch((error: unknown) => {
        request.log.error({ err: error }, 'rejects file failed');
        stream.destroy(error as Error);
      });
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="roster-rejects-${prepared.uploadId}.xlsx"`)
        .header('cache-control', 'no-store')
        .send(stream);
    },
  );

  app.post(
    '/api/public/employee-codes/:token/applications',
    {
      schema: {
        operationId: 'applyAsEmployee',
        tags,
        security,
        summary:
          'An employee applies for clearance: matched to the register and cleared at once; answers the status and what to do only',
        params: TokenParams,
        body: EmployeeApplicationBody,
        response: { 200: EmployeeApplicationResult, ...errors(400, 404, 429) },
      },
      onRequest: applyLimit,
    },
    async (request) => {
      const unit = await unitByToken(app.db, 'employee_apply', request.params.token);
      return app.db
        .transaction()
        .execute((trx) => clearance.applyAsEmployee(trx, app.cipher, unit, request.body, app.clock()));
    },
  );

  app.get(
    '/api/enterprises/:unitId/roster',
    {
      schema: {
        operationId: 'getEnterpriseRoster',
        tags,
        summary:
          'An enterprise’s employees and their clearance (enterprise.read); with reasons=true and health.read, the health reasons too (audited)',
        params: UnitRosterParams,
        querystring: RosterQuery,
        response: { 200: StaffRoster, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('enterprise.read'),
    },
    async (request) =>
      app.db
        .transaction()
        .execute((trx) =>
          clearance.staffRoster(
            trx,
            request.actor(),
            request.params.unitId,
            request.query.reasons === true,
            requestLocale(request),
          ),
        ),
  );
};
