import type { FastifyPluginAsync } from 'fastify';
import { announcementRoutes } from '../announcements/routes.js';
import { teamRoutes } from '../teams/routes.js';
import { requestRoutes } from './requests/routes.js';
import { resourceRoutes } from './resources/routes.js';
import { volunteerRoutes } from './volunteers/routes.js';

/** Teams, volunteers' households, resident requests, the resource and service lists, announcements. */
export const communityServicesPlugin: FastifyPluginAsync = async (app) => {
  await app.register(teamRoutes);
  await app.register(volunteerRoutes);
  await app.register(requestRoutes);
  await app.register(resourceRoutes);
  await app.register(announcementRoutes);
};
