import type { Kysely } from 'kysely';
import type { DB, IdempotencyKeysTable } from '../db/schema.js';

export interface IdempotencyClaim {
  userId: number;
  key: string;
  fingerprint: string;
  now: Date;
  expiresAt: Date;
}

export type IdempotencyRow = Pick<
  IdempotencyKeysTable,
  'fingerprint' | 'state' | 'response_status' | 'response_type' | 'response_body'
>;

/**
 * Claims the key for this request: true when this request may run. One statement, so two app
 * nodes racing on the same key cannot both win; an expired row left by the cleaner is taken over.
 */
export async function claimIdempotencyKey(db: Kysely<DB>, claim: IdempotencyClaim): Promise<boolean> {
  const row = await db
    .insertInto('idempotency_keys')
    .values({
      user_id: claim.userId,
      key: claim.key,
      fingerprint: claim.fingerprint,
      state: 'running',
      created_at: claim.now,
      expires_at: claim.expiresAt,
    })
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'key'])
        .doUpdateSet({
          fingerprint: claim.fingerprint,
          state: 'running',
          response_status: null,
          response_type: null,
          response_body: null,
          created_at: claim.now,
          expires_at: claim.expiresAt,
        })
        .where('idempotency_keys.expires_at', '<=', claim.now),
    )
    .returning('user_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function findIdempotencyKey(
  db: Kysely<DB>,
  userId: number,
  key: string,
): Promise<IdempotencyRow | undefined> {
  return db
    .selectFrom('idempotency_keys')
    .select(['fingerprint', 'state', 'response_status', 'response_type', 'response_body'])
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .executeTakeFirst();
}

/** A key as this request holds it: `since` is the claim's created_at, which a takeover changes. */
export interface HeldIdempotencyKey {
  userId: number;
  key: string;
  since: Date;
}

/**
 * Keeps the answer of a request that ran, for the retries that follow, until `expiresAt`. Only
 * while this request still holds the key (running, claimed at `since`): a key whose lease ran
 * out and was taken over by another node is not overwritten. Given the handler's transaction,
 * the answer commits with the write or not at all. Answers whether the key was held.
 */
export async function finishIdempotencyKey(
  db: Kysely<DB>,
  held: HeldIdempotencyKey,
  answer: { status: number; type: string | null; body: string | null },
  expiresAt: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('idempotency_keys')
    .set({
      state: 'done',
      response_status: answer.status,
      response_type: answer.type,
      response_body: answer.body,
      expires_at: expiresAt,
    })
    .where('user_id', '=', held.userId)
    .where('key', '=', held.key)
    .where('state', '=', 'running')
    .where('created_at', '=', held.since)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Gives the key back after a server error: nothing was kept, so a retry may run it. */
export async function releaseIdempotencyKey(db: Kysely<DB>, held: HeldIdempotencyKey): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('user_id', '=', held.userId)
    .where('key', '=', held.key)
    .where('state', '=', 'running')
    .where('created_at', '=', held.since)
    .execute();
}

/** Extends the lease of keys still running on this node (a dead node's leases run out). */
export async function renewIdempotencyLeases(
  db: Kysely<DB>,
  claims: ReadonlyArray<{ userId: number; key: string }>,
  until: Date,
): Promise<void> {
  if (claims.length === 0) return;
  await db
    .updateTable('idempotency_keys')
    .set({ expires_at: until })
    .where('state', '=', 'running')
    .where((eb) => eb.or(claims.map((c) => eb.and([eb('user_id', '=', c.userId), eb('key', '=', c.key)]))))
    .execute();
}

/** Deletes the keys whose time is up; answers how many. */
export async function deleteExpiredIdempotencyKeys(db: Kysely<DB>, now: Date): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
