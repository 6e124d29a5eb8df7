import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors, IdParams } from '../core/schemas.js';
import { publicLimits, tokenOf } from '../household-codes/public-limits.js';
import { TokenParams } from '../household-codes/schema.js';
import {
  AnnouncementPage,
  AnnouncementQuery,
  AnnouncementView,
  CreateAnnouncementBody,
  PublicAnnouncementList,
  PublicReadParams,
  PublicReadReceipt,
  ReadsReport,
  UpdateAnnouncementBody,
} from './schema.js';
import { requestLocale } from '../i18n/locale.js';
import * as service from './service.js';

/** Announcements (policy notices, rumour rebuttals, alerts) to a subtree, read on the household page. */
export const announcementRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['announcements'];
  const publicTags = ['public forms'];
  const security: Array<Record<string, string[]>> = [];
  const write = app.requireRight('announcement.write');
  // Workers and volunteers follow announcements of their area; writers manage them.
  const read = app.requireRight('area.read');
  const tx = app.db.transaction.bind(app.db);
  const clientKey = (request: { ip: string }) => request.ip;
  const pageLimit = publicLimits(app, 'household-announcements', [
    { max: 60, key: clientKey },
    { max: 60, key: tokenOf },
  ]);

  app.get(
    '/api/announcements',
    {
      schema: {
        operationId: 'listAnnouncements',
        tags,
        summary:
          'Announcements: writers see their subtree’s (drafts too), workers the published ones addressed to their area (filter area, status, kind)',
        querystring: AnnouncementQuery,
        response: { 200: AnnouncementPage, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.listAnnouncements(app.db, request.actor(), request.query),
  );

  app.post(
    '/api/announcements',
    {
      schema: {
        operationId: 'createAnnouncement',
        tags,
        summary:
          'Draft an announcement (policy, rumour_rebuttal, alert, notice) to an area’s subtree, optionally only to households with residents holding one of the tags',
        body: CreateAnnouncementBody,
        response: { 201: AnnouncementView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await tx().execute((trx) => service.createAnnouncement(trx, request.actor(), request.body))),
  );

  app.get(
    '/api/announcements/:id',
    {
      schema: {
        operationId: 'getAnnouncement',
        tags,
        summary: 'One announcement',
        params: IdParams,
        response: { 200: AnnouncementView, ...errors(401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.getAnnouncement(app.db, request.actor(), request.params.id),
  );

  app.patch(
    '/api/announcements/:id',
    {
      schema: {
        operationId: 'updateAnnouncement',
        tags,
        summary: 'Correct a draft or published announcement (kind, title, body, tags, expiresAt)',
        params: IdParams,
        body: UpdateAnnouncementBody,
        response: { 200: AnnouncementView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request) =>
      tx().execute((trx) =>
        service.updateAnnouncement(trx, request.actor(), request.params.id, request.body),
      ),
  );

  app.post(
    '/api/announcements/:id/publish',
    {
      schema: {
        operationId: 'publishAnnouncement',
        tags,
        summary: 'Publish a draft; the subtree’s workers are notified once each',
        params: IdParams,
        response: { 200: AnnouncementView, ...errors(401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request) =>
      tx().execute((trx) => service.publishAnnouncement(trx, request.actor(), request.params.id)),
  );

  app.post(
    '/api/announcements/:id/withdraw',
    {
      schema: {
        operationId: 'withdrawAnnouncement',
        tags,
        summary: 'Withdraw a published announcement (households no longer see it)',
        params: IdParams,
        response: { 200: AnnouncementView, ...errors(401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request) =>
      tx().execute((trx) => service.withdrawAnnouncement(trx, request.actor(), request.params.id)),
  );

  app.get(
    '/api/announcements/:id/reads',
    {
      schema: {
        operationId: 'listAnnouncementReads',
        tags,
        summary:
          'Per grid of your area: households the announcement is addressed to, and households that read it',
        params: IdParams,
        response: { 200: ReadsReport, ...errors(401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.readsReport(app.db, request.actor(), request.params.id),
  );

  app.get(
    '/api/public/households/:token/announcements',
    {
      schema: {
        operationId: 'listPublicAnnouncements',
        tags: publicTags,
        security,
        summary:
          'Announcements on the door page: published, not expired, to everyone in an area above the house (tagged ones never: the door page is public)',
        params: TokenParams,
        response: { 200: PublicAnnouncementList, ...errors(400, 404, 429) },
      },
      onRequest: pageLimit,
    },
    async (request) =>
      service.publicAnnouncements(app.db, app.clock(), request.params.token, requestLocale(request)),
  );

  app.post(
    '/api/public/households/:token/announcements/:id/read',
    {
      schema: {
        operationId: 'readPublicAnnouncement',
        tags: publicTags,
        security,
        summary: 'Mark an announcement read by this household (idempotent: the first time is kept)',
        params: PublicReadParams,
        response: { 200: PublicReadReceipt, ...errors(400, 404, 429) },
      },
      onRequest: pageLimit,
    },
    async (request) =>
      tx().execute((trx) => service.markRead(trx, app.clock(), request.params.token, request.params.id)),
  );
};
