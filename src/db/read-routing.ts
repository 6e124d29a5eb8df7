import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import { formatLsn, parseLsn, primaryLsn } from './replica.js';
import type { DB } from './schema.js';

/** Set on answers read from a replica that lags beyond GRIDGUARD_READ_MAX_LAG_SECONDS: the lag, in seconds. */
export const DATA_AGE_HEADER = 'x-gridguard-data-age';
/** The WAL position of the browser's last write (see below). */
export const WROTE_COOKIE = 'gg_wrote';
/** Long enough for any replica worth reading from to catch up; a lagging one sends the writer to the primary. */
const WROTE_COOKIE_SECONDS = 15 * 60;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The handle heavy reads (dashboards, boards, lists, reports) may use: the replica of
     * DATABASE_READ_URL, or `db` itself without one. Routes take `request.readDb()`, which also keeps
     * a user's reads on the primary right after their own write.
     */
    readDb: Kysely<DB>;
  }
  interface FastifyRequest {
    /** Where this request's heavy reads go: the replica, or the primary (no replica, replica down, own write not replayed yet). */
    readDb(): Kysely<DB>;
    /** Whether `readDb()` handed out the replica (its answer then says how old the data is). */
    readFromReplica: boolean;
  }
}

/**
 * Read-your-own-writes across stateless nodes. After a signed-in caller's successful write, the answer
 * sets a cookie with the primary's WAL position at that moment (after the commit, so it covers the
 * write), MACed with the installation's HMAC key and bound to the user. A later read goes to the
 * replica only once the replica has replayed past that position (`pg_last_wal_replay_lsn()`, measured
 * by every node's `replica-lag` job). Why this and not a time window or per-process memory: any node
 * decides alone from the cookie and the replica's own position, with no shared state and no extra
 * write per request; the writer returns to the replica as soon as it has the write (not after a
 * guessed delay), and stays on the primary for as long as a lagging replica lacks it (up to
 * WROTE_COOKIE_SECONDS). The cookie belongs to the browser: a token client without cookies, or the
 * same user's other device, reads the replica and may see its write a moment later.
 */
export const readRoutingPlugin = fp(
  async (app) => {
    const replica = app.database.replica;
    app.decorate('readDb', replica ? replica.db : app.db);
    app.decorateRequest('readFromReplica', false);
    const key = createHmac('sha256', app.config.keys.hmac).update('gridguard read-your-writes').digest();
    const mac = (userId: number, lsn: string) =>
      createHmac('sha256', key).update(`${userId}:${lsn}`).digest('base64url').slice(0, 22);

    /** The WAL position this caller last wrote at, if the cookie is theirs and intact. */
    const wroteAt = (request: FastifyRequest): bigint | null => {
      const raw = request.cookies[WROTE_COOKIE];
      const viewer = request.viewer;
      if (!raw || viewer?.kind !== 'user') return null;
      const [lsn, tag] = raw.split('.');
      if (!lsn || !tag || !/^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/.test(lsn)) return null;
      const expected = Buffer.from(mac(viewer.userId, lsn));
      const given = Buffer.from(tag);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      return parseLsn(lsn);
    };

    app.decorateRequest('readDb', function (this: FastifyRequest): Kysely<DB> {
      if (!replica) return app.db;
      const { status, replayLsn } = replica.state;
      if (status === 'down') return app.db;
      const wrote = wroteAt(this);
      // Not measured yet, or behind the caller's own write: the primary has it.
      if (wrote !== null && (replayLsn === null || replayLsn < wrote)) return app.db;
      this.readFromReplica = true;
      return replica.db;
    });

    if (!replica) return;
    const maxLag = app.config.readMaxLagSeconds;
    app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload) => {
      // Lagging beyond the bound: the page still answers from the replica, and says how old it is.
      if (request.readFromReplica) {
        const { status, lagSeconds } = replica.state;
        if (status === 'up' && lagSeconds > maxLag) void reply.header(DATA_AGE_HEADER, String(lagSeconds));
      }
      const viewer = request.viewer;
      if (!SAFE_METHODS.has(request.method) && reply.statusCode < 400 && viewer?.kind === 'user') {
        const lsn = formatLsn(await primaryLsn(app.db));
        void reply.setCookie(WROTE_COOKIE, `${lsn}.${mac(viewer.userId, lsn)}`, {
          path: '/',
          httpOnly: true,
          sameSite: 'strict',
          secure: app.config.cookieSecure,
          maxAge: WROTE_COOKIE_SECONDS,
        });
      }
      return payload;
    });
  },
  { name: 'gridguard-read-routing' },
);
