import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { resolveSession } from '../../auth/repository.js';
import { can } from '../../auth/scope.js';
import { errors } from '../../core/schemas.js';
import { DashboardQuery, DashboardView } from './schema.js';
import * as service from './service.js';
import { EventStream, every } from '../../core/event-stream.js';

export interface DashboardRouteOptions {
  /** How often a stream looks for new events (default 3 s). */
  pollMs?: number;
  /** How often an idle stream sends a comment so proxies keep it open (default 15 s). */
  heartbeatMs?: number;
}

const RETRY_MS = 5000;

/** The big screen (一屏掌握): one answer with a node's figures, and a live feed of what happens there. */
export const dashboardRoutes: FastifyPluginAsyncTypebox<DashboardRouteOptions> = async (app, options) => {
  const tags = ['dashboard'];
  const read = app.requireRight('health.read');
  const pollMs = options.pollMs ?? 3000;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const streams = new Set<EventStream>();
  const testsCache = new service.TestsTrendCache();
  // Open streams would keep the server from closing.
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.close();
  });

  app.get(
    '/api/dashboard',
    {
      schema: {
        operationId: 'getDashboard',
        tags,
        summary:
          'A node’s headline figures (events and requests with event.read), the open round’s coverage, each child’s figures for the map, and 14-day trends',
        querystring: DashboardQuery,
        response: { 200: DashboardView, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.dashboard(request.readDb(), request.actor(), request.query, testsCache),
  );

  app.get(
    '/api/dashboard/stream',
    {
      schema: {
        operationId: 'streamDashboard',
        tags,
        summary:
          'Live feed of the node (server-sent events): new key persons, verified and escalated leads, confirmed arrivals, finished feed batches, and (with event.read) new, escalated and closed events; resumes from Last-Event-ID',
        description:
          'Each event’s data is a JSON FeedEvent (see the dashboard schema); a comment every 15 s keeps the connection open.',
        produces: ['text/event-stream'],
        querystring: DashboardQuery,
        response: { ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request, reply) => {
      const actor = request.actor();
      // The feed reads the replica (its cursor just waits while it lags); the session check stays on the primary.
      const node = await service.resolveNode(app.readDb, actor.viewer, request.query.node);
      const lastEventId = request.headers['last-event-id'];
      const resumed = service.decodeCursor(Array.isArray(lastEventId) ? lastEventId[0] : lastEventId);
      const start = resumed
        ? { events: [], cursor: resumed }
        : await service.feedStart(app.readDb, node.path, actor.now(), {
            events: can(actor.viewer, 'event.read', node.path),
          });

      // From here the connection is ours: Fastify sends nothing more.
      reply.hijack();
      const stream = new EventStream(reply.raw, reply.getHeaders(), RETRY_MS);
      streams.add(stream);
      stream.onClose(() => streams.delete(stream));
      stream.comment('connected');
      let cursor = start.cursor;
      for (const { event, cursor: after } of start.events) stream.send(service.encodeCursor(after), event);

      const token = request.sessionToken;
      const onError = (error: unknown) => request.log.error({ err: error }, 'dashboard stream failed');
      every(
        stream,
        pollMs,
        async () => {
          // Signed out, expired or no longer allowed here: the stream ends with the session. (Asking
          // keeps an open big screen's session alive, as its page would by reloading figures.)
          const session = token ? await resolveSession(app.db, token, app.clock()) : null;
          if (!session || !can(session.viewer, 'health.read', node.path)) {
            stream.close();
            return;
          }
          // Event items only while the session may read events there (rights can be withdrawn).
          const options = { events: can(session.viewer, 'event.read', node.path) };
          for (const { event, cursor: after } of await service.feedSince(
            app.readDb,
            node.path,
            cursor,
            options,
          )) {
            cursor = after;
            stream.send(service.encodeCursor(after), event);
          }
        },
        onError,
      );
      every(stream, heartbeatMs, () => stream.comment('heartbeat'), onError);
    },
  );
};
