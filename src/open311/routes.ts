import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { resolveApiToken } from '../auth/repository.js';
import type { Viewer } from '../auth/scope.js';
import { AppError, inputDatabaseError } from '../core/errors.js';
import { readFormWithPhotos } from '../events/photos/multipart.js';
import type { PreparedPhoto } from '../events/photos/photos.js';
import { MAX_REPORT_PHOTO_BYTES } from '../events/public-routes.js';
import { clientKey, publicLimits } from '../household-codes/public-limits.js';
import { type Open311Format, sendErrors, sendList, sendObject } from './format.js';
import {
  fileServiceRequest,
  jurisdictionPath,
  parseRequestQuery,
  presentRequest,
  presentService,
  serviceDefinition,
  type ServiceRequestForm,
} from './service.js';
import {
  findOpen311Photo,
  findServiceRequests,
  latestCategoryCreation,
  listPublicServices,
} from './repository.js';

type TokenViewer = Extract<Viewer, { kind: 'token' }>;
type FormBody = Record<string, string | string[]>;

const FORMAT = '(^(xml|json)$)';
/**
 * Form posts: a 4,000-character Chinese description is 36 KB once percent-encoded, plus the other
 * fields and attributes.
 */
const FORM_LIMIT = 64 * 1024;
/** Bytes of one multipart text field: a 4,000-character Chinese description is 12 KB. */
const FIELD_LIMIT = 16 * 1024;
/** Reads without a key, per client and minute; a client with a key gets more. */
const PUBLIC_READS = 60;
const KEYED_READS = 600;
/** Requests filed, per client and minute. */
const WRITES = 60;

function formatOf(request: FastifyRequest): Open311Format {
  const path = request.url.split('?')[0] ?? '';
  return path.endsWith('.json') ? 'json' : 'xml';
}

/** Parameters as single strings: a repeated one keeps its last value. */
function stringParams(source: unknown): Record<string, string> {
  if (!source || typeof source !== 'object') return {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    const last: unknown = Array.isArray(value) ? value[value.length - 1] : value;
    if (typeof last === 'string') out[key] = last;
    else if (typeof last === 'number' || typeof last === 'boolean') out[key] = String(last);
  }
  return out;
}

/** `attribute[code]=v` and `attribute[code][]=v` (repeated for a multi-value list), by code. */
function attributeParams(source: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!source || typeof source !== 'object') return out;
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    const match = /^attribute\[([^\]]{1,60})\](\[\])?$/.exec(key);
    if (!match) continue;
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    (out[match[1]!] ??= []).push(...values);
  }
  return out;
}

/**
 * Open311 GeoReport v2 at /open311/v2 (discovery, services, service definitions, create and query
 * service requests; XML and JSON; errors as a list of {code, description}). Reading is public and
 * throttled, without reporters; filing needs an API key of capability `open311` (`api_key` parameter
 * or a bearer header), whose area bounds where it files and, when given, what it reads.
 */
