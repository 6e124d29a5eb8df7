import type { FastifyPluginAsync } from 'fastify';
import { contactRoutes } from '../contacts/routes.js';
import type { DailyReportSheet } from '../reports/daily.js';
import { reportRoutes } from '../reports/routes.js';
import { leadRoutes } from './routes.js';

/**
 * Lead verification, contact finding and daily reports: registered by app.ts in one line, with the
 * report sheets of the modules above health (reportSheets).
 */
export const leadVerificationPlugin: FastifyPluginAsync<{
  reportSheets?: readonly DailyReportSheet[];
}> = async (app, options) => {
  await app.register(leadRoutes);
  await app.register(contactRoutes);
  await app.register(reportRoutes, { sheets: options.reportSheets ?? [] });
};
