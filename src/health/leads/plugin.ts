import type { FastifyPluginAsync } from 'fastify';
import { contactRoutes } from '../contacts/routes.js';
import { reportRoutes } from '../reports/routes.js';
import { leadRoutes } from './routes.js';

/** Lead verification, contact finding and daily reports: registered by app.ts in one line. */
export const leadVerificationPlugin: FastifyPluginAsync = async (app) => {
  await app.register(leadRoutes);
  await app.register(contactRoutes);
  await app.register(reportRoutes);
};
