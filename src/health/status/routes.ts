import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors, IdParams } from '../../core/schemas.js';
import { PersonHealthStatus, HealthStatusQuery } from './schema.js';
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
};
