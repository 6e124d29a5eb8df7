import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors, IdParams } from '../core/schemas.js';
import { AppError } from '../core/errors.js';
import { requestLocale } from '../i18n/locale.js';
import { localizeRejects } from '../imports/report.js';
import { importAreaRows } from './import.js';
import { readAreaFile } from './import-file.js';
import * as repo from './repository.js';
import {
  ImportReportSchema,
  AreaDetail,
  AreaListQuery,
  AreaPage,
  AreaRetired,
  AreaRootList,
  AreaView,
  ChildFeatures,
  CreateAreaBody,
  MoveAreaBody,
  RetireAreaBody,
  UpdateAreaBody,
} from './schema.js';
import * as service from './service.js';

export const hierarchyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const settings = { gridCodeWidth: app.config.gridCodeWidth };
  const tags = ['areas'];
  const read = app.requireRight('area.read');
  const manage = app.requireRight('area.manage');

  app.get(
    '/api/areas',
    {
      schema: {
        operationId: 'listAreas',
        tags,
        summary: 'Areas in the caller’s scope (children of parentId, or all under within)',
        querystring: AreaListQuery,
        response: { 200: AreaPage, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.listAreas(app.db, request.actor().viewer, request.query),
  );

  app.post(
    '/api/areas/import',
    {
      schema: {
        operationId: 'importAreas',
        tags,
        summary:
          'Import areas from a CSV/XLSX (columns 编码, 名称, 上级编码, 层级, 类型) or GeoJSON file (features with code/name/parent properties); idempotent, per-row rejects',
        consumes: ['multipart/form-data'],
        response: { 200: ImportReportSchema, ...errors(400, 401, 403, 413) },
      },
      preHandler: manage,
    },
    async (request) => {
      const file = await request.file();
      if (!file) throw new AppError('IMPORT_FILE_INVALID', 400, 'Attach the file as multipart field "file"');
      const rows = await readAreaFile({ stream: file.file, fileName: file.filename });
      if (file.file.truncated)
        throw new AppError('PAYLOAD_TOO_LARGE', 413, 'The file is larger than the upload limit');
      const report = await app.db
        .transaction()
        .execute((trx) => importAreaRows(trx, request.actor(), settings, rows, file.filename));
      return { ...report, rejected: localizeRejects(requestLocale(request), report.rejected) };
    },
  );

  app.get(
    '/api/areas/roots',
    {
      schema: {
        operationId: 'listRootAreas',
        tags,
        summary: 'The top areas of the caller’s scope: where the navigator starts',
        response: { 200: AreaRootList, ...errors(401, 403) },
      },
      preHandler: read,
    },
    async (request) => {
      const roots = await repo.scopeRoots(app.db, request.actor().viewer);
      const counts = await repo.childCounts(
        app.db,
        roots.map((r) => r.id),
      );
      return { items: roots.map((row) => service.presentArea(row, counts.get(row.id) ?? 0)) };
    },
  );

  app.get(
    '/api/areas/:id',
    {
      schema: {
        operationId: 'getArea',
        tags,
        summary: 'One area with ancestors, descendant counts and staff',
        params: IdParams,
        response: { 200: AreaDetail, ...errors(401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.getAreaDetail(app.db, request.actor().viewer, request.params.id),
  );

  app.get(
    '/api/areas/:id/children.geojson',
    {
      schema: {
        operationId: 'getAreaChildrenGeoJson',
        tags,
        summary: 'Child areas as a GeoJSON FeatureCollection (for maps)',
        params: IdParams,
        response: { 200: ChildFeatures, ...errors(401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.childGeoJson(app.db, request.actor().viewer, request.params.id),
  );

  app.post(
    '/api/areas',
    {
      schema: {
        operationId: 'createArea',
        tags,
        summary: 'Create an area under a parent',
        body: CreateAreaBody,
        response: { 201: AreaView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request, reply) => {
      const area = await app.db
        .transaction()
        .execute((trx) => service.createArea(trx, request.actor(), settings, request.body));
      return reply.status(201).send(area);
    },
  );

  app.patch(
    '/api/areas/:id',
    {
      schema: {
        operationId: 'updateArea',
        tags,
        summary: 'Rename an area, change its kind or boundary',
        params: IdParams,
        body: UpdateAreaBody,
        response: { 200: AreaView, ...errors(400, 401, 403, 404) },
      },
      preHandler: manage,
    },
    async (request) =>
      app.db
        .transaction()
        .execute((trx) => service.updateArea(trx, request.actor(), request.params.id, request.body)),
  );

  app.post(
    '/api/areas/:id/move',
    {
      schema: {
        operationId: 'moveArea',
        tags,
        summary: 'Move an area and all its descendants under a new parent',
        params: IdParams,
        body: MoveAreaBody,
        response: { 200: AreaView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request) =>
      app.db
        .transaction()
        .execute((trx) => service.moveArea(trx, request.actor(), request.params.id, request.body.parentId)),
  );

  app.post(
    '/api/areas/:id/retire',
    {
      schema: {
        operationId: 'retireArea',
        tags,
        summary: 'Retire an area and all its descendants',
        params: IdParams,
        body: RetireAreaBody,
        response: { 200: AreaRetired, ...errors(400, 401, 403, 404) },
      },
      preHandler: manage,
    },
    async (request) =>
      app.db
        .transaction()
        .execute((trx) => service.retireArea(trx, request.actor(), request.params.id, request.body.reason)),
  );
};
