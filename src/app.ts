import { buildSerializerFactory } from './core/serializer.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { registerApiSchemas } from './api-schemas.js';
import { auditRoutes } from './audit/routes.js';
import { idempotencyPlugin } from './auth/idempotency.js';
import { authPlugin } from './auth/plugin.js';
import { authRoutes } from './auth/routes.js';
import type { Config } from './config.js';
import { AppError, registerErrorHandler } from './core/errors.js';
import { inputGuard, trimKeyword } from './core/input-guard.js';
import { loggerOptions } from './core/log.js';
import { sortedDocument } from './core/named-schemas.js';
import { registerCompression, serveWebApp } from './core/web-delivery.js';
import { readRoutingPlugin } from './db/read-routing.js';
import { HealthStatus } from './core/schemas.js';
import { type Backend, type Database, ping } from './db/database.js';
import type { DB } from './db/schema.js';
import { eventRoutes } from './events/routes.js';
import { hierarchyRoutes } from './hierarchy/routes.js';
import { householdCodeRoutes } from './household-codes/routes.js';
import { clearanceRoutes } from './enterprises/clearance/routes.js';
import { enterpriseLinkRoutes } from './enterprises/links/routes.js';
import { enterpriseBoardRoutes } from './enterprises/figures/routes.js';
import { enterpriseReportSheet } from './enterprises/figures/report-sheet.js';
import { filingRoutes } from './enterprises/filings/routes.js';
import { publicFilingRoutes } from './enterprises/filings/public-routes.js';
import { dashboardRoutes } from './health/dashboard/routes.js';
import { communityServicesPlugin } from './services/plugin.js';
import { keyPersonRoutes } from './health/key-persons/routes.js';
import { roundRoutes } from './health/rounds/routes.js';
import { leadVerificationPlugin } from './health/leads/plugin.js';
import { createFieldCipher, type FieldCipher } from './privacy/field-crypto.js';
import { placeCodeRoutes } from './place-codes/routes.js';
import { registerRoutes } from './register/routes.js';
import { registerImportRoutes } from './register-import/routes.js';
import { checkinRoutes } from './health/checkins/routes.js';
import { certificateRoutes } from './enterprises/certificates/routes.js';
import { checkinReportSheet } from './health/checkins/report-sheet.js';
import { healthFeedRoutes } from './health/feeds/routes.js';
import { matchRecordsOnRegistration } from './health/feeds/service.js';
import { useHealthRules } from './health/rules/settings.js';
import { tokenRoutes } from './tokens/routes.js';
import { userRoutes } from './users/routes.js';
import { visitRoutes } from './visits/routes.js';
import { open311Routes } from './open311/routes.js';
import type { NotificationChannelConfig } from './notifications/config.js';
import { notificationsPlugin } from './notifications/plugin.js';
import { jobsPlugin } from './jobs.js';
import { enterpriseInspectionRoutes } from './enterprises/inspections/routes.js';
import { eventPhotoRoutes } from './events/photos/routes.js';
import { reviewRoutes } from './review/routes.js';
import { mapRoutes } from './map/routes.js';
import { vehicleRoutes } from './checkpoints/vehicle-routes.js';
import { deviceReadRoutes } from './checkpoints/device-reads-routes.js';
import { deviceRegistryRoutes } from './checkpoints/device-registry-routes.js';
import { passRoutes } from './checkpoints/pass-routes.js';
import { healthStatusRoutes } from './health/status/routes.js';
import { dutyRoutes } from './checkpoints/duty-routes.js';
import { checkRoutes } from './checkpoints/check-routes.js';
import { checkpointReportSheet } from './checkpoints/figures-service.js';
import { sweepReportSheet } from './health/sweeps/report-sheet.js';
import { sweepRoutes } from './health/sweeps/routes.js';
import { vaccinationReportSheet } from './health/reports/vaccination.js';
import { checkpointRoutes } from './checkpoints/registry-routes.js';
import { basemapOrigins } from './map/service.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<DB>;
    database: Database;
    backend: Backend;
    config: Config;
    /** Encrypts personal fields at rest and computes their lookup hashes. */
    cipher: FieldCipher;
    /** The time: injected so tests can move it. */
    clock: () => Date;
  }
}

