import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../../core/schemas.js';
import { EnterpriseBoard, EnterpriseBoardQuery } from './schema.js';
import { enterpriseBoard } from './service.js';

/** The return-to-work board the big screen and the daily report read. */
export const enterpriseBoardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/enterprises/board',
    {
      schema: {
        operationId: 'getEnterpriseBoard',
        tags: ['enterprises'],
        summary:
          'Per child area: enterprises filed, back at work, waiting, overdue; employees cleared, pending, refused; inspections due, overdue and done today; open rectifications',
        querystring: EnterpriseBoardQuery,
        response: { 200: EnterpriseBoard, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('enterprise.read'),
    },
    async (request) => enterpriseBoard(request.readDb(), request.actor(), request.query.areaId),
  );
};
