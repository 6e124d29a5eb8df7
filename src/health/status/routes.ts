import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors, IdParams } from '../../core/schemas.js';
import { HealthStatusList, HealthStatusesQuery, HealthStatusQuery, PersonHealthStatus } from './schema.js';
import * as service from './service.js';

/** The one health verdict of a person (the same the gate check shows). */
export const healthStatusRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/persons/:id/health-status',
    {
      schema: {
        operationId: 'getPersonHealthStatus',
        tags: ['health'],
        summary:
          'The person’s health verdict green/amber/red with reasons (health code, tests, vaccination, key-person status, risk-area arrival)',
        params: IdParams,
        querystring: HealthStatusQuery,
        response: { 200: PersonHealthStatus, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('health.read'),
    },
    async (request) =>
      service.personHealthStatus(app.db, request.actor(), request.params.id, {
        testWithinHours: request.query.testWithinHours ?? null,
      }),
  );

  app.get(
    '/api/health-statuses',
    {
      schema: {
        operationId: 'listHealthStatuses',
        tags: ['health'],
        summary:
          'The health status of several persons at once (a list’s badges); persons outside your area are left out',
        querystring: HealthStatusesQuery,
        response: { 200: HealthStatusList, ...errors(400, 401, 403) },
      },
      preHandler: app.requireRight('health.read'),
    },
    async (request) => service.healthStatusList(app.db, request.actor(), request.query.ids),
  );
};
