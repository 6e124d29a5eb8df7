import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../core/schemas.js';
import { publicLimits, tokenOf } from '../household-codes/public-limits.js';
import * as config from './config-service.js';
import { checkForm } from './form.js';
import { readFormWithPhotos } from './photos/multipart.js';
import { submitPublicReport } from './public-service.js';
import { publicCommunity } from './location.js';
import {
  CommunityParams,
  EvaluateBody,
  FollowParams,
  PublicCategoryTree,
  PublicCommunity,
  PublicEventView,
  PublicReportFields,
  PublicReportReceipt,
} from './schema.js';
import * as service from './service.js';

export const MAX_REPORT_PHOTOS = 4;
export const MAX_REPORT_PHOTO_BYTES = 10 * 1024 * 1024;

/**
 * The resident's side, without sign-in: the report page (随手拍) and the follow-and-rate link.
 * Rate-limited per client (and per link), like the household-code forms.
 */
export const publicEventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['public forms'];
  const security: Array<Record<string, string[]>> = [];
  const clientKey = (request: { ip: string }) => request.ip;
  const pageLimit = publicLimits(app, 'event-page', [{ max: 60, key: clientKey }]);
  const reportLimit = publicLimits(app, 'event-report', [{ max: 10, key: clientKey }]);
  const ratingLimit = publicLimits(app, 'event-rating', [
    { max: 10, key: clientKey },
    { max: 5, key: tokenOf },
  ]);
  const tx = app.db.transaction.bind(app.db);

  app.get(
    '/api/public/event-categories',
    {
      schema: {
        operationId: 'listPublicEventCategories',
        tags,
        security,
        summary: 'Categories a resident can report on the report page',
        response: { 200: PublicCategoryTree, ...errors(429) },
      },
      onRequest: pageLimit,
    },
    async () => config.publicCategoryTree(app.db),
  );

  app.get(
    '/api/public/communities/:code',
    {
      schema: {
        operationId: 'getPublicCommunity',
        tags,
        security,
        summary: 'The community of a report page: its name and the map of its grids',
        params: CommunityParams,
        response: { 200: PublicCommunity, ...errors(400, 404, 429) },
      },
      onRequest: pageLimit,
    },
    async (request) => publicCommunity(app.db, request.params.code),
  );

  app.post(
    '/api/public/reports',
    {
      schema: {
        operationId: 'submitPublicReport',
        tags,
        security,
        summary: `Report a problem (随手拍), multipart: fields category, community, description, lng+lat or address, name?, phone?; up to ${MAX_REPORT_PHOTOS} photos (file parts "photos"). Answers the follow-and-rate token once`,
        consumes: ['multipart/form-data'],
        response: { 201: PublicReportReceipt, ...errors(400, 404, 413, 415, 429) },
      },
      onRequest: reportLimit,
    },
    async (request, reply) => {
      const form = await readFormWithPhotos(request, {
        maxPhotos: MAX_REPORT_PHOTOS,
        maxPhotoBytes: MAX_REPORT_PHOTO_BYTES,
      });
      const fields = checkForm(PublicReportFields, form.fields);
      const receipt = await tx().execute((trx) =>
        submitPublicReport(
          trx,
          { now: app.clock(), ip: request.ip, cipher: app.cipher },
          fields,
          form.photos,
        ),
      );
      reply.header('cache-control', 'no-store');
      return reply.status(201).send(receipt);
    },
  );

  app.get(
    '/api/public/events/:token',
    {
      schema: {
        operationId: 'getPublicEvent',
        tags,
        security,
        summary: 'Follow a report: its status and timeline (no names, no notes)',
        params: FollowParams,
        response: { 200: PublicEventView, ...errors(400, 404, 429) },
      },
      onRequest: pageLimit,
    },
    async (request) => service.publicEventView(app.db, request.params.token),
  );

  app.post(
    '/api/public/events/:token/rating',
    {
      schema: {
        operationId: 'ratePublicEvent',
        tags,
        security,
        summary: 'Rate the handling of a closed report, 1–5 with an optional comment (once)',
        params: FollowParams,
        body: EvaluateBody,
        response: { 200: PublicEventView, ...errors(400, 404, 409, 429) },
      },
      bodyLimit: 8 * 1024,
      onRequest: ratingLimit,
    },
    async (request) =>
      tx().execute((trx) => service.rateByToken(trx, app.clock(), request.params.token, request.body)),
  );
};
