import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, IdParams } from '../core/schemas.js';
import { CreatedToken, CreateTokenBody, TokenList } from './schema.js';
import * as service from './service.js';

export const tokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['tokens'];
  const manage = app.requireRight('token.manage');
  app.get(
    '/api/tokens',
    {
      schema: {
        operationId: 'listTokens',
        tags,
        summary: 'API tokens of machine clients in the caller’s scope',
        response: { 200: TokenList, ...errors(401, 403) },
      },
      preHandler: manage,
    },
    async (request) => ({
      items: await service.listTokens(app.db, request.actor()),
    }),
  );
  app.post(
    '/api/tokens',
    {
      schema: {
        operationId: 'createToken',
        tags,
        summary: 'Issue a token (shown once) for a data feed, device or Open311 client',
        body: CreateTokenBody,
        response: { 201: CreatedToken, ...errors(400, 401, 403, 404) },
      },
      preHandler: manage,
    },
    async (request, reply) => {
      const created = await app.db
        .transaction()
        .execute((trx) => service.createToken(trx, request.actor(), request.body));
      reply.header('cache-control', 'no-store');
      return reply.status(201).send(created);
    },
  );
  app.post(
    '/api/tokens/:id/revoke',
    {
      schema: {
        operationId: 'revokeToken',
        tags,
        summary: 'Revoke a token',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
      preHandler: manage,
    },
    async (request, reply) => {
      await app.db
        .transaction()
        .execute((trx) => service.revokeToken(trx, request.actor(), request.params.id));
      return reply.status(204).send(null);
    },
  );
};
