import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { errors, IdParams } from '../core/schemas.js';
import * as codes from './code-service.js';
import { renderDoorLabels } from './labels.js';
import * as pending from './pending-service.js';
import { resolveScannedCode } from './scan-service.js';
import { publicRoutes } from './public-routes.js';
import {
  BulkIssueBody,
  BulkIssueResult,
  CodePage,
  CodeQuery,
  CodeView,
  ConfirmBody,
  ConfirmResult,
  PendingChangePage,
  PendingChangeView,
  PendingQuery,
  RejectBody,
  RevokeCodeBody,
  ScannedHouse,
  ScanQuery,
} from './schema.js';

/** How many houses of a printed sheet were left off because they have no door code yet. */
export const NOT_ISSUED_HEADER = 'x-door-codes-not-issued';

const PdfResponse = Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'A4 PDF' });

/** Household codes (一户一码), self-report codes and the pending-change task list; public forms in public-routes.ts. */
export const householdCodeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const read = app.requireRight('person.read');
  const write = app.requireRight('person.write');
  const tags = ['household codes'];
  const tx = app.db.transaction.bind(app.db);

  app.post(
    '/api/houses/:id/household-code',
    {
      schema: {
        operationId: 'issueHouseholdCode',
        tags,
        summary: 'Issue the house’s door code (一户一码); re-issuing revokes the old one at once',
        params: IdParams,
        response: { 201: CodeView, ...errors(401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request, reply) => {
      const view = await tx().execute((trx) =>
        codes.issueHouseholdCode(trx, request.actor(), app.cipher, request.params.id, app.config.publicUrl),
      );
      return reply.status(201).send(view);
    },
  );

  app.post(
    '/api/areas/:id/household-codes',
    {
      schema: {
        operationId: 'issueAreaHouseholdCodes',
        tags,
        summary:
          'Issue door codes for every house of an area in one call (houses without a usable one, or all with reissue); print them with GET door-labels.pdf',
        params: IdParams,
        body: BulkIssueBody,
        response: { 200: BulkIssueResult, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request) =>
      tx().execute((trx) =>
        codes.issueHouseholdCodesForArea(
          trx,
          request.actor(),
          app.cipher,
          request.params.id,
          request.body.reissue ?? false,
        ),
      ),
  );

  /** Reprints the codes that exist (issues none: this is a GET) and answers the sheet as a PDF download. */
  async function sendDoorLabels(
    request: FastifyRequest,
    reply: FastifyReply,
    target: Parameters<typeof codes.doorLabels>[3],
    fileName: (sheet: Awaited<ReturnType<typeof codes.doorLabels>>) => string,
  ) {
    const sheet = await tx().execute((trx) =>
      codes.doorLabels(trx, request.actor(), app.cipher, target, app.config.publicUrl),
    );
    const pdf = await renderDoorLabels(sheet.labels, sheet.name);
    return reply
      .type('application/pdf')
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${fileName(sheet)}"`)
      .header(NOT_ISSUED_HEADER, String(sheet.notIssued))
      .send(pdf);
  }

  app.get(
    '/api/areas/:id/door-labels.pdf',
    {
      schema: {
        operationId: 'downloadAreaDoorLabels',
        tags,
        summary:
          'A4 sheet of door labels (QR, address, instruction; 2 × 4 per page) reprinting the codes the houses of an area have; issues none (houses without a code are left off and counted in the x-door-codes-not-issued header; 409 DOOR_CODES_NOT_ISSUED when none has one)',
        params: IdParams,
        produces: ['application/pdf'],
        response: { 200: PdfResponse, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request, reply) =>
      sendDoorLabels(
        request,
        reply,
        { areaId: request.params.id },
        (sheet) => `door-labels-${sheet.code}.pdf`,
      ),
  );

  app.get(
    '/api/houses/:id/door-label.pdf',
    {
      schema: {
        operationId: 'downloadHouseDoorLabel',
        tags,
        summary:
          'The door label of one house, reprinting its code (409 DOOR_CODES_NOT_ISSUED when it has none)',
        params: IdParams,
        produces: ['application/pdf'],
        response: { 200: PdfResponse, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request, reply) =>
      sendDoorLabels(
        request,
        reply,
        { houseId: request.params.id },
        () => `door-label-${request.params.id}.pdf`,
      ),
  );

  app.post(
    '/api/areas/:id/self-report-code',
    {
      schema: {
        operationId: 'issueSelfReportCode',
        tags,
        summary: 'Issue the community’s self-report code (自主报备码); the area must be a village/community',
        params: IdParams,
        response: { 201: CodeView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request, reply) => {
      const view = await tx().execute((trx) =>
        codes.issueSelfReportCode(trx, request.actor(), app.cipher, request.params.id, app.config.publicUrl),
      );
      return reply.status(201).send(view);
    },
  );

  app.get(
    '/api/household-codes/resolve',
    {
      schema: {
        operationId: 'resolveHouseholdCode',
        tags,
        summary:
          'The house a door code scanned by a worker opens: 400 CODE_NOT_HOUSEHOLD for other text or codes, 404 CODE_NOT_FOUND for unknown or revoked codes, 403 HOUSE_OUT_OF_SCOPE (nothing about the house) outside the caller’s area',
        querystring: ScanQuery,
        response: { 200: ScannedHouse, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return resolveScannedCode(app.db, request.actor(), request.query.code);
    },
  );

  app.get(
    '/api/codes',
    {
      schema: {
        operationId: 'listCodes',
        tags,
        summary: 'Household, self-report and place codes in scope (no tokens: print labels to see them)',
        querystring: CodeQuery,
        response: { 200: CodePage, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => codes.listAccessCodes(app.db, request.actor(), request.query),
  );

  app.post(
    '/api/codes/:id/revoke',
    {
      schema: {
        operationId: 'revokeCode',
        tags,
        summary: 'Revoke a code: scans of it answer 404 from now on',
        params: IdParams,
        body: RevokeCodeBody,
        response: { 200: CodeView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request) =>
      tx().execute((trx) =>
        codes.revokeAccessCode(trx, request.actor(), request.params.id, request.body.reason ?? null),
      ),
  );

  const pendingTags = ['pending changes'];
  app.get(
    '/api/pending-changes',
    {
      schema: {
        operationId: 'listPendingChanges',
        tags: pendingTags,
        summary:
          'Arrivals, departures and self-reports submitted by code, for the grid worker to confirm (task list)',
        querystring: PendingQuery,
        response: { 200: PendingChangePage, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => pending.listPendingChanges(app.db, request.actor(), app.cipher, request.query),
  );

  app.get(
    '/api/pending-changes/:id',
    {
      schema: {
        operationId: 'getPendingChange',
        tags: pendingTags,
        summary: 'One pending change',
        params: IdParams,
        response: { 200: PendingChangeView, ...errors(401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => pending.getPendingChange(app.db, request.actor(), app.cipher, request.params.id),
  );

  app.post(
    '/api/pending-changes/:id/confirm',
    {
      schema: {
        operationId: 'confirmPendingChange',
        tags: pendingTags,
        summary:
          'Confirm: an arrival registers the person into the house, a departure de-registers the matching resident, a self-report registers into houseId/areaId',
        params: IdParams,
        body: ConfirmBody,
        response: { 200: ConfirmResult, ...errors(400, 401, 403, 404, 409) },
      },
      // Arrivals and departures need no body at all.
      preValidation: async (request) => {
        request.body ??= {};
      },
      preHandler: write,
    },
    async (request) =>
      tx().execute((trx) =>
        pending.confirmPendingChange(trx, request.actor(), app.cipher, request.params.id, request.body),
      ),
  );

  app.post(
    '/api/pending-changes/:id/reject',
    {
      schema: {
        operationId: 'rejectPendingChange',
        tags: pendingTags,
        summary: 'Reject a pending change with a reason (kept for the record; the register is not touched)',
        params: IdParams,
        body: RejectBody,
        response: { 200: PendingChangeView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request) =>
      tx().execute((trx) =>
        pending.rejectPendingChange(trx, request.actor(), app.cipher, request.params.id, request.body.reason),
      ),
  );

  await app.register(publicRoutes);
};
