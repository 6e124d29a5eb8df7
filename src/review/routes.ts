import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../core/schemas.js';
import { exportReview } from './export.js';
import {
  AreaReviewList,
  ReviewExportQuery,
  ReviewQuery,
  WorkerReviewPage,
  WorkerReviewQuery,
} from './schema.js';
import { reviewAreas, reviewWorkers } from './service.js';

/** 考核: the performance of workers and areas over a period, on screen and as a workbook. */
export const reviewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['review'];
  const preHandler = app.requireRight('review.read');

  app.get(
    '/api/review/workers',
    {
      schema: {
        operationId: 'reviewWorkers',
        tags,
        summary:
          'Per worker of the area: events handled, median minutes to respond and to close, overdue share, ratings, visits',
        querystring: WorkerReviewQuery,
        response: { 200: WorkerReviewPage, ...errors(400, 401, 403, 404) },
      },
      preHandler,
    },
    async (request) => reviewWorkers(request.readDb(), request.actor().viewer, request.query),
  );

  app.get(
    '/api/review/areas',
    {
      schema: {
        operationId: 'reviewAreas',
        tags,
        summary: 'The same figures per child area of the area, with the total of its subtree',
        querystring: ReviewQuery,
        response: { 200: AreaReviewList, ...errors(400, 401, 403, 404) },
      },
      preHandler,
    },
    async (request) => reviewAreas(request.readDb(), request.actor().viewer, request.query),
  );

  app.get(
    '/api/review/export.xlsx',
    {
      schema: {
        operationId: 'exportReview',
        tags,
        summary: 'Both reviews as an XLSX workbook (sheets workers and areas); audit-logged',
        querystring: ReviewExportQuery,
        response: { ...errors(400, 401, 403, 404) },
      },
      preHandler,
    },
    async (request, reply) => {
      const workbook = await exportReview(app.db, request.actor(), request.query);
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header(
          'content-disposition',
          `attachment; filename="${workbook.asciiFileName}"; filename*=UTF-8''${encodeURIComponent(workbook.fileName)}`,
        )
        .header('cache-control', 'no-store')
        .send(workbook.content);
    },
  );
};