export const open311Routes: FastifyPluginAsync = async (app) => {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_LIMIT },
    (_request, body, done) => {
      const out: FormBody = {};
      for (const [key, value] of new URLSearchParams(body as string)) {
        const known = out[key];
        out[key] = known === undefined ? value : [...(Array.isArray(known) ? known : [known]), value];
      }
      done(null, out);
    },
  );

  // Every error here, including validation and authentication, in the Open311 shape.
  app.setErrorHandler((caught: Error & { statusCode?: number }, request, reply) => {
    const error = inputDatabaseError(caught) ?? caught;
    const given = error instanceof AppError ? error.statusCode : (error.statusCode ?? 500);
    // The spec answers a missing or bad key with 403 (the auth plugin says 401 for a bad bearer).
    const status = given === 401 ? 403 : given;
    if (status >= 500) request.log.error({ err: error }, 'open311 request failed');
    const message = status >= 500 ? 'Internal error' : error.message;
    return sendErrors(reply, formatOf(request), status, [message]);
  });
  app.setNotFoundHandler((request, reply) =>
    sendErrors(reply, formatOf(request), 404, [`No Open311 resource ${request.url.split('?')[0]}`]),
  );

  const publicRead = publicLimits(app, 'open311-read', [{ max: PUBLIC_READS, key: clientKey }]);
  const keyedRead = publicLimits(app, 'open311-keyed-read', [{ max: KEYED_READS, key: clientKey }]);
  const write = publicLimits(app, 'open311-write', [{ max: WRITES, key: clientKey }]);
  const readLimit = async (request: FastifyRequest, reply: FastifyReply) => {
    const keyed =
      request.headers.authorization !== undefined || stringParams(request.query).api_key !== undefined;
    return (keyed ? keyedRead : publicRead)(request, reply);
  };

  /**
   * The caller's Open311 key: a bearer header (checked by the auth plugin) or the api_key parameter.
   * None is null (reads are public); a missing key where one is needed, an unknown, revoked or
   * other key is 403, as the spec answers.
   */
  const keyOf = async (request: FastifyRequest, key: string | undefined): Promise<TokenViewer | null> => {
    // A signed-in user's session cookie is not a key: such a caller reads like the public.
    let viewer = request.viewer?.kind === 'token' ? request.viewer : undefined;
    if (!viewer) {
      if (!key) return null;
      viewer = (await resolveApiToken(app.db, key, app.clock())) ?? undefined;
      if (!viewer) throw new AppError('FORBIDDEN', 403, 'api_key is unknown or revoked');
    }
    if (viewer.kind !== 'token' || viewer.capability !== 'open311')
      throw new AppError('FORBIDDEN', 403, 'api_key is not an Open311 key');
    return viewer;
  };

  const english = (request: FastifyRequest) => stringParams(request.query).locale?.startsWith('en') ?? false;
  const schema = { hide: false, tags: ['open311'], security: [] };
  const endpointUrl = () => `${app.config.publicUrl}/open311/v2`;

  app.get<{ Params: { format: Open311Format } }>(
    `/discovery.:format${FORMAT}`,
    { schema: { ...schema, operationId: 'open311Discovery', summary: 'Service discovery' } },
    async (request, reply) => {
      const changeset = (await latestCategoryChange(app)).toISOString();
      return sendObject(reply, request.params.format, 'discovery', {
        changeset,
        contact: 'Gridguard Open311 endpoint; reading is public, filing needs an API key from your city',
        key_service:
          'Issued by the operator: gridguard token create --name NAME --area CODE --capability open311',
        endpoints: [
          {
            specification: 'http://wiki.open311.org/GeoReport_v2',
            // Without a trailing slash: clients append "/services.xml".
            url: endpointUrl(),
            changeset,
            type: 'production',
            formats: ['text/xml', 'application/json'],
          },
        ],
      });
    },
  );

  /** A jurisdiction_id, if given, must name an area served here (any key's, or the caller's key's). */
  const checkJurisdiction = async (request: FastifyRequest) => {
    const query = stringParams(request.query);
    if (query.jurisdiction_id)
      await jurisdictionPath(app.db, query.jurisdiction_id, await keyOf(request, query.api_key));
  };

  app.get<{ Params: { format: Open311Format } }>(
    `/services.:format${FORMAT}`,
    {
      schema: {
        ...schema,
        operationId: 'open311ListServices',
        summary: 'Services (the public event categories)',
      },
    },
    async (request, reply) => {
      await checkJurisdiction(request);
      const services = (await listPublicServices(app.db)).map((row) => presentService(row, english(request)));
      return sendList(reply, request.params.format, 'services', 'service', services);
    },
  );

  app.get<{ Params: { code: string; format: Open311Format } }>(
    `/services/:code.:format${FORMAT}`,
    { schema: { ...schema, operationId: 'open311GetService', summary: 'A service definition' } },
    async (request, reply) => {
      await checkJurisdiction(request);
      const [service] = await listPublicServices(app.db, request.params.code);
      if (!service)
        throw new AppError('NOT_FOUND', 404, `service_code ${request.params.code} is not provided`);
      return sendObject(
        reply,
        request.params.format,
        'service_definition',
        serviceDefinition(service, english(request)),
      );
    },
  );

  app.post<{ Params: { format: Open311Format } }>(
    `/requests.:format${FORMAT}`,
    {
      schema: {
        ...schema,
        operationId: 'open311CreateRequest',
        summary:
          'File a service request (随手拍): form-encoded, or multipart with one photo in the file part "media"',
      },
      onRequest: write,
    },
    async (request, reply) => {
      let body: unknown = request.body;
      let photos: PreparedPhoto[] = [];
      if (request.isMultipart()) {
        // The same checks and re-encoding as a resident's photos.
        const form = await readFormWithPhotos(request, {
          maxPhotos: 1,
          maxPhotoBytes: MAX_REPORT_PHOTO_BYTES,
          maxFields: 40,
          maxFieldBytes: FIELD_LIMIT,
        });
        body = form.fields;
        photos = form.photos;
      }
      const form = stringParams(body) as ServiceRequestForm;
      const viewer = await keyOf(request, form.api_key ?? stringParams(request.query).api_key);
      if (!viewer) throw new AppError('FORBIDDEN', 403, 'api_key is required to file a request');
      const [service] = form.service_code ? await listPublicServices(app.db, form.service_code) : [];
      const created = await app.db.transaction().execute((trx) =>
        fileServiceRequest(trx, { viewer, ip: request.ip, now: app.clock }, app.cipher, {
          form,
          attributes: attributeParams(body),
          service,
          photos,
        }),
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

  /** Requests a client may read: the key's area, or every area's public services without a key. */
  const query = async (request: FastifyRequest, codes: string[] | undefined) => {
    const params = stringParams(request.query);
    const viewer = await keyOf(request, params.api_key);
    const area = await jurisdictionPath(app.db, params.jurisdiction_id, viewer);
    const filter = codes ? { codes, limit: codes.length } : parseRequestQuery(params, app.clock());
    const rows = await findServiceRequests(app.db, {
      ...filter,
      ...(area ? { areaPath: area.path } : {}),
      publicOnly: viewer === null,
    });
    return rows.map((row) => presentRequest(row, english(request), endpointUrl()));
  };

  app.get<{ Params: { format: Open311Format } }>(
    `/requests.:format${FORMAT}`,
    {
      schema: { ...schema, operationId: 'open311ListRequests', summary: 'Query service requests' },
      onRequest: readLimit,
    },
    async (request, reply) =>
      sendList(reply, request.params.format, 'service_requests', 'request', await query(request, undefined)),
  );

  app.get<{ Params: { id: string; format: Open311Format } }>(
    `/requests/:id.:format${FORMAT}`,
    {
      schema: { ...schema, operationId: 'open311GetRequest', summary: 'One service request' },
      onRequest: readLimit,
    },
    async (request, reply) => {
      const found = await query(request, [request.params.id]);
      if (found.length === 0)
        throw new AppError('NOT_FOUND', 404, `service_request_id ${request.params.id} is not found`);
      return sendList(reply, request.params.format, 'service_requests', 'request', found);
    },
  );

  app.get<{ Params: { id: string; photoId: string } }>(
    '/requests/:id/media/:photoId(^\\d{1,9}$)',
    {
      schema: {
        ...schema,
        operationId: 'open311GetRequestMedia',
        summary: 'The photo posted with a request (its media_url)',
      },
      onRequest: publicRead,
    },
    async (request, reply) => {
      const photo = await findOpen311Photo(app.db, request.params.id, Number(request.params.photoId));
      if (!photo) throw new AppError('NOT_FOUND', 404, 'No such photo of this request');
      return reply
        .type(photo.mime)
        .header('cache-control', 'public, max-age=86400')
        .header('etag', `"${photo.sha256}"`)
        .send(photo.content);
    },
  );
};

/** The discovery changeset: when the services (categories) last changed. */
async function latestCategoryChange(app: Parameters<FastifyPluginAsync>[0]): Promise<Date> {
  return (await latestCategoryCreation(app.db)) ?? new Date(0);
}
