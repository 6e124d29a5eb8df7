import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors, IdParams } from '../core/schemas.js';
import {
  CreateDeviceBody,
  DeviceCheckpointOptions,
  DeviceList,
  DeviceQuery,
  DeviceToken,
  DeviceView,
  UpdateDeviceBody,
} from './device-registry-schema.js';
import * as service from './device-registry-service.js';

export const deviceRegistryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['checkpoints'];
  const manage = app.requireRight('checkpoint.manage');
  const tx = app.db.transaction.bind(app.db);

  app.get(
    '/api/devices',
    {
      schema: {
        operationId: 'listDevices',
        tags,
        summary:
          'Cameras, plate cameras and face gates in your area, with their checkpoint, status, last read and token',
        querystring: DeviceQuery,
        response: { 200: DeviceList, ...errors(400, 401, 403) },
      },
      preHandler: manage,
    },
    async (request) => service.listDevices(app.db, request.actor(), request.query),
  );
  app.get(
    '/api/devices/checkpoints',
    {
      schema: {
        operationId: 'listDeviceCheckpoints',
        tags,
        summary: 'Checkpoints in your area a plate camera or face gate may be placed at',
        response: { 200: DeviceCheckpointOptions, ...errors(401, 403) },
      },
      preHandler: manage,
    },
    async (request) => service.listCheckpointOptions(app.db, request.actor()),
  );
  app.post(
    '/api/devices',
    {
      schema: {
        operationId: 'createDevice',
        tags,
        summary: 'Register a device (a plate camera or face gate stands at a checkpoint)',
        body: CreateDeviceBody,
        response: { 201: DeviceView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await tx().execute((trx) => service.createDevice(trx, request.actor(), request.body))),
  );
  app.patch(
    '/api/devices/:id',
    {
      schema: {
        operationId: 'updateDevice',
        tags,
        summary: 'Edit a device: name, kind, checkpoint, position, online/offline',
        params: IdParams,
        body: UpdateDeviceBody,
        response: { 200: DeviceView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request) =>
      tx().execute((trx) => service.updateDevice(trx, request.actor(), request.params.id, request.body)),
  );
  app.post(
    '/api/devices/:id/retire',
    {
      schema: {
        operationId: 'retireDevice',
        tags,
        summary: 'Retire a device: its reads are refused and its token revoked',
        params: IdParams,
        response: { 200: DeviceView, ...errors(401, 403, 404) },
      },
      preHandler: manage,
    },
    async (request) => tx().execute((trx) => service.retireDevice(trx, request.actor(), request.params.id)),
  );
  app.post(
    '/api/devices/:id/token',
    {
      schema: {
        operationId: 'issueDeviceToken',
        tags,
        summary: 'Issue the device’s token (shown once); the previous one is revoked',
        params: IdParams,
        response: { 200: DeviceToken, ...errors(401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request, reply) => {
      const issued = await tx().execute((trx) =>
        service.issueDeviceToken(trx, request.actor(), request.params.id),
      );
      reply.header('cache-control', 'no-store');
      return issued;
    },
  );
};
