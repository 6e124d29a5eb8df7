import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors, IdParams } from '../core/schemas.js';
import { PUBLIC_BODY_LIMIT } from '../household-codes/public-routes.js';
import { PAGE_LIMITS, PLACE_SCAN_LIMITS, publicLimits } from '../household-codes/public-limits.js';
import { CodeView, TokenParams } from '../household-codes/schema.js';
import {
  PlaceBody,
  PlaceCreated,
  PlacePage,
  PlacePublicPage,
  PlaceQuery,
  PlaceView,
  ScanBody,
  ScanPage,
  ScanQuery,
  ScanReceipt,
} from './schema.js';
import * as service from './service.js';

/** Place codes (场所码): places, their codes, the public scan form and scan lists (the purge is a job: src/jobs.ts). */
export const placeCodeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const read = app.requireRight('person.read');
  const write = app.requireRight('person.write');
  const tags = ['place codes'];
  const tx = app.db.transaction.bind(app.db);
  const retentionDays = app.config.placeScanRetentionDays;

  app.post(
    '/api/places',
    {
      schema: {
        operationId: 'createPlace',
        tags,
        summary:
          'Register a place (shop, office, gate…) and issue its code (场所码); the scan URL is shown once',
        body: PlaceBody,
        response: { 201: PlaceCreated, ...errors(400, 401, 403, 404) },
      },
      preHandler: write,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await tx().execute((trx) =>
            service.createPlace(trx, request.actor(), app.cipher, request.body, app.config.publicUrl),
          ),
        ),
  );

  app.get(
    '/api/places',
    {
      schema: {
        operationId: 'listPlaces',
        tags,
        summary: 'Places in scope',
        querystring: PlaceQuery,
        response: { 200: PlacePage, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.listPlaces(app.db, request.actor(), request.query),
  );

  app.get(
    '/api/places/:id',
    {
      schema: {
        operationId: 'getPlace',
        tags,
        summary: 'One place',
        params: IdParams,
        response: { 200: PlaceView, ...errors(401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.getPlace(app.db, request.actor(), request.params.id),
  );

  app.post(
    '/api/places/:id/code',
    {
      schema: {
        operationId: 'issuePlaceCode',
        tags,
        summary: 'Issue a new code for the place; the old one stops working',
        params: IdParams,
        response: { 201: CodeView, ...errors(401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await tx().execute((trx) =>
            service.issuePlaceCode(trx, request.actor(), app.cipher, request.params.id, app.config.publicUrl),
          ),
        ),
  );

  app.get(
    '/api/places/:id/scans',
    {
      schema: {
        operationId: 'listPlaceScans',
        tags,
        summary: `Who scanned the place (masked), newest first; scans are deleted after ${retentionDays} days`,
        params: IdParams,
        querystring: ScanQuery,
        response: { 200: ScanPage, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.listScans(app.db, request.actor(), request.params.id, request.query),
  );

  const security: Array<Record<string, string[]>> = [];
  const pageLimit = publicLimits(app, 'place-page', PAGE_LIMITS);
  const scanLimit = publicLimits(app, 'place-scan', PLACE_SCAN_LIMITS);

  app.get(
    '/api/public/places/:token',
    {
      schema: {
        operationId: 'getPublicPlace',
        tags: ['public forms'],
        security,
        summary: 'Scan page of a place code: the place, its community and how long scans are kept',
        params: TokenParams,
        response: { 200: PlacePublicPage, ...errors(400, 404, 429) },
      },
      onRequest: pageLimit,
    },
    async (request) => service.placePage(app.db, request.params.token, retentionDays),
  );

  app.post(
    '/api/public/places/:token/scans',
    {
      schema: {
        operationId: 'scanPlace',
        tags: ['public forms'],
        security,
        summary:
          'Record entering the place (document number or phone, name optional); kept hashed and encrypted',
        params: TokenParams,
        body: ScanBody,
        response: { 201: ScanReceipt, ...errors(400, 404, 413, 429) },
      },
      bodyLimit: PUBLIC_BODY_LIMIT,
      onRequest: scanLimit,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await service.recordScan(app.db, app.cipher, app.clock(), request.params.token, request.body)),
  );
};
