import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../../core/schemas.js';
import { type DailyReportSheet, prepareDailyReport } from './daily.js';
import { DailyReportQuery } from './schema.js';

/** One-click reports for a node and a day; `sheets`: what modules above health add to it. */
export const reportRoutes: FastifyPluginAsyncTypebox<{ sheets?: readonly DailyReportSheet[] }> = async (
  app,
  options,
) => {
  const sheets = options.sheets ?? [];
  app.get(
    '/api/reports/daily.xlsx',
    {
      schema: {
        operationId: 'downloadDailyReport',
        tags: ['reports'],
        summary:
          'The daily epidemic report of an area (XLSX): key persons, round coverage, lead progress, new arrivals; masked unless reveal=true with person.reveal and a reason; audit-logged',
        querystring: DailyReportQuery,
        response: { ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('health.read'),
    },
    async (request, reply) => {
      const prepared = await prepareDailyReport(
        request.readDb(),
        request.actor(),
        app.cipher,
        request.query,
        sheets,
        app.db,
      );
      const stream = new PassThrough();
      prepared.write(stream).catch((error: unknown) => {
        request.log.error({ err: error }, 'daily report failed');
        stream.destroy(error as Error);
      });
      const name = `日报-${prepared.node.name}-${prepared.date}.xlsx`;
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header(
          'content-disposition',
          `attachment; filename="daily-${prepared.date}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
        )
        .header('cache-control', 'no-store')
        .send(stream);
    },
  );
};
