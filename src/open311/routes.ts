import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { resolveApiToken } from '../auth/repository.js';
import type { Viewer } from '../auth/scope.js';
import { AppError, inputDatabaseError } from '../core/errors.js';
import { type Open311Format, sendErrors, sendList, sendObject } from './format.js';
import {
  fileServiceRequest,
  parseRequestQuery,
  presentRequest,
  presentService,
  serviceDefinition,
  type ServiceRequestForm,
} from './service.js';
import { findServiceRequests, latestCategoryCreation, listPublicServices } from './repository.js';

type TokenViewer = Extract<Viewer, { kind: 'token' }>;

const FORMAT = '(^(xml|json)$)';
/** Form posts are small: a description and a few fields. */
const FORM_LIMIT = 16 * 1024;

function formatOf(request: FastifyRequest): Open311Format {
  const path = request.url.split('?')[0] ?? '';
  return path.endsWith('.json') ? 'json' : 'xml';
}

function stringParams(source: unknown): Record<string, string> {
  if (!source || typeof source !== 'object') return {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    if (typeof value === 'string') out[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
  }
  return out;
}

/**
 * Open311 GeoReport v2 at /open311/v2 (discovery, services, service definitions, create and query
 * service requests; XML and JSON; errors as a list of {code, description}). Clients authenticate
 * with an API key of capability `open311` (`api_key` parameter or a bearer header); the key's area
 * bounds where they may file and what they may read.
 */
export const open311Routes: FastifyPluginAsync = async (app) => {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_LIMIT },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  // Every error here, including validation and authentication, in the Open311 shape.
  app.setErrorHandler((caught: Error & { statusCode?: number }, request, reply) => {
    const error = inputDatabaseError(caught) ?? caught;
    const status = error instanceof AppError ? error.statusCode : (error.statusCode ?? 500);
    if (status >= 500) request.log.error({ err: error }, 'open311 request failed');
    const message = status >= 500 ? 'Internal error' : error.message;
    return sendErrors(reply, formatOf(request), status, [message]);
  });
  app.setNotFoundHandler((request, reply) =>
    sendErrors(reply, formatOf(request), 404, [`No Open311 resource ${request.url.split('?')[0]}`]),
  );

  /** The caller's Open311 key: a bearer header (checked by the auth plugin) or the api_key parameter. */
  const client = async (request: FastifyRequest): Promise<TokenViewer> => {
    let viewer = request.viewer;
    if (!viewer) {
      const key = stringParams(request.body).api_key ?? stringParams(request.query).api_key;
      if (!key) throw new AppError('UNAUTHENTICATED', 401, 'api_key is required');
      viewer = await resolveApiToken(app.db, key, app.clock());
      if (!viewer) throw new AppError('UNAUTHENTICATED', 401, 'api_key is unknown or revoked');
    }
    if (viewer.kind !== 'token' || viewer.capability !== 'open311')
      throw new AppError('FORBIDDEN', 403, 'api_key is not an Open311 key');
    return viewer;
  };

  const schema = { hide: false, tags: ['open311'], security: [] };

  app.get<{ Params: { format: Open311Format } }>(
    `/discovery.:format${FORMAT}`,
    { schema: { ...schema, operationId: 'open311Discovery', summary: 'Service discovery' } },
    async (request, reply) => {
      const url = `${app.config.publicUrl}/open311/v2/`;
      return sendObject(reply, request.params.format, 'discovery', {
        changeset: (await latestCategoryChange(app)).toISOString(),
        contact:
          'Gridguard Open311 endpoint; ask your city for an API key (gridguard token create --capability open311)',
        key_service:
          'Issued by the operator: gridguard token create --name NAME --area CODE --capability open311',
        endpoints: [
          {
            specification: 'http://wiki.open311.org/GeoReport_v2',
            url,
            changeset: (await latestCategoryChange(app)).toISOString(),
            type: 'production',
            formats: ['text/xml', 'application/json'],
          },
        ],
      });
    },
  );

  app.get<{ Params: { format: Open311Format }; Querystring: Record<string, string> }>(
    `/services.:format${FORMAT}`,
    {
      schema: {
        ...schema,
        operationId: 'open311ListServices',
        summary: 'Services (the public event categories)',
      },
    },
    async (request, reply) => {
      const english = request.query.locale?.startsWith('en') ?? false;
      const services = (await listPublicServices(app.db)).map((row) => presentService(row, english));
      return sendList(reply, request.params.format, 'services', 'service', services);
    },
  );

  app.get<{ Params: { code: string; format: Open311Format } }>(
    `/services/:code.:format${FORMAT}`,
    { schema: { ...schema, operationId: 'open311GetService', summary: 'A service definition' } },
    async (request, reply) => {
      const services = await listPublicServices(app.db);
      const service = services.find((s) => s.code === request.params.code);
      if (!service)
        throw new AppError('NOT_FOUND', 404, `service_code ${request.params.code} is not provided`);
      return sendObject(reply, request.params.format, 'service_definition', serviceDefinition(service));
    },
  );

  app.post<{ Params: { format: Open311Format } }>(
    `/requests.:format${FORMAT}`,
    {
      schema: { ...schema, operationId: 'open311CreateRequest', summary: 'File a service request (随手拍)' },
    },
    async (request, reply) => {
      const viewer = await client(request);
      const form = stringParams(request.body) as ServiceRequestForm;
      const created = await app.db
        .transaction()
        .execute((trx) =>
          fileServiceRequest(trx, { viewer, ip: request.ip, now: app.clock }, app.cipher, form),
        );
      return sendList(reply, request.params.format, 'service_requests', 'request', [
        {
          service_request_id: created.code,
          service_notice: created.notice,
          account_id: null,
        },
      ]);
    },
  );

  const query = async (
    request: FastifyRequest,
    reply: FastifyReply,
    format: Open311Format,
    codes: string[] | undefined,
  ) => {
    const viewer = await client(request);
    const filter = parseRequestQuery(stringParams(request.query), viewer.areaPath, app.clock());
    const rows = await findServiceRequests(app.db, { ...filter, ...(codes ? { codes } : {}) });
    const english = stringParams(request.query).locale?.startsWith('en') ?? false;
    return sendList(
      reply,
      format,
      'service_requests',
      'request',
      rows.map((row) => presentRequest(row, english)),
    );
  };

  app.get<{ Params: { format: Open311Format } }>(
    `/requests.:format${FORMAT}`,
    { schema: { ...schema, operationId: 'open311ListRequests', summary: 'Query service requests' } },
    async (request, reply) => {
      const ids = stringParams(request.query).service_request_id;
      return query(
        request,
        reply,
        request.params.format,
        ids
          ? ids
              .split(',')
              .map((id) => id.trim())
              .filter(Boolean)
          : undefined,
      );
    },
  );

  app.get<{ Params: { id: string; format: Open311Format } }>(
    `/requests/:id.:format${FORMAT}`,
    { schema: { ...schema, operationId: 'open311GetRequest', summary: 'One service request' } },
    async (request, reply) => {
      const result = await query(request, reply, request.params.format, [request.params.id]);
      return result;
    },
  );
};

/** The discovery changeset: when the services (categories) last changed. */
async function latestCategoryChange(app: Parameters<FastifyPluginAsync>[0]): Promise<Date> {
  return (await latestCategoryCreation(app.db)) ?? new Date(0);
}
