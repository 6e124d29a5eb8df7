import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Transaction } from 'kysely';
import { Type } from 'typebox';
import { AppError } from '../core/errors.js';
import type { DB } from '../db/schema.js';
import {
  claimIdempotencyKey,
  finishIdempotencyKey,
  findIdempotencyKey,
  releaseIdempotencyKey,
  renewIdempotencyLeases,
} from './idempotency-repository.js';

/** The request header (lower case, as Node gives it) and the answer header of a replay. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
/** How long a key and its answer are kept: an outbox left a week on a phone in a drawer still sends once. */
export const IDEMPOTENCY_TTL_MS = 7 * 24 * 3600 * 1000;
/**
 * A running key is leased, not held: its node renews the lease while the request runs, so a key
 * left running by a node that died (kill -9, power cut) may run again once the lease is out,
 * instead of answering 409 for a week.
 */
export const IDEMPOTENCY_LEASE_MS = 15_000;
const LEASE_RENEWAL_MS = IDEMPOTENCY_LEASE_MS / 3;
/** How long a key whose release failed (database down) is retried, once a second. */
const RELEASE_RETRY_MS = IDEMPOTENCY_LEASE_MS;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The header as the OpenAPI document declares it on the writes the offline app sends. */
export const IdempotencyHeaders = Type.Object({
  [IDEMPOTENCY_HEADER]: Type.Optional(
    Type.String({
      format: 'uuid',
      description:
        'A client-generated UUID: the write runs at most once per user and key (7 days); a retry gets the first answer again with Idempotent-Replayed: true',
    }),
  ),
});

/** A key this request claimed; `answered` once its answer committed with the handler's write. */
export interface IdempotencyClaimOfRequest {
  userId: number;
  key: string;
  /** The claim's created_at: the key is still this request's while the row carries it. */
  since: Date;
  answered: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The key this request claimed, so inTransaction or onSend keeps the answer under it. */
    idempotencyClaim: IdempotencyClaimOfRequest | null;
  }
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Failure seams for the tests that prove the write and its key commit together: `insideTransaction`
 * runs after the handler's writes, before the key is marked done (a throw rolls both back);
 * `afterCommit` runs once both committed, before the route answers (a throw stands for the node
 * dying there). Never set outside tests.
 */
export const idempotencyFaultsForTests: {
  insideTransaction: (() => Promise<void>) | null;
  afterCommit: (() => Promise<void>) | null;
} = { insideTransaction: null, afterCommit: null };

const inFlight = () => new AppError('IDEMPOTENCY_KEY_IN_FLIGHT', 409, 'A request with this key is running');

/**
 * Runs a write's transaction so that, when the request carries a claimed Idempotency-Key, the
 * key is marked done with its answer in the same transaction: the write and the kept answer
 * commit together or not at all, so a node killed (or a database crashing) right after the
 * commit cannot let a retry run the write again. `work` returns the answer's body (serialized
 * with the route's response schema for `status`, default 200); the route then sends it. A key
 * whose lease ran out and was taken over by another node rolls the write back (409).
 */
export async function inTransaction<T>(
  request: FastifyRequest,
  reply: { statusCode: number; serialize(payload: unknown): unknown },
  work: (trx: Transaction<DB>) => Promise<T>,
  status?: number,
): Promise<T> {
  const claim = request.idempotencyClaim;
  const app = request.server;
  const result = await app.db.transaction().execute(async (trx) => {
    const answer = await work(trx);
    if (claim) {
      if (status !== undefined) reply.statusCode = status;
      const serialized = reply.serialize(answer);
      const body =
        serialized instanceof ArrayBuffer
          ? Buffer.from(serialized).toString('utf8')
          : payloadText(serialized);
      await idempotencyFaultsForTests.insideTransaction?.();
      const expiresAt = new Date(app.clock().getTime() + IDEMPOTENCY_TTL_MS);
      const held = await finishIdempotencyKey(
        trx,
        claim,
        { status: reply.statusCode, type: JSON_TYPE, body },
        expiresAt,
      );
      if (!held) throw inFlight();
    }
    return answer;
  });
  if (claim) claim.answered = true;
  if (status !== undefined) reply.statusCode = status;
  await idempotencyFaultsForTests.afterCommit?.();
  return result;
}

const invalidKey = () =>
  new AppError('IDEMPOTENCY_KEY_INVALID', 400, `The ${IDEMPOTENCY_HEADER} header must be a UUID`, [
    { field: `headers.${IDEMPOTENCY_HEADER}`, code: 'format', params: { format: 'uuid' } },
  ]);

/** The header's key, validated; null when the request carries none. */
function keyOf(request: FastifyRequest): string | null {
  const value = request.headers[IDEMPOTENCY_HEADER];
  if (value === undefined) return null;
  if (typeof value !== 'string' || !UUID.test(value)) throw invalidKey();
  return value.toLowerCase();
}

/**
 * What makes two requests "the same": method, address and body. A multipart body is a stream the
 * handler reads once, so it counts by its content type's kind and length (a resend of the same
 * files has the same length; its random boundary is of fixed size in browsers).
 */
function fingerprintOf(request: FastifyRequest): string {
  const body = request.isMultipart()
    ? `multipart:${request.headers['content-length'] ?? ''}`
    : JSON.stringify(request.body ?? null);
  return createHash('sha256').update(`${request.method} ${request.url}\n${body}`).digest('hex');
}

