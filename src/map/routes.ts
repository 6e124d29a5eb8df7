import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../core/schemas.js';
import { publicLimits } from '../household-codes/public-limits.js';
import { MapCommunityParams, MapConfig, MapLayers, MapLayersQuery } from './schema.js';
import * as service from './service.js';

export const mapRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['map'];
  const basemap = app.config.basemap;
  const config = service.mapConfig(basemap);

  // Public: the resident's report page draws a map too, and a base layer's settings are not secret
  // (a 天地图 browser key travels to every browser that draws its tiles anyway).
  app.get(
    '/api/map/config',
    {
      schema: {
        operationId: 'getMapConfig',
        tags,
        summary: 'The base layer maps draw under our own geography (GRIDGUARD_BASEMAP, its datum and credit)',
        response: { 200: MapConfig },
      },
    },
    async () => config,
  );

  app.get(
    '/api/map/layers',
    {
      schema: {
        operationId: 'getMapLayers',
        tags,
        summary:
          'An area’s map as GeoJSON layers (boundaries, rivers, roads, houses as address points, gates, cameras, untested heat, events), each scoped to the caller’s rights',
        querystring: MapLayersQuery,
        response: { 200: MapLayers, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('area.read'),
    },
    async (request) =>
      service.mapLayers(request.readDb(), request.actor().viewer, request.query.areaId, app.clock()),
  );

  app.get(
    '/api/public/map/:code',
    {
      schema: {
        operationId: 'getPublicMap',
        tags,
        security: [],
        summary:
          'The report page’s map of a community: boundaries, rivers, roads, gates and houses as bare points (no addresses, no people, no events)',
        params: MapCommunityParams,
        response: { 200: MapLayers, ...errors(400, 404, 429) },
      },
      onRequest: publicLimits(app, 'public-map', [{ max: 60, key: (request) => request.ip }]),
    },
    async (request) => service.publicMapLayers(app.db, request.params.code),
  );

  // Tiles are not personal and the report page is public, so the archive needs no session. PMTiles
  // readers fetch it in byte ranges: a header, directories, then single tiles.
  if (basemap.source.kind === 'pmtiles') {
    const file = basemap.source.file;
    app.get(service.BASEMAP_ARCHIVE_PATH, { schema: { hide: true } }, async (request, reply) => {
      const { size, mtime } = await stat(file);
      void reply
        .header('accept-ranges', 'bytes')
        .header('content-type', 'application/octet-stream')
        .header('cache-control', 'public, max-age=86400')
        .header('last-modified', mtime.toUTCString());
      const header = request.headers.range;
      if (!header) return reply.header('content-length', size).send(createReadStream(file));
      const range = service.parseByteRange(header, size);
      if (!range) return reply.code(416).header('content-range', `bytes */${size}`).send();
      return reply
        .code(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
        .header('content-length', range.end - range.start + 1)
        .send(createReadStream(file, range));
    });
  }
};
