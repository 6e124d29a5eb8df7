import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../core/schemas.js';
import { DeviceReadsResult, FaceReadsBody, PlateReadsBody } from './device-reads-schema.js';
import type { FaceRead, PlateRead } from './device-reads-schema.js';
import * as service from './device-reads-service.js';

export const deviceReadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['checkpoints'];
  const options = {
    mergeSeconds: app.config.plateReadMergeSeconds,
    windowHours: app.config.vehicleCheckWindowHours,
    trailDays: app.config.vehicleTrailDays,
    alertMergeSeconds: app.config.alertMergeSeconds,
  };

  app.post(
    '/api/devices/plate-reads',
    {
      schema: {
        operationId: 'receivePlateReads',
        tags,
        summary:
          'Plate reads of a checkpoint camera (bearer token with capability device.alerts), one or up to 500: vehicle records, repeated reads merged, risk vehicles flagged and their team alerted',
        body: PlateReadsBody,
        response: { 200: DeviceReadsResult, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: app.requireCapability('device.alerts'),
    },
    async (request) =>
      app.db
        .transaction()
        .execute((trx) =>
          service.receivePlateReads(trx, request.actor(), request.body as PlateRead | PlateRead[], options),
        ),
  );

  app.post(
    '/api/devices/face-reads',
    {
      schema: {
        operationId: 'receiveFaceReads',
        tags,
        summary:
          'Face/temperature gate reads (bearer token with capability device.alerts), one or up to 500: person records; a fever opens an event as the gate alert does',
        body: FaceReadsBody,
        response: { 200: DeviceReadsResult, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: app.requireCapability('device.alerts'),
    },
    async (request) =>
      app.db
        .transaction()
        .execute((trx) =>
          service.receiveFaceReads(
            trx,
            request.actor(),
            app.cipher,
            request.body as FaceRead | FaceRead[],
            options,
          ),
        ),
  );
};
