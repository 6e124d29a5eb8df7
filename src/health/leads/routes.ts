import { rm } from 'node:fs/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors, IdParams } from '../../core/schemas.js';
import { receiveUpload } from '../../imports/upload.js';
import { importLeadFile } from './import.js';
import {
  LeadBatchBody,
  LeadBatchResult,
  LeadDetail,
  LeadImportQuery,
  LeadImportReport,
  LeadPage,
  LeadProgress,
  LeadQuery,
  LeadRevealResponse,
  ProgressQuery,
  RevealBody,
  RouteBody,
  VerifyBody,
  VerifyResult,
} from './schema.js';
import * as service from './service.js';
import { requestLocale } from '../../i18n/locale.js';
import { localizeRejects } from '../../imports/report.js';
import { IdempotencyHeaders, inTransaction } from '../../auth/idempotency.js';

/** Lead verification (大数据线索核查): import, routing, verification, progress (escalation is a job: src/jobs.ts). */
export const leadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['leads'];
  const read = app.requireRight('health.read');
  const write = app.requireRight('health.write');
  const manage = app.requireRight('health.manage');
  const tx = app.db.transaction.bind(app.db);

  app.post(
    '/api/leads',
    {
      schema: {
        operationId: 'createLead',
        tags,
        summary:
          'Submit a batch of leads (ID number and/or phone and/or name + address, reason, deadline); each is routed to its grid or the community inbox',
        body: LeadBatchBody,
        response: { 201: LeadBatchResult, ...errors(400, 401, 403, 404) },
      },
      preHandler: manage,
    },
    async (request, reply) => {
      const result = await tx().execute((trx) =>
        service.createLeads(trx, request.actor(), app.cipher, request.body),
      );
      return reply
        .status(201)
        .send({ ...result, rejected: localizeRejects(requestLocale(request), result.rejected) });
    },
  );

  app.post(
    '/api/leads/import',
    {
      schema: {
        operationId: 'importLeads',
        tags,
        summary:
          'Import a lead list (XLSX/CSV, multipart field "file"): columns 身份证号, 手机号, 姓名, 地址, 核查事由, 核查时限; per-row rejects',
        consumes: ['multipart/form-data'],
        querystring: LeadImportQuery,
        response: { 200: LeadImportReport, ...errors(400, 401, 403, 404, 413) },
      },
      preHandler: manage,
    },
    async (request) => {
      // Staged privately under the data directory (lead lists hold ID numbers and phones).
      const upload = await receiveUpload(request, 'leads-');
      try {
        const result = await importLeadFile(app.db, request.actor(), app.cipher, {
          source: { path: upload.file, fileName: upload.fileName, scratchDir: upload.tempDir },
          areaId: request.query.areaId,
          batchReference: request.query.batch,
          sheet: request.query.sheet,
          encoding: request.query.encoding,
        });
        return {
          ...result.report,
          rejected: localizeRejects(requestLocale(request), result.report.rejected),
        };
      } finally {
        await rm(upload.tempDir, { recursive: true, force: true });
      }
    },
  );

  app.get(
    '/api/leads',
    {
      schema: {
        operationId: 'listLeads',
        tags,
        summary:
          'Leads in scope, open and most urgent first (filter by area, status, tier, overdue, batch; mine=true: waiting for me)',
        querystring: LeadQuery,
        response: { 200: LeadPage, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.listLeads(app.db, request.actor(), request.query),
  );

  app.get(
    '/api/leads/progress',
    {
      schema: {
        operationId: 'getLeadProgress',
        tags,
        summary:
          'Lead progress per child area of a node: total, verified, open, overdue, left to zero (清零)',
        querystring: ProgressQuery,
        response: { 200: LeadProgress, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.leadProgress(request.readDb(), request.actor(), request.query),
  );

  app.get(
    '/api/leads/:id',
    {
      schema: {
        operationId: 'getLead',
        tags,
        summary: 'A lead with its history (created, routed, escalated, verified) and who holds it now',
        params: IdParams,
        response: { 200: LeadDetail, ...errors(401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.getLead(app.db, request.actor(), request.params.id),
  );

  app.post(
    '/api/leads/:id/verify',
    {
      schema: {
        operationId: 'verifyLead',
        tags,
        summary:
          'Record the verification: outcome (found_here/moved/not_found/wrong_data) and measures; optionally link the person and start key-person management',
        params: IdParams,
        body: VerifyBody,
        headers: IdempotencyHeaders,
        response: { 200: VerifyResult, ...errors(400, 401, 403, 404, 409, 422) },
      },
      preHandler: write,
    },
    async (request, reply) =>
      inTransaction(request, reply, (trx) =>
        service.verifyLead(trx, request.actor(), request.params.id, request.body),
      ),
  );

  app.post(
    '/api/leads/:id/route',
    {
      schema: {
        operationId: 'routeLead',
        tags,
        summary: 'Route an open lead by hand (from the community inbox) to a grid, micro-grid or row cell',
        params: IdParams,
        body: RouteBody,
        response: { 200: LeadDetail, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request) =>
      tx().execute((trx) => service.routeLead(trx, request.actor(), request.params.id, request.body)),
  );

  app.post(
    '/api/leads/:id/reveal',
    {
      schema: {
        operationId: 'revealLead',
        tags,
        summary: 'Show the identity the lead was received with, unmasked (audit-logged with the reason)',
        params: IdParams,
        body: RevealBody,
        response: { 200: LeadRevealResponse, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('person.reveal'),
    },
    async (request, reply) => {
      const identity = await tx().execute((trx) =>
        service.revealLead(trx, request.actor(), app.cipher, request.params.id, request.body.reason),
      );
      reply.header('cache-control', 'no-store');
      return identity;
    },
  );
};
