import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Actor } from '../../auth/context.js';
import { errors, RequiredText } from '../../core/schemas.js';
import { checkForm } from '../../events/form.js';
import { prepareDocument } from '../../events/photos/documents.js';
import { readFormWithFiles } from '../../events/photos/multipart.js';
import {
  clientKey,
  type LimitRule,
  PAGE_LIMITS,
  publicLimits,
  tokenOf,
} from '../../household-codes/public-limits.js';
import { TokenParams } from '../../household-codes/schema.js';
import { DocumentBytes, PdfResponse, sendDocument, sendLetter } from './documents-http.js';
import { FilingDraftBody, PublicFiling, SignCommitmentBody, TokenDocumentParams } from './schema.js';
import * as filings from './service.js';

/** An enterprise fills its filing in many small saves (draft, uploads, signature): per client and per code. */
const FILING_FORM_LIMITS: readonly LimitRule[] = [
  { max: 60, key: clientKey },
  { max: 60, key: tokenOf },
];

const DocumentFields = Type.Object({ title: RequiredText(100) }, { additionalProperties: false });

/**
 * The enterprise's own filing through its code (/c/<token>), without an account. Every route
 * resolves the code first and reaches only that code's unit; it never shows staff names.
 */
export const publicFilingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['enterprises'];
  const security: Array<Record<string, string[]>> = [];
  const pageLimit = publicLimits(app, 'public-page', PAGE_LIMITS);
  const formLimit = publicLimits(app, 'enterprise-filing-form', FILING_FORM_LIMITS);
  const actor = (request: FastifyRequest): Actor => ({
    viewer: filings.ENTERPRISE_VIEWER,
    ip: request.ip,
    now: app.clock,
  });
  const tx = () => app.db.transaction();

  app.get(
    '/api/public/enterprises/:token/filing',
    {
      schema: {
        operationId: 'getPublicFiling',
        tags,
        security,
        summary:
          'The enterprise’s return-to-work filing (or null before one is started) and the commitment letter it signs',
        params: TokenParams,
        response: { 200: PublicFiling, ...errors(400, 404, 429) },
      },
      onRequest: pageLimit,
    },
    async (request) => filings.publicFiling(app.db, request.params.token),
  );

  app.put(
    '/api/public/enterprises/:token/filing',
    {
      schema: {
        operationId: 'savePublicFiling',
        tags,
        security,
        summary:
          'Start or change the filing (planned date, headcount, supplies, plan) while it is a draft or returned; a change takes the signature away',
        params: TokenParams,
        body: FilingDraftBody,
        response: { 200: PublicFiling, ...errors(400, 404, 409, 429) },
      },
      onRequest: formLimit,
    },
    async (request) =>
      tx().execute((trx) => filings.saveOwnDraft(trx, actor(request), request.params.token, request.body)),
  );

  app.post(
    '/api/public/enterprises/:token/filing/sign',
    {
      schema: {
        operationId: 'signPublicFiling',
        tags,
        security,
        summary:
          'The legal person signs the commitment letter by typing their name (equal to the register’s legal person when it names one)',
        params: TokenParams,
        body: SignCommitmentBody,
        response: { 200: PublicFiling, ...errors(400, 404, 409, 429) },
      },
      onRequest: formLimit,
    },
    async (request) =>
      tx().execute((trx) =>
        filings.signOwn(trx, actor(request), request.params.token, request.body.signerName),
      ),
  );

  app.post(
    '/api/public/enterprises/:token/filing/submit',
    {
      schema: {
        operationId: 'submitPublicFiling',
        tags,
        security,
        summary:
          'Submit the complete, signed filing (400 FILING_INCOMPLETE naming what is missing; 409 FILING_STATE_CONFLICT when not a draft or returned)',
        params: TokenParams,
        response: { 200: PublicFiling, ...errors(400, 404, 409, 429) },
      },
      onRequest: formLimit,
    },
    async (request) =>
      tx().execute((trx) =>
        filings.submitOwn(trx, actor(request), request.params.token, app.config.filingDecideDays),
      ),
  );

  app.post(
    '/api/public/enterprises/:token/filing/documents',
    {
      schema: {
        operationId: 'uploadPublicFilingDocument',
        tags,
        security,
        summary: `Attach a document, multipart: field title, one file part "file" (PDF, JPEG, PNG or WebP, at most ${filings.MAX_DOCUMENT_BYTES} bytes); at most ${filings.MAX_FILING_DOCUMENTS} per filing`,
        params: TokenParams,
        consumes: ['multipart/form-data'],
        response: { 201: PublicFiling, ...errors(400, 404, 409, 413, 415, 429) },
      },
      onRequest: formLimit,
    },
    async (request, reply) => {
      const form = await readFormWithFiles(
        request,
        { maxPhotos: 1, maxPhotoBytes: filings.MAX_DOCUMENT_BYTES, maxFields: 2, maxFieldBytes: 1024 },
        prepareDocument,
      );
      const fields = checkForm(DocumentFields, form.fields);
      const view = await tx().execute((trx) =>
        filings.uploadOwnDocuments(
          trx,
          actor(request),
          request.params.token,
          fields.title.trim(),
          form.files,
        ),
      );
      return reply.status(201).send(view);
    },
  );

  app.get(
    '/api/public/enterprises/:token/filing/documents/:documentId',
    {
      schema: {
        operationId: 'getPublicFilingDocument',
        tags,
        security,
        summary: 'One document of the enterprise’s own filing',
        params: TokenDocumentParams,
        response: { 200: DocumentBytes, ...errors(400, 404, 429) },
      },
      onRequest: pageLimit,
    },
    async (request, reply) =>
      sendDocument(reply, await filings.ownDocument(app.db, request.params.token, request.params.documentId)),
  );

  app.delete(
    '/api/public/enterprises/:token/filing/documents/:documentId',
    {
      schema: {
        operationId: 'deletePublicFilingDocument',
        tags,
        security,
        summary: 'Remove a document while the filing is a draft or returned',
        params: TokenDocumentParams,
        response: { 200: PublicFiling, ...errors(400, 404, 409, 429) },
      },
      onRequest: formLimit,
    },
    async (request) =>
      tx().execute((trx) =>
        filings.deleteOwnDocument(trx, actor(request), request.params.token, request.params.documentId),
      ),
  );

  app.get(
    '/api/public/enterprises/:token/filing/commitment.pdf',
    {
      schema: {
        operationId: 'downloadPublicCommitmentLetter',
        tags,
        security,
        summary:
          'The signed commitment letter (复工复产承诺书) as an A4 PDF; 409 FILING_INCOMPLETE before signing',
        params: TokenParams,
        produces: ['application/pdf'],
        response: { 200: PdfResponse, ...errors(400, 404, 409, 429) },
      },
      onRequest: pageLimit,
    },
    async (request, reply) =>
      sendLetter(reply, await filings.ownCommitmentLetter(app.db, request.params.token), 'letter'),
  );
};