function payloadText(payload: unknown): string | null {
  if (typeof payload === 'string') return payload;
  if (Buffer.isBuffer(payload)) return payload.toString('utf8');
  return null;
}

/**
 * Any write of a signed-in user carrying `Idempotency-Key: <uuid>` runs at most once: the key is
 * claimed in the database before the handler runs; a retry with the same body gets the kept
 * answer (Idempotent-Replayed: true), another body 422, a retry while the first still runs 409.
 * A 5xx gives the key back (the handler's transaction rolled back); a running key is leased
 * (IDEMPOTENCY_LEASE_MS), so one left by a crashed node frees itself. API tokens and public forms
 * are not keyed by a user, so for them the header is only checked for its form.
 *
 * Routes that declare IdempotencyHeaders run their write through `inTransaction`, which marks the
 * key done with its answer inside the write's own transaction: a node killed or a database
 * crashing after that commit leaves a replayable answer, never a key a retry may run again. Any
 * other write sent with the header falls back to onSend keeping the answer in a second step.
 */
export const idempotencyPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('idempotencyClaim', null);
    const running = new Map<string, IdempotencyClaimOfRequest>();
    const idOf = (claim: { userId: number; key: string }) => `${claim.userId}:${claim.key}`;
    let renewing = false;
    const renewal = setInterval(() => {
      if (renewing || running.size === 0) return;
      renewing = true;
      renewIdempotencyLeases(
        app.db,
        [...running.values()],
        new Date(app.clock().getTime() + IDEMPOTENCY_LEASE_MS),
      )
        .catch((error: unknown) => app.log.warn({ err: error }, 'could not renew idempotency leases'))
        .finally(() => (renewing = false));
    }, LEASE_RENEWAL_MS);
    renewal.unref();
    app.addHook('onClose', async () => clearInterval(renewal));
    const claimed = (request: FastifyRequest, claim: IdempotencyClaimOfRequest) => {
      request.idempotencyClaim = claim;
      running.set(idOf(claim), claim);
    };
    // The database may be down when the key should be given back (a restart under load): keep
    // trying for the lease's length, after which the lease frees the key anyway.
    const releaseLater = (claim: IdempotencyClaimOfRequest, until: number) => {
      const timer = setTimeout(() => {
        releaseIdempotencyKey(app.db, claim).catch(() => {
          if (Date.now() < until) releaseLater(claim, until);
        });
      }, 1000);
      timer.unref();
    };

    app.addHook('onRequest', async (request) => {
      if (WRITE_METHODS.has(request.method)) keyOf(request);
    });

    app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      if (!WRITE_METHODS.has(request.method)) return;
      const key = keyOf(request);
      const viewer = request.viewer;
      if (key === null || viewer?.kind !== 'user') return;
      const fingerprint = fingerprintOf(request);
      const now = app.clock();
      const claim: IdempotencyClaimOfRequest = { userId: viewer.userId, key, since: now, answered: false };
      const expiresAt = new Date(now.getTime() + IDEMPOTENCY_LEASE_MS);
      if (await claimIdempotencyKey(app.db, { ...claim, fingerprint, now, expiresAt })) {
        claimed(request, claim);
        return;
      }
      const kept = await findIdempotencyKey(app.db, viewer.userId, key);
      // Released between the two statements (the first attempt failed with a 5xx): try once more.
      if (!kept) {
        if (await claimIdempotencyKey(app.db, { ...claim, fingerprint, now, expiresAt })) {
          claimed(request, claim);
          return;
        }
        throw inFlight();
      }
      if (kept.fingerprint !== fingerprint)
        throw new AppError(
          'IDEMPOTENCY_KEY_REUSED',
          422,
          'This Idempotency-Key was used for another request',
          [{ field: `headers.${IDEMPOTENCY_HEADER}`, code: 'invalid' }],
        );
      if (kept.state === 'running') throw inFlight();
      reply.status(kept.response_status ?? 200).header(REPLAYED_HEADER, 'true');
      if (kept.response_type) reply.type(kept.response_type);
      return reply.send(kept.response_body ?? undefined);
    });

    // A request that ended without passing onSend stops renewing its lease.
    app.addHook('onResponse', async (request) => {
      if (request.idempotencyClaim) running.delete(idOf(request.idempotencyClaim));
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const claim = request.idempotencyClaim;
      if (!claim) return payload;
      request.idempotencyClaim = null;
      running.delete(idOf(claim));
      // The answer committed with the write (inTransaction): it stands, whatever happened since.
      if (claim.answered) return payload;
      if (reply.statusCode >= 500) {
        await releaseIdempotencyKey(app.db, claim).catch((error: unknown) => {
          request.log.warn({ err: error }, 'could not give the idempotency key back; retrying');
          releaseLater(claim, Date.now() + RELEASE_RETRY_MS);
        });
        return payload;
      }
      try {
        const type = reply.getHeader('content-type');
        const expiresAt = new Date(app.clock().getTime() + IDEMPOTENCY_TTL_MS);
        await finishIdempotencyKey(
          app.db,
          claim,
          {
            status: reply.statusCode,
            type: typeof type === 'string' ? type : null,
            body: payloadText(payload),
          },
          expiresAt,
        );
      } catch (error) {
        // A route not using inTransaction: its write succeeded; a key left "running" answers 409
        // until its lease runs out, after which a retry runs the write again.
        request.log.error({ err: error }, 'could not keep the idempotent answer');
      }
      return payload;
    });
  },
  { name: 'gridguard-idempotency' },
);
