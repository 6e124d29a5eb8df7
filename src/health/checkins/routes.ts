import { rm } from 'node:fs/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IDEMPOTENCY_HEADER, IdempotencyHeaders, inTransaction } from '../../auth/idempotency.js';
import { errors, IdParams } from '../../core/schemas.js';
import { HOUSEHOLD_FORM_LIMITS, PAGE_LIMITS, publicLimits } from '../../household-codes/public-limits.js';
import { TokenParams } from '../../household-codes/schema.js';
import { receiveUpload } from '../../imports/upload.js';
import { smsInbound, voiceInbound } from './channels.js';
import {
  CheckinFigures,
  CheckinFiguresQuery,
  CheckinReceipt,
  DoorCheckinBody,
  DoorCheckinPage,
  InboundResult,
  InboundResults,
  InboxList,
  InboxQuery,
  ProxyCheckinBody,
  ProxyHouseholdList,
  ProxyHouseholdsQuery,
  ResolveBody,
  ResolveResult,
  SmsInboundBody,
  VoiceImportReport,
  VoicePushBody,
} from './schema.js';
import * as service from './service.js';
import { importVoiceFile } from './voice-import.js';

/** A door check-in is a few members' readings; anything bigger is not one. */
const DOOR_BODY_LIMIT = 8 * 1024;

/**
 * Daily check-ins (平安报): the household's door page, proxy reports by workers and volunteers,
 * the SMS gateway's webhook and the voice robot's results (API token with checkin.inbound), the
 * inbox of messages nobody could read, and today's figures.
 */
