import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, IdParams } from '../core/schemas.js';
import { PUBLIC_BODY_LIMIT } from '../household-codes/public-routes.js';
import {
  HOUSEHOLD_FORM_LIMITS,
  PAGE_LIMITS,
  PLACE_SCAN_LIMITS,
  publicLimits,
} from '../household-codes/public-limits.js';
import { TokenParams } from '../household-codes/schema.js';
import {
  GatePublicPage,
  GateVisitBody,
  GateVisitPage,
  GateVisitQuery,
  GateVisitReceipt,
  PassApplicationBody,
  PassApplicationReceipt,
  PassApproveBody,
  PassIssueBody,
  PassKeyRotation,
  PassPage,
  PassQrQuery,
  PassQuery,
  PassReasonBody,
  PassVerificationMaterial,
  PassVerificationQuery,
  PassView,
} from './pass-schema.js';
import * as service from './pass-service.js';

const QrImage = Type.Unsafe<Buffer | string>({
  type: 'string',
  format: 'binary',
  description: 'The pass QR code as SVG or PNG',
});

/** Passes (通行证): staff issue, approve, revoke and print; gate phones sync what verifies them offline. */
export const passRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const issue = app.requireRight('pass.issue');
  const tags = ['passes'];
  const tx = app.db.transaction.bind(app.db);
  const maxDays = app.config.passMaxDays;

  app.post(
    '/api/passes',
    {
      schema: {
        operationId: 'issuePass',
        tags,
        summary: `Issue a pass to a registered person in your area (at most ${maxDays} days); active at once, with its signed QR text`,
        body: PassIssueBody,
        response: { 201: PassView, ...errors(400, 401, 403, 404) },
      },
      preHandler: issue,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await tx().execute((trx) =>
            service.issuePass(trx, request.actor(), app.cipher, request.body, maxDays),
          ),
        ),
  );

  app.get(
    '/api/passes',
    {
      schema: {
        operationId: 'listPasses',
        tags,
        summary: 'Passes in scope, newest first (holder masked); status expired = active but past its end',
        querystring: PassQuery,
        response: { 200: PassPage, ...errors(400, 401, 403) },
      },
      preHandler: issue,
    },
    async (request) => service.listPasses(app.db, request.actor(), request.query),
  );

  app.get(
    '/api/passes/verification',
    {
      schema: {
        operationId: 'getPassVerification',
        tags,
        summary:
          'What a gate phone keeps to verify passes offline: public keys, the checkpoints you staff and the revoked passes you may meet there or checking in your subtree (since = incremental)',
        querystring: PassVerificationQuery,
        response: { 200: PassVerificationMaterial, ...errors(400, 401, 403) },
      },
      // The gate's rule (checkpoint.check in the subtree, or the checkpoint's team) is applied in the query.
      preHandler: app.requireUser,
    },
    async (request) =>
      tx().execute((trx) => service.verificationMaterial(trx, request.actor(), request.query.since)),
  );

  app.post(
    '/api/passes/signing-keys/rotate',
    {
      schema: {
        operationId: 'rotatePassSigningKey',
        tags,
        summary:
          'Retire the active pass signing key and make a new one (administrators); the old public key stays published while its passes may be valid',
        response: { 200: PassKeyRotation, ...errors(401, 403) },
      },
      preHandler: app.requireRight('token.manage'),
    },
    async (request) => tx().execute((trx) => service.rotatePassKey(trx, request.actor(), app.cipher)),
  );

  app.get(
    '/api/passes/:id',
    {
      schema: {
        operationId: 'getPass',
        tags,
        summary: 'One pass (holder masked)',
        params: IdParams,
        response: { 200: PassView, ...errors(400, 401, 403, 404) },
      },
      preHandler: issue,
    },
    async (request) => service.getPass(app.db, request.actor(), request.params.id),
  );

  app.get(
    '/api/passes/:id/qr',
    {
      schema: {
        operationId: 'getPassQr',
        tags,
        summary: 'The QR code of an active pass for printing (SVG or PNG); every print is audited',
        params: IdParams,
        querystring: PassQrQuery,
        produces: ['image/svg+xml', 'image/png'],
        response: { 200: QrImage, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: issue,
    },
    async (request, reply) => {
      const image = await tx().execute((trx) =>
        service.passQr(trx, request.actor(), app.cipher, request.params.id, request.query.format ?? 'svg'),
      );
      return reply
        .header('content-type', image.contentType)
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(image.body);
    },
  );

  app.post(
    '/api/passes/:id/approve',
    {
      schema: {
        operationId: 'approvePass',
        tags,
        summary: 'Approve a resident’s application: active and signed',
        params: IdParams,
        body: PassApproveBody,
        response: { 200: PassView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: issue,
    },
    async (request) =>
      tx().execute((trx) =>
        service.approvePass(trx, request.actor(), app.cipher, request.params.id, request.body, maxDays),
      ),
  );

  app.post(
    '/api/passes/:id/reject',
    {
      schema: {
        operationId: 'rejectPass',
        tags,
        summary: 'Reject a resident’s application, with the reason',
        params: IdParams,
        body: PassReasonBody,
        response: { 200: PassView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: issue,
    },
    async (request) =>
      tx().execute((trx) => service.rejectPass(trx, request.actor(), request.params.id, request.body)),
  );

  app.post(
    '/api/passes/:id/revoke',
    {
      schema: {
        operationId: 'revokePass',
        tags,
        summary: 'Revoke an active pass, with the reason; gate phones refuse it after their next sync',
        params: IdParams,
        body: PassReasonBody,
        response: { 200: PassView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: issue,
    },
    async (request) =>
      tx().execute((trx) => service.revokePass(trx, request.actor(), request.params.id, request.body)),
  );

  // The door code's counters, shared with its arrival and departure forms.
  const householdLimit = publicLimits(app, 'household', HOUSEHOLD_FORM_LIMITS);
  app.post(
    '/api/public/households/:token/passes',
    {
      schema: {
        operationId: 'applyForPass',
        tags: ['public forms'],
        security: [],
        summary:
          'Apply for a pass from the door page: ID number and name of a registered member of this household; lands pending for the grid worker',
        params: TokenParams,
        body: PassApplicationBody,
        response: { 202: PassApplicationReceipt, ...errors(400, 404, 413, 429) },
      },
      bodyLimit: PUBLIC_BODY_LIMIT,
      onRequest: householdLimit,
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(
          await tx().execute((trx) =>
            service.applyForPass(trx, app.cipher, app.clock(), request.params.token, request.body, maxDays),
          ),
        ),
  );

  app.get(
    '/api/gate-visits',
    {
      schema: {
        operationId: 'listGateVisits',
        tags,
        summary:
          'Visitors registered at a residents-only checkpoint through its place code (masked), newest first',
        querystring: GateVisitQuery,
        response: { 200: GateVisitPage, ...errors(400, 401, 403) },
      },
      preHandler: app.requireUser,
    },
    async (request) => service.listGateVisits(app.db, request.actor(), request.query),
  );

  const gatePageLimit = publicLimits(app, 'place-page', PAGE_LIMITS);
  // Shares the place scan's counters: a visitor form is a place scan with two more answers.
  const visitLimit = publicLimits(app, 'place-scan', PLACE_SCAN_LIMITS);
  app.get(
    '/api/public/places/:token/gate',
    {
      schema: {
        operationId: 'getPublicGate',
        tags: ['public forms'],
        security: [],
        summary:
          'Whether a place code is the visitor code of a residents-only checkpoint, and the houses of its area to name the host',
        params: TokenParams,
        response: { 200: GatePublicPage, ...errors(400, 404, 429) },
      },
      onRequest: gatePageLimit,
    },
    async (request) => service.gatePage(app.db, request.params.token),
  );

  app.post(
    '/api/public/places/:token/visits',
    {
      schema: {
        operationId: 'registerGateVisit',
        tags: ['public forms'],
        security: [],
        summary:
          'A visitor at a residents-only gate: document number or phone, the host household and the purpose; kept like a place scan',
        params: TokenParams,
        body: GateVisitBody,
        response: { 201: GateVisitReceipt, ...errors(400, 404, 413, 429) },
      },
      bodyLimit: PUBLIC_BODY_LIMIT,
      onRequest: visitLimit,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await tx().execute((trx) =>
            service.recordGateVisit(trx, app.cipher, app.clock(), request.params.token, request.body),
          ),
        ),
  );
};
