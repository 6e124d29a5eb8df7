import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors, IdParams } from '../../core/schemas.js';
import { publicLimits, tokenOf } from '../../household-codes/public-limits.js';
import { TokenParams } from '../../household-codes/schema.js';
import {
  ContactResponse,
  FollowParams,
  NoteBody,
  PublicReceipt,
  PublicRequestBody,
  PublicRequestView,
  ReassignBody,
  RequestDetail,
  RequestPage,
  RequestQuery,
  RevealBody,
  WorkerRequestBody,
} from './schema.js';
import { requestLocale } from '../../i18n/locale.js';
import * as service from './service.js';

const PUBLIC_BODY_LIMIT = 8 * 1024;

/** Resident requests (问题清单): from the door code or by a worker, routed to the covering volunteer. */
export const requestRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['service requests'];
  const publicTags = ['public forms'];
  const security: Array<Record<string, string[]>> = [];
  const handle = app.requireRight('service.handle');
  const tx = app.db.transaction.bind(app.db);
  const clientKey = (request: { ip: string }) => request.ip;
  const readLimit = publicLimits(app, 'household-requests-read', [{ max: 60, key: clientKey }]);
  // A household asks for help a few times a day at most; more per minute is a script.
  const writeLimit = publicLimits(app, 'household-requests', [
    { max: 20, key: clientKey },
    { max: 5, key: tokenOf },
  ]);
  const withdrawLimit = publicLimits(app, 'request-withdraw', [
    { max: 20, key: clientKey },
    { max: 5, key: tokenOf },
  ]);

  app.post(
    '/api/public/households/:token/requests',
    {
      schema: {
        operationId: 'submitPublicRequest',
        tags: publicTags,
        security,
        summary:
          'A resident asks for help (medicine, groceries, gas, doctor_visit, transport, other); goes to the household’s volunteer, else to the grid. Answers the request’s follow-link token once',
        params: TokenParams,
        body: PublicRequestBody,
        response: { 201: PublicReceipt, ...errors(400, 404, 413, 429) },
      },
      bodyLimit: PUBLIC_BODY_LIMIT,
      onRequest: writeLimit,
    },
    async (request, reply) =>
      reply
        .status(201)
        .header('cache-control', 'no-store')
        .send(
          await tx().execute((trx) =>
            service.submitPublicRequest(
              trx,
              app.cipher,
              app.clock(),
              request.ip,
              request.params.token,
              request.body,
            ),
          ),
        ),
  );

  // The door code is on the door for any passer-by: it lists no requests. Only the follow link
  // given to whoever asked opens one.
  app.get(
    '/api/public/requests/:token',
    {
      schema: {
        operationId: 'getPublicRequest',
        tags: publicTags,
        security,
        summary:
          'Follow a request through the link given on asking: what was asked, its status and the volunteer’s display name',
        params: FollowParams,
        response: { 200: PublicRequestView, ...errors(400, 404, 429) },
      },
      onRequest: readLimit,
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return service.followedRequest(app.db, request.params.token, requestLocale(request));
    },
  );

  app.post(
    '/api/public/requests/:token/cancel',
    {
      schema: {
        operationId: 'cancelPublicRequest',
        tags: publicTags,
        security,
        summary: 'Withdraw the request of this follow link, while it is not yet delivered',
        params: FollowParams,
        response: { 200: PublicRequestView, ...errors(400, 404, 409, 429) },
      },
      onRequest: withdrawLimit,
    },
    async (request) =>
      tx().execute((trx) =>
        service.cancelFollowedRequest(
          trx,
          app.clock(),
          request.ip,
          request.params.token,
          requestLocale(request),
        ),
      ),
  );

  app.post(
    '/api/service-requests',
    {
      schema: {
        operationId: 'createServiceRequest',
        tags,
        summary:
          'Record a request for a household in your area (on the resident’s behalf); routed like a resident’s',
        body: WorkerRequestBody,
        response: { 201: RequestDetail, ...errors(400, 401, 403, 404) },
      },
      preHandler: handle,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await tx().execute((trx) => service.createForHouse(trx, request.actor(), app.cipher, request.body)),
        ),
  );

  app.get(
    '/api/service-requests',
    {
      schema: {
        operationId: 'listServiceRequests',
        tags,
        summary:
          'Requests: mine=true is my queue; staff see their area’s (filter status incl. active, kind, urgency, area, unassigned); volunteers only their own',
        querystring: RequestQuery,
        response: { 200: RequestPage, ...errors(400, 401, 403, 404) },
      },
      preHandler: handle,
    },
    async (request) => service.listRequests(app.db, request.actor(), request.query),
  );

  app.get(
    '/api/service-requests/:id',
    {
      schema: {
        operationId: 'getServiceRequest',
        tags,
        summary: 'A request with its history',
        params: IdParams,
        response: { 200: RequestDetail, ...errors(401, 403, 404) },
      },
      preHandler: handle,
    },
    async (request) => service.getRequest(app.db, request.actor(), request.params.id),
  );

  const transitions = [
    [
      'accept',
      'Accept (open → accepted); a worker accepting an unassigned request takes it on',
      service.acceptRequest,
    ],
    ['deliver', 'Report delivery (accepted → delivered)', service.deliverRequest],
    ['close', 'Close (delivered → closed)', service.closeRequest],
    ['cancel', 'Cancel (open or accepted → cancelled), by a worker', service.cancelRequest],
  ] as const;
  for (const [action, summary, run] of transitions) {
    app.post(
      `/api/service-requests/:id/${action}`,
      {
        schema: {
          operationId: `${action}ServiceRequest`,
          tags,
          summary,
          params: IdParams,
          body: NoteBody,
          response: { 200: RequestDetail, ...errors(400, 401, 403, 404, 409) },
        },
        // The note is optional, and so is the whole body.
        preValidation: async (request) => {
          request.body ??= {};
        },
        preHandler: handle,
      },
      async (request) => tx().execute((trx) => run(trx, request.actor(), request.params.id, request.body)),
    );
  }

  app.post(
    '/api/service-requests/:id/reassign',
    {
      schema: {
        operationId: 'reassignServiceRequest',
        tags,
        summary: 'Hand the request to another volunteer or worker serving the house (it becomes open again)',
        params: IdParams,
        body: ReassignBody,
        response: { 200: RequestDetail, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: handle,
    },
    async (request) =>
      tx().execute((trx) => service.reassignRequest(trx, request.actor(), request.params.id, request.body)),
  );

  app.post(
    '/api/service-requests/:id/contact',
    {
      schema: {
        operationId: 'contactServiceRequest',
        tags,
        summary:
          'The resident’s contact phone, unmasked, for the volunteer or worker calling back (audit-logged)',
        params: IdParams,
        body: RevealBody,
        response: { 200: ContactResponse, ...errors(400, 401, 403, 404) },
      },
      preHandler: handle,
    },
    async (request, reply) => {
      const contact = await tx().execute((trx) =>
        service.revealContact(trx, request.actor(), app.cipher, request.params.id, request.body.reason),
      );
      reply.header('cache-control', 'no-store');
      return contact;
    },
  );
};
