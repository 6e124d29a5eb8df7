import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../core/schemas.js';
import { Figures, FiguresQuery } from './figures-schema.js';
import * as service from './figures-service.js';

/** Checkpoint figures for the big screen and the checkpoint pages. */
export const checkpointFigureRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/checkpoints/figures',
    {
      schema: {
        operationId: 'getCheckpointFigures',
        tags: ['checkpoints'],
        summary:
          'Per checkpoint and per child area, for a day: people and vehicles checked, refused, fevers, flagged vehicles, staffing gaps; with each checkpoint’s staffing state now',
        querystring: FiguresQuery,
        response: { 200: Figures, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('checkpoint.read'),
    },
    async (request) => service.figures(request.readDb(), request.actor(), request.query),
  );
};
