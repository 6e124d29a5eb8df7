import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { errors, IdParams } from '../../core/schemas.js';
import { HOUSEHOLD_FORM_LIMITS, PAGE_LIMITS, publicLimits } from '../../household-codes/public-limits.js';
import { TokenParams } from '../../household-codes/schema.js';
import { requestLocale } from '../../i18n/locale.js';
import {
  Certificate,
  CertificateFigures,
  CertificateList,
  Commitment,
  CommitmentList,
  CommitmentReceipt,
  DeskCommitmentBody,
  DoorCommitmentBody,
  DoorCommitmentPage,
  FiguresQuery,
  IssueBody,
  ListQuery,
  PublicCertificate,
  RevokeBody,
} from './schema.js';
import * as service from './service.js';

const PdfResponse = Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'A4 PDF' });
/** A signature is a slot and a name; anything bigger is not one. */
const DOOR_BODY_LIMIT = 1024;

/**
 * Return to work (复工复产): personal commitment letters signed at the door page or the desk, and
 * numbered health and residence certificates with a public check behind their QR code.
 */
export const certificateRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['return to work: commitments and certificates'];
  const tx = app.db.transaction.bind(app.db);
  // The door code's forms share one counter per client and one per code; public pages one per client.
  const householdLimit = publicLimits(app, 'household', HOUSEHOLD_FORM_LIMITS);
  const pageLimit = publicLimits(app, 'public-page', PAGE_LIMITS);
  const read = app.requireRight('person.read');
  const write = app.requireRight('person.write');
  const pdf = (reply: FastifyReply, file: { pdf: Buffer; fileName: string }) =>
    reply
      .type('application/pdf')
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${file.fileName}"`)
      .send(file.pdf);

  app.get(
    '/api/public/households/:token/commitment',
    {
      schema: {
        operationId: 'getDoorCommitment',
        tags,
        security: [],
        summary:
          'The door page’s commitment letter (复工承诺书) and the members numbered with their last signature, never named',
        params: TokenParams,
        response: { 200: DoorCommitmentPage, ...errors(400, 404, 429) },
      },
      onRequest: pageLimit,
    },
    async (request) => service.doorCommitmentPage(app.db, request.params.token, requestLocale(request)),
  );

  app.post(
    '/api/public/households/:token/commitments',
    {
      schema: {
        operationId: 'signDoorCommitment',
        tags,
        security: [],
        summary:
          'A household member signs the commitment letter: their number on the page and their registered name typed in full (400 COMMITMENT_NAME_MISMATCH otherwise)',
        params: TokenParams,
        body: DoorCommitmentBody,
        response: { 200: CommitmentReceipt, ...errors(400, 404, 413, 429) },
      },
      bodyLimit: DOOR_BODY_LIMIT,
      onRequest: householdLimit,
    },
    async (request) =>
      tx().execute((trx) =>
        service.signAtDoor(trx, app.clock(), request.ip, request.params.token, request.body),
      ),
  );

  app.post(
    '/api/commitments',
    {
      schema: {
        operationId: 'signDeskCommitment',
        tags,
        summary:
          'Record a commitment letter signed at the desk (窗口) by a person of your area; the name typed must be the registered one (audited)',
        body: DeskCommitmentBody,
        response: { 200: Commitment, ...errors(400, 401, 403, 404) },
      },
      preHandler: write,
    },
    async (request) => tx().execute((trx) => service.signAtDesk(trx, request.actor(), request.body)),
  );

  app.get(
    '/api/commitments',
    {
      schema: {
        operationId: 'listCommitments',
        tags,
        summary: 'Signed commitment letters of your area, newest first (names masked; at most 200)',
        querystring: ListQuery,
        response: { 200: CommitmentList, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.listCommitments(app.db, request.actor(), request.query),
  );

  app.get(
    '/api/commitments/:id/pdf',
    {
      schema: {
        operationId: 'downloadCommitmentPdf',
        tags,
        summary: 'The signed letter as a PDF: text as signed, name, masked ID number, date (audited)',
        params: IdParams,
        produces: ['application/pdf'],
        response: { 200: PdfResponse, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request, reply) =>
      pdf(reply, await tx().execute((trx) => service.commitmentPdf(trx, request.actor(), request.params.id))),
  );

  app.post(
    '/api/certificates',
    {
      schema: {
        operationId: 'issueCertificate',
        tags,
        summary:
          'Issue a numbered health (健康证明: only when the health status is green, else 409 CERTIFICATE_HEALTH_NOT_CLEAR with the reasons) or residence certificate (居住证明) for a person of your area (audited)',
        body: IssueBody,
        response: { 200: Certificate, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request) =>
      tx().execute((trx) => service.issueCertificate(trx, request.actor(), app.cipher, request.body)),
  );

  app.get(
    '/api/certificates',
    {
      schema: {
        operationId: 'listCertificates',
        tags,
        summary: 'Certificates of your area, newest first, with their state (names masked; at most 200)',
        querystring: ListQuery,
        response: { 200: CertificateList, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.listCertificates(app.db, request.actor(), request.query),
  );

  app.get(
    '/api/certificates/figures',
    {
      schema: {
        operationId: 'getCertificateFigures',
        tags,
        summary:
          'Per child area: persons who signed a commitment letter, certificates issued by kind (revoked not counted)',
        querystring: FiguresQuery,
        response: { 200: CertificateFigures, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.figures(app.db, request.actor(), request.query),
  );

  app.post(
    '/api/certificates/:id/revoke',
    {
      schema: {
        operationId: 'revokeCertificate',
        tags,
        summary: 'Revoke a certificate with a reason; its public check then says revoked (audited)',
        params: IdParams,
        body: RevokeBody,
        response: { 200: Certificate, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request) =>
      tx().execute((trx) => service.revokeCertificate(trx, request.actor(), request.params.id, request.body)),
  );

  app.get(
    '/api/certificates/:id/pdf',
    {
      schema: {
        operationId: 'downloadCertificatePdf',
        tags,
        summary: 'The certificate as a PDF with its number and the QR code to its public check (audited)',
        params: IdParams,
        produces: ['application/pdf'],
        response: { 200: PdfResponse, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request, reply) =>
      pdf(
        reply,
        await tx().execute((trx) =>
          service.certificatePdf(trx, request.actor(), app.cipher, request.params.id, app.config.publicUrl),
        ),
      ),
  );

  app.get(
    '/api/public/certificates/:token',
    {
      schema: {
        operationId: 'verifyCertificate',
        tags,
        security: [],
        summary:
          'The public check behind a certificate’s QR code: valid, expired or revoked, kind, number, issuer, dates and the masked name — nothing else',
        params: TokenParams,
        response: { 200: PublicCertificate, ...errors(400, 404, 429) },
      },
      onRequest: pageLimit,
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return service.publicCertificate(app.db, app.clock(), request.params.token);
    },
  );
};