export const checkinRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['health check-ins'];
  const tx = app.db.transaction.bind(app.db);
  // The door code's forms share one counter per client and one per code (arrivals, passes, check-ins).
  const householdLimit = publicLimits(app, 'household', HOUSEHOLD_FORM_LIMITS);
  const pageLimit = publicLimits(app, 'public-page', PAGE_LIMITS);

  app.get(
    '/api/public/households/:token/checkin',
    {
      schema: {
        operationId: 'getDoorCheckin',
        tags,
        security: [],
        summary: 'The door page’s daily check-in: members numbered with sex and birth decade, never names',
        params: TokenParams,
        response: { 200: DoorCheckinPage, ...errors(400, 404, 429) },
      },
      onRequest: pageLimit,
    },
    async (request) => service.doorCheckinPage(app.db, app.clock(), request.params.token),
  );

  app.post(
    '/api/public/households/:token/checkins',
    {
      schema: {
        operationId: 'submitDoorCheckin',
        tags,
        security: [],
        summary:
          'A household’s daily check-in (平安报): temperature and well/unwell per member; a later report of the day replaces the earlier; the same Idempotency-Key again changes nothing',
        params: TokenParams,
        headers: IdempotencyHeaders,
        body: DoorCheckinBody,
        response: { 200: CheckinReceipt, ...errors(400, 404, 413, 429) },
      },
      bodyLimit: DOOR_BODY_LIMIT,
      onRequest: householdLimit,
    },
    async (request) => {
      const key = request.headers[IDEMPOTENCY_HEADER];
      return tx().execute((trx) =>
        service.submitDoorCheckin(
          trx,
          app.clock(),
          request.params.token,
          request.body,
          typeof key === 'string' ? key.toLowerCase() : null,
        ),
      );
    },
  );

  app.get(
    '/api/health/checkins/figures',
    {
      schema: {
        operationId: 'getCheckinFigures',
        tags,
        summary:
          'Today’s check-ins under an area: households and persons reported, not reported, fevers, unwell; per grid and per row (埭/楼栋), and who to look at',
        querystring: CheckinFiguresQuery,
        response: { 200: CheckinFigures, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('health.read'),
    },
    async (request) => service.checkinFigures(request.readDb(), request.actor(), request.query),
  );

  app.get(
    '/api/health/checkins/households',
    {
      schema: {
        operationId: 'listProxyHouseholds',
        tags,
        summary:
          'Households the caller may report for (代报): the ones a volunteer covers and those of a worker’s health scope, with today’s check-ins',
        querystring: ProxyHouseholdsQuery,
        response: { 200: ProxyHouseholdList, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireUser,
    },
    async (request) => service.proxyHouseholds(app.db, request.actor(), request.query.areaId),
  );

  app.post(
    '/api/health/checkins/proxy',
    {
      schema: {
        operationId: 'submitProxyCheckin',
        tags,
        summary:
          'Report check-ins for members of a household you cover (volunteer) or serve (health.write): marked proxy, with who reported (audited)',
        headers: IdempotencyHeaders,
        body: ProxyCheckinBody,
        response: { 200: CheckinReceipt, ...errors(400, 401, 403) },
      },
      preHandler: app.requireUser,
    },
    async (request, reply) =>
      inTransaction(request, reply, (trx) => service.submitProxyCheckin(trx, request.actor(), request.body)),
  );

  app.post(
    '/api/health/checkins/sms',
    {
      schema: {
        operationId: 'receiveCheckinSms',
        tags,
        summary:
          'SMS gateway webhook (API token with checkin.inbound): the sender matched by phone, texts like "36.5", "体温36.8 平安", "2人 平安" recorded, the rest left in the worker’s inbox; the same messageId again changes nothing',
        security: [{ token: [] }],
        body: SmsInboundBody,
        response: { 200: InboundResult, ...errors(400, 401, 403) },
      },
      onRequest: app.requireCapability('checkin.inbound'),
    },
    async (request) => {
      const [report] = smsInbound.read(request.body);
      return tx().execute((trx) => service.receiveInbound(trx, request.actor(), app.cipher, report!));
    },
  );

  app.post(
    '/api/health/checkins/voice',
    {
      schema: {
        operationId: 'receiveCheckinVoiceResults',
        tags,
        summary:
          'Voice robot call results (API token with checkin.inbound), up to 500: phone, time, answers; matched and recorded as SMS texts are; a call id sent again changes nothing',
        security: [{ token: [] }],
        body: VoicePushBody,
        response: { 200: InboundResults, ...errors(400, 401, 403) },
      },
      onRequest: app.requireCapability('checkin.inbound'),
    },
    async (request) => {
      const reports = voiceInbound.read(request.body);
      const actor = request.actor();
      return tx().execute(async (trx) => {
        const results = [];
        for (const report of reports)
          results.push(await service.receiveInbound(trx, actor, app.cipher, report));
        return { results };
      });
    },
  );

  app.post(
    '/api/health/checkins/voice/imports',
    {
      schema: {
        operationId: 'importCheckinVoiceFile',
        tags,
        summary:
          'Import a voice robot’s result file (XLSX/CSV: 呼叫编号, 手机号, 呼叫时间, 体温, 是否平安, 人数, 回答): per-row rejects, calls imported before skipped',
        consumes: ['multipart/form-data'],
        response: { 200: VoiceImportReport, ...errors(400, 401, 403, 413) },
      },
      preHandler: app.requireRight('health.write'),
    },
    async (request) => {
      const upload = await receiveUpload(request, 'voice-');
      try {
        return await importVoiceFile(app.db, request.actor(), app.cipher, {
          path: upload.file,
          fileName: upload.fileName,
          scratchDir: upload.tempDir,
        });
      } finally {
        await rm(upload.tempDir, { recursive: true, force: true });
      }
    },
  );

  app.get(
    '/api/health/checkins/inbox',
    {
      schema: {
        operationId: 'listCheckinInbox',
        tags,
        summary: 'Check-in messages nobody could read or match (SMS, voice), open, newest first',
        querystring: InboxQuery,
        response: { 200: InboxList, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('health.read'),
    },
    async (request) => service.inbox(app.db, request.actor(), request.query.areaId),
  );

  app.post(
    '/api/health/checkins/inbox/:id/resolve',
    {
      schema: {
        operationId: 'resolveCheckinMessage',
        tags,
        summary:
          'Resolve an inbox message: as a resident’s check-in (personId with temperature/well) or with a note only (audited)',
        params: IdParams,
        body: ResolveBody,
        response: { 200: ResolveResult, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: app.requireRight('health.write'),
    },
    async (request) =>
      tx().execute((trx) => service.resolveInbox(trx, request.actor(), request.params.id, request.body)),
  );
};
