import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors, IdParams } from '../../core/schemas.js';
import {
  CreateResourceBody,
  ResourcePage,
  ResourceQuery,
  ResourceView,
  ThreeLists,
  UpdateResourceBody,
} from './schema.js';
import * as service from './service.js';

/** The resource list (资源清单) and service list (服务清单) of a community, and the three lists together. */
export const resourceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['service lists'];
  const read = app.requireRight('service.handle');
  const manage = app.requireRight('service.manage');
  const tx = app.db.transaction.bind(app.db);

  app.get(
    '/api/service-resources',
    {
      schema: {
        operationId: 'listServiceResources',
        tags,
        summary:
          'Entries of the resource and service lists kept in your area or above it (filter list, kind, serving area, q, includeRetired); phones masked',
        querystring: ResourceQuery,
        response: { 200: ResourcePage, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.listResources(app.db, request.actor(), request.query),
  );

  app.post(
    '/api/service-resources',
    {
      schema: {
        operationId: 'createServiceResource',
        tags,
        summary:
          'Add a pharmacy, shop, donor, vehicle… (list resource) or a service (list service) to a community',
        body: CreateResourceBody,
        response: { 201: ResourceView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await tx().execute((trx) => service.createResource(trx, request.actor(), app.cipher, request.body)),
        ),
  );

  app.get(
    '/api/service-resources/:id',
    {
      schema: {
        operationId: 'getServiceResource',
        tags,
        summary: 'One list entry',
        params: IdParams,
        response: { 200: ResourceView, ...errors(401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.getResource(app.db, request.actor(), request.params.id),
  );

  app.patch(
    '/api/service-resources/:id',
    {
      schema: {
        operationId: 'updateServiceResource',
        tags,
        summary: 'Change a list entry (null clears an optional field)',
        params: IdParams,
        body: UpdateResourceBody,
        response: { 200: ResourceView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request) =>
      tx().execute((trx) =>
        service.updateResource(trx, request.actor(), app.cipher, request.params.id, request.body),
      ),
  );

  app.post(
    '/api/service-resources/:id/retire',
    {
      schema: {
        operationId: 'retireServiceResource',
        tags,
        summary: 'Take an entry off the list (kept for history)',
        params: IdParams,
        response: { 200: ResourceView, ...errors(401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request) => tx().execute((trx) => service.retireResource(trx, request.actor(), request.params.id)),
  );

  app.get(
    '/api/areas/:id/three-lists',
    {
      schema: {
        operationId: 'getThreeLists',
        tags,
        summary:
          '三张清单 of an area: problems (open requests and events), resources and services, with counts and top entries',
        params: IdParams,
        response: { 200: ThreeLists, ...errors(401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.threeLists(app.db, request.actor(), request.params.id),
  );
};
