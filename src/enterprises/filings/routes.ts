import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors, IdParams } from '../../core/schemas.js';
import { DocumentBytes, PdfResponse, sendDocument, sendLetter } from './documents-http.js';
import {
  DocumentParams,
  EnterpriseFilingView,
  EnterpriseList,
  EnterpriseListQuery,
  FigureQuery,
  Filing,
  FilingDraftBody,
  FilingFigures,
  FilingReasonBody,
  ReturnFilingBody,
  SignCommitmentBody,
} from './schema.js';
import * as filings from './service.js';

/** Staff: enterprises of their area with their filings; file on an enterprise's behalf; decide. */
export const filingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['enterprises'];
  const read = app.requireRight('enterprise.read');
  const manage = app.requireRight('enterprise.manage');
  const tx = () => app.db.transaction();

  app.get(
    '/api/enterprises',
    {
      schema: {
        operationId: 'listEnterprises',
        tags,
        summary:
          'Enterprises in your area with their return-to-work filing: overdue first, then waiting for a decision; filter by area, state (or none), overdue, name',
        querystring: EnterpriseListQuery,
        response: { 200: EnterpriseList, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => filings.listEnterprises(app.db, request.actor(), request.query),
  );

  app.get(
    '/api/enterprises/figures',
    {
      schema: {
        operationId: 'getFilingFigures',
        tags,
        summary:
          'Return-to-work figures of your area or one area of it: filed, by state (approved = back at work), overdue',
        querystring: FigureQuery,
        response: { 200: FilingFigures, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => filings.figures(app.db, request.actor(), request.query.areaId),
  );

  app.get(
    '/api/enterprises/:id',
    {
      schema: {
        operationId: 'getEnterpriseFiling',
        tags,
        summary: 'An enterprise with its filing, steps and documents, and what you may do with it',
        params: IdParams,
        response: { 200: EnterpriseFilingView, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => filings.enterpriseView(app.db, request.actor(), request.params.id),
  );

  app.put(
    '/api/enterprises/:id/filing',
    {
      schema: {
        operationId: 'saveFilingOnBehalf',
        tags,
        summary: 'Start or change an enterprise’s filing on its behalf (draft or returned)',
        params: IdParams,
        body: FilingDraftBody,
        response: { 200: EnterpriseFilingView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request) =>
      tx().execute((trx) => filings.saveDraftFor(trx, request.actor(), request.params.id, request.body)),
  );

  app.post(
    '/api/enterprises/:id/filing/sign',
    {
      schema: {
        operationId: 'signFilingOnBehalf',
        tags,
        summary: 'Record the legal person’s signature of the commitment letter on the enterprise’s behalf',
        params: IdParams,
        body: SignCommitmentBody,
        response: { 200: EnterpriseFilingView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request) =>
      tx().execute((trx) =>
        filings.signFor(trx, request.actor(), request.params.id, request.body.signerName),
      ),
  );

  app.post(
    '/api/enterprises/:id/filing/submit',
    {
      schema: {
        operationId: 'submitFilingOnBehalf',
        tags,
        summary: 'Submit the enterprise’s complete, signed filing on its behalf',
        params: IdParams,
        response: { 200: EnterpriseFilingView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request) =>
      tx().execute((trx) =>
        filings.submitFor(trx, request.actor(), request.params.id, app.config.filingDecideDays),
      ),
  );

  app.get(
    '/api/filings/:id',
    {
      schema: {
        operationId: 'getFiling',
        tags,
        summary: 'A filing with its steps and documents',
        params: IdParams,
        response: { 200: Filing, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => filings.filingView(app.db, request.actor(), request.params.id),
  );

  app.post(
    '/api/filings/:id/approve',
    {
      schema: {
        operationId: 'approveFiling',
        tags,
        summary: 'Approve the return to work (after a passed inspection, or again after a suspension)',
        params: IdParams,
        body: FilingReasonBody,
        response: { 200: Filing, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request) =>
      tx().execute((trx) =>
        filings.decide(trx, request.actor(), request.params.id, 'approve', request.body.reason),
      ),
  );

  app.post(
    '/api/filings/:id/return',
    {
      schema: {
        operationId: 'returnFiling',
        tags,
        summary: 'Return the filing to the enterprise with the reasons it must put right',
        params: IdParams,
        body: ReturnFilingBody,
        response: { 200: Filing, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request) =>
      tx().execute((trx) =>
        filings.decide(trx, request.actor(), request.params.id, 'return', request.body.reason),
      ),
  );

  app.post(
    '/api/filings/:id/suspend',
    {
      schema: {
        operationId: 'suspendFiling',
        tags,
        summary: 'Suspend an approved enterprise’s return to work, with the reason',
        params: IdParams,
        body: ReturnFilingBody,
        response: { 200: Filing, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request) =>
      tx().execute((trx) =>
        filings.decide(trx, request.actor(), request.params.id, 'suspend', request.body.reason),
      ),
  );

  app.get(
    '/api/filings/:id/documents/:documentId',
    {
      schema: {
        operationId: 'getFilingDocument',
        tags,
        summary: 'One document of a filing',
        params: DocumentParams,
        response: { 200: DocumentBytes, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request, reply) =>
      sendDocument(
        reply,
        await filings.staffDocument(app.db, request.actor(), request.params.id, request.params.documentId),
      ),
  );

  app.get(
    '/api/filings/:id/commitment.pdf',
    {
      schema: {
        operationId: 'downloadCommitmentLetter',
        tags,
        summary: 'The signed commitment letter as an A4 PDF (the download is audited)',
        params: IdParams,
        produces: ['application/pdf'],
        response: { 200: PdfResponse, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: read,
    },
    async (request, reply) =>
      sendLetter(
        reply,
        await tx().execute((trx) => filings.staffCommitmentLetter(trx, request.actor(), request.params.id)),
        request.params.id,
      ),
  );
};