export interface AppOptions {
  database: Database;
  config: Config;
  clock?: () => Date;
  logger?: boolean;
  /** Where the log lines go (tests capture them); standard output by default. */
  logStream?: { write(line: string): void };
  /** Notification channels, read once at boot by the server (tests leave it to the environment). */
  notificationChannels?: NotificationChannelConfig;
  /** How often open notification streams are checked and kept open (default 15 s; tests shorten it). */
  notificationHeartbeatMs?: number;
  /** The built web app to serve (tests point it at a fixture); dist/web when it was built. */
  webRoot?: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** The built web app, <repo>/dist/web: beside dist/server when compiled, or under the repo when run from src/ with tsx. */
const builtWeb =
  path.basename(here) === 'server' ? path.resolve(here, '../web') : path.resolve(here, '../dist/web');
export const WEB_ROOT = existsSync(path.join(builtWeb, 'index.html')) ? builtWeb : undefined;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, database } = options;
  // The register publishes registrations; health matches waiting records to them (same transaction).
  matchRecordsOnRegistration();
  useHealthRules(config.healthRules);
  const app = Fastify({
    // One serializer keeps door, place, follow tokens and API keys out of every request line.
    logger: options.logger === false ? false : loggerOptions(config.logLevel, options.logStream),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: process.env.GRIDGUARD_TRUST_PROXY === 'true',
    // Open311 clients append "/services.xml" to the endpoint URL; one with a trailing slash still works.
    rewriteUrl: (request) => (request.url ?? '/').replace(/^\/open311\/v2\/{2,}/, '/open311/v2/'),
    // Response serializers see only the named schemas they reference (see core/serializer.ts).
    schemaController: { compilersFactory: { buildSerializer: buildSerializerFactory } },
    ajv: {
      customOptions: { coerceTypes: 'array', removeAdditional: false, useDefaults: true, allErrors: false },
      plugins: [trimKeyword],
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('db', database.db);
  app.decorate('database', database);
  app.decorate('backend', database.backend);
  app.decorate('config', config);
  app.decorate('clock', options.clock ?? (() => new Date()));
  app.decorate('cipher', createFieldCipher(config.keys));

  registerErrorHandler(app);
  // Every named schema once; routes reference them (and the generated contract names them).
  registerApiSchemas(app);
  // First of all hooks: no control character in any text from outside reaches a handler or the database.
  await app.register(inputGuard);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // The door-code scanner compiles its WebAssembly decoder (served from our own build).
        scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
        // Ant Design injects its CSS-in-JS styles at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        // A configured tile server is the one outside origin maps may fetch from.
        imgSrc: ["'self'", 'data:', 'blob:', ...basemapOrigins(config.basemap)],
        connectSrc: ["'self'", ...basemapOrigins(config.basemap)],
        // MapLibre runs its tile parsing in a worker the browser makes from a blob.
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        // Village offices often reach the server by a LAN address without TLS.
        upgradeInsecureRequests: config.cookieSecure ? [] : null,
      },
    },
    crossOriginEmbedderPolicy: false,
    hsts: config.cookieSecure ? { maxAge: 31536000 } : false,
  });
  await app.register(cookie);
  // Before every route: the compression hook attaches to the routes declared after it.
  await registerCompression(app);
  // Public endpoints count their limits in the database (household-codes/public-limits.ts), sign-in
  // its budgets and lock-outs (auth/lockout.ts): every app node counts on the same counters.
  await app.register(multipart, { limits: { fileSize: config.uploadLimitBytes, files: 1, fields: 20 } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Gridguard API',
        description: 'Grid-based community governance and epidemic prevention (网格卫士)',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'gg_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
    transformObject: (document) =>
      sortedDocument('openapiObject' in document ? document.openapiObject : document.swaggerObject),
  });
  await app.register(authPlugin);
  // After sign-in is read: a retried write (Idempotency-Key) is keyed by its user.
  await app.register(idempotencyPlugin);
  // After sign-in is read: heavy reads go to the replica unless the caller's own write is not there yet.
  await app.register(readRoutingPlugin);
  // Outside demo mode the API's map is for signed-in users only (GRIDGUARD_API_DOCS).
  const docsAllowed = (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) =>
    done(
      config.apiDocs === 'signed-in' && !request.viewer
        ? new AppError('UNAUTHENTICATED', 401, 'Sign in to read the API documentation')
        : undefined,
    );
  if (config.apiDocs !== 'off') {
    await app.register(swaggerUi, {
      routePrefix: '/api/docs',
      staticCSP: true,
      uiHooks: { preHandler: docsAllowed },
    });
    app.get('/api/openapi.json', { schema: { hide: true }, preHandler: docsAllowed }, async () =>
      app.swagger(),
    );
  }
  app.get(
    '/api/health',
    {
      schema: {
        operationId: 'getHealth',
        tags: ['system'],
        summary: 'Liveness and database backend',
        security: [],
        response: {
          200: HealthStatus,
        },
      },
    },
    async () => {
      await ping(app.db);
      return { status: 'ok' as const, database: app.backend };
    },
  );

  // Background jobs are declared in src/jobs.ts only; the registry is sealed before any route plugin.
  await app.register(jobsPlugin, { channels: options.notificationChannels });
  await app.register(authRoutes);
  await app.register(hierarchyRoutes);
  await app.register(userRoutes);
  await app.register(auditRoutes);
  await app.register(registerRoutes);
  await app.register(registerImportRoutes);
  await app.register(healthFeedRoutes);
  await app.register(checkinRoutes);
  await app.register(householdCodeRoutes);
  await app.register(enterpriseLinkRoutes);
  await app.register(enterpriseBoardRoutes);
  await app.register(clearanceRoutes);
  await app.register(filingRoutes);
  await app.register(publicFilingRoutes);
  await app.register(placeCodeRoutes);
  await app.register(visitRoutes);
  await app.register(tokenRoutes);
  await app.register(roundRoutes).register(keyPersonRoutes).register(sweepRoutes);
  await app.register(leadVerificationPlugin, {
    reportSheets: [
      vaccinationReportSheet,
      checkinReportSheet,
      checkpointReportSheet,
      sweepReportSheet,
      enterpriseReportSheet,
    ],
  });
  await app.register(dashboardRoutes);
  await app.register(open311Routes, { prefix: '/open311/v2' });
  await app.register(communityServicesPlugin);
  await app.register(notificationsPlugin, {
    ...(options.notificationChannels ? { channels: options.notificationChannels } : {}),
    heartbeatMs: options.notificationHeartbeatMs,
  });
  await app.register(eventPhotoRoutes);
  await app.register(eventRoutes);
  await app.register(reviewRoutes);
  await app.register(mapRoutes);
  await app.register(vehicleRoutes).register(deviceReadRoutes).register(deviceRegistryRoutes);
  await app.register(passRoutes);
  await app.register(healthStatusRoutes).register(dutyRoutes).register(checkRoutes);
  await app.register(checkpointRoutes);
  await app.register(certificateRoutes);
  await app.register(enterpriseInspectionRoutes);

  await serveWebApp(app, 'webRoot' in options ? options.webRoot : WEB_ROOT);
  return app;
}
