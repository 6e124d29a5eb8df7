import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdempotencyHeaders, inTransaction } from '../auth/idempotency.js';
import { errors, IdParams } from '../core/schemas.js';
import {
  CheckpointPlateParams,
  CheckpointVehicles,
  RecentVehicles,
  RecentVehiclesQuery,
  VehicleCheckBody,
  VehicleCheckResult,
  VehicleLookup,
  VehicleTrailsBody,
  VehicleTrailsResult,
} from './vehicle-schema.js';
import * as service from './vehicle-service.js';

export const vehicleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['checkpoints'];
  const options = {
    windowHours: app.config.vehicleCheckWindowHours,
    trailDays: app.config.vehicleTrailDays,
  };

  app.get(
    '/api/checkpoints/:id/vehicles',
    {
      schema: {
        operationId: 'listCheckpointVehicles',
        tags,
        summary: 'Vehicles checked or read at this checkpoint within the window, newest first',
        params: IdParams,
        response: { 200: CheckpointVehicles, ...errors(401, 403, 404) },
      },
      // The service applies the checkpoint's rule: the right in its subtree, or membership of its team.
      preHandler: app.requireUser,
    },
    async (request) => service.listCheckpointVehicles(app.db, request.actor(), request.params.id, options),
  );

  app.get(
    '/api/checkpoints/:id/vehicles/:plate',
    {
      schema: {
        operationId: 'lookupVehicle',
        tags,
        summary:
          'A plate at a checkpoint: its crossings at every checkpoint in the window, the last staff check ("checked once, known everywhere") and its risk flag with reasons',
        params: CheckpointPlateParams,
        response: { 200: VehicleLookup, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireUser,
    },
    async (request) =>
      service.lookupVehicle(app.db, request.actor(), request.params.id, request.params.plate, options),
  );

  app.post(
    '/api/checkpoints/:id/vehicles/checks',
    {
      schema: {
        operationId: 'recordVehicleCheck',
        tags,
        summary:
          'Record a vehicle check at a checkpoint: plate, driver and passengers by ID number (matched, kept masked), origin, destination, cargo, direction and decision',
        params: IdParams,
        body: VehicleCheckBody,
        headers: IdempotencyHeaders,
        response: { 201: VehicleCheckResult, ...errors(400, 401, 403, 404, 429) },
      },
      preHandler: app.requireUser,
    },
    async (request, reply) => {
      const actor = request.actor();
      await service.spendOccupantLookups(app.db, actor, request.params.id, request.body);
      const result = await inTransaction(
        request,
        reply,
        (trx) => service.recordVehicleCheck(trx, actor, app.cipher, request.params.id, request.body, options),
        201,
      );
      return reply.status(201).send(result);
    },
  );

  app.get(
    '/api/vehicles/recent',
    {
      schema: {
        operationId: 'listRecentVehicles',
        tags,
        summary:
          'Vehicles checked or read at checkpoints in your area within the window (flagged=true: risk vehicles only)',
        querystring: RecentVehiclesQuery,
        response: { 200: RecentVehicles, ...errors(400, 401, 403) },
      },
      preHandler: app.requireRight('checkpoint.read'),
    },
    async (request) => service.listRecentVehicles(app.db, request.actor(), request.query, options),
  );

  app.post(
    '/api/vehicles/trails',
    {
      schema: {
        operationId: 'importVehicleTrails',
        tags,
        summary:
          'Vehicle trail points from another source (bearer token with capability feed.health): each row checked, good rows stored, retries stored once',
        body: VehicleTrailsBody,
        response: { 200: VehicleTrailsResult, ...errors(400, 401, 403) },
      },
      preHandler: app.requireCapability('feed.health'),
    },
    async (request) =>
      app.db.transaction().execute((trx) => service.importTrails(trx, request.actor(), request.body)),
  );
};
