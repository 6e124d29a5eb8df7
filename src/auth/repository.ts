import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './context.js';
import type { Locale } from '../i18n/locale.js';
import type { Capability, Role } from './rights.js';
import { type Assignment, inOrAbove, type Viewer } from './scope.js';

export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 7 * 24 * 60 * 60 * 1000;

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

/** The account of a normalised name (see normaliseUsername); stored names are ASCII, so lower() is their normal form. */
export async function findUserForLogin(db: Db, nameKey: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['username']), '=', nameKey))
    .executeTakeFirst();
}

export async function loadAssignments(db: Db, userId: number): Promise<Assignment[]> {
  const rows = await db
    .selectFrom('role_assignments as r')
    .innerJoin('areas as a', 'a.id', 'r.area_id')
    .select(['r.role', 'r.area_id', 'a.path', 'r.categories'])
    .where('r.user_id', '=', userId)
    .where('a.retired_at', 'is', null)
    .orderBy('a.path')
    .execute();
  return rows.map((r) => ({
    role: r.role as Role,
    areaId: r.area_id,
    areaPath: r.path,
    categories: r.categories,
  }));
}

export async function createSession(
  db: Db,
  input: { userId: number; ip: string | null; userAgent: string | null; now: Date },
): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomToken();
  const csrfToken = randomToken(24);
  const expiresAt = new Date(input.now.getTime() + SESSION_ABSOLUTE_MS);
  await db
    .insertInto('sessions')
    .values({
      id_hash: sha256(token),
      user_id: input.userId,
      csrf_token: csrfToken,
      ip: input.ip,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
      created_at: input.now,
      last_seen_at: input.now,
      expires_at: expiresAt,
    })
    .execute();
  return { token, csrfToken, expiresAt };
}

export interface SessionLookup {
  viewer: Extract<Viewer, { kind: 'user' }>;
  csrfToken: string;
  mustChangePassword: boolean;
  /** The account has a confirmed second factor. */
  mfaEnabled: boolean;
  locale: string;
}

/** The live session for a cookie value, sliding its idle timeout; null if expired or unknown. */
export async function resolveSession(db: Db, token: string, now: Date): Promise<SessionLookup | null> {
  const idHash = sha256(token);
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .leftJoin('user_mfa as m', 'm.user_id', 's.user_id')
    .select([
      'm.confirmed_at as mfa_confirmed_at',
      's.csrf_token',
      's.last_seen_at',
      's.expires_at',
      'u.id',
      'u.username',
      'u.display_name',
      'u.must_change_password',
      'u.disabled_at',
      'u.locale',
    ])
    .where('s.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row || row.disabled_at) return null;
  if (row.expires_at <= now || now.getTime() - row.last_seen_at.getTime() > SESSION_IDLE_MS) {
    await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    return null;
  }
  // Touch at most once a minute: a page load fires many requests.
  if (now.getTime() - row.last_seen_at.getTime() > 60_000) {
    await db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
  }
  return {
    viewer: {
      kind: 'user',
      userId: row.id,
      username: row.username,
      displayName: row.display_name,
      assignments: await loadAssignments(db, row.id),
    },
    csrfToken: row.csrf_token,
    mustChangePassword: row.must_change_password,
    mfaEnabled: row.mfa_confirmed_at !== null,
    locale: row.locale,
  };
}

/**
 * Which of these sessions (by id hash) are live at `now`: the check of every open notification stream
 * of a node in one query, instead of one resolveSession per stream per heartbeat. Slides the idle
 * timeout of the live ones like resolveSession does (an open page keeps its session), at most once a minute.
 */
export async function liveSessionHashes(
  db: Db,
  idHashes: readonly string[],
  now: Date,
): Promise<Set<string>> {
  const live = new Set<string>();
  for (let i = 0; i < idHashes.length; i += LIVE_CHECK_BATCH) {
    const batch = idHashes.slice(i, i + LIVE_CHECK_BATCH);
    const rows = await db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['s.id_hash', 's.last_seen_at'])
      .where(sql<boolean>`s.id_hash = any(${batch}::text[])`)
      .where('u.disabled_at', 'is', null)
      .where('s.expires_at', '>', now)
      .where('s.last_seen_at', '>=', new Date(now.getTime() - SESSION_IDLE_MS))
      .execute();
    const stale = rows.filter((r) => now.getTime() - r.last_seen_at.getTime() > 60_000).map((r) => r.id_hash);
    if (stale.length > 0)
      await db
        .updateTable('sessions')
        .set({ last_seen_at: now })
        .where(sql<boolean>`id_hash = any(${stale}::text[])`)
        .execute();
    for (const row of rows) live.add(row.id_hash);
  }
  return live;
}
const LIVE_CHECK_BATCH = 5000;

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', sha256(token)).execute();
}

export async function deleteSessionsOfUser(db: Db, userId: number, exceptToken?: string): Promise<void> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptToken) query = query.where('id_hash', '<>', sha256(exceptToken));
  await query.execute();
}

/** API tokens look like "gg_<random>"; only their hash is stored. */
export async function resolveApiToken(
  db: Db,
  token: string,
  now: Date,
): Promise<Extract<Viewer, { kind: 'token' }> | null> {
  const row = await db
    .selectFrom('api_tokens as t')
    .innerJoin('areas as a', 'a.id', 't.area_id')
    .select(['t.id', 't.name', 't.capability', 't.area_id', 'a.path', 't.last_used_at', 't.camera_id'])
    .where('t.token_hash', '=', sha256(token))
    .where('t.revoked_at', 'is', null)
    .where('a.retired_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return {
    kind: 'token',
    tokenId: row.id,
    name: row.name,
    capability: row.capability as Capability,
    areaId: row.area_id,
    areaPath: row.path,
    cameraId: row.camera_id,
  };
}

export async function createApiToken(
  db: Db,
  input: {
    name: string;
    areaId: number;
    capability: Capability;
    createdBy: number | null;
    cameraId?: number | null;
  },
): Promise<{ id: number; token: string }> {
  const token = `gg_${randomToken()}`;
  const row = await db
    .insertInto('api_tokens')
    .values({
      name: input.name,
      token_hash: sha256(token),
      area_id: input.areaId,
      capability: input.capability,
      created_by: input.createdBy,
      camera_id: input.cameraId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

// ---- Sign-in lock-out and budgets: each count is one atomic statement, shared by every app node.

export interface ThrottleState {
  failures: number;
  lockedUntil: Date | null;
}

/** The lock of a normalised name, if it is locked at `now`. */
export async function activeLock(db: Db, nameKey: string, now: Date): Promise<Date | null> {
  const row = await db
    .selectFrom('login_throttle')
    .select('locked_until')
    .where('name_key', '=', nameKey)
    .where('locked_until', '>', now)
    .executeTakeFirst();
  return row?.locked_until ?? null;
}

/**
 * Counts one failure for a name in one statement (concurrent failures never lose a count); the
 * failure that reaches `maxFailures` locks the name until `now + lockMs`. An expired lock starts over.
 */
export async function countLoginFailure(
  db: Db,
  nameKey: string,
  now: Date,
  maxFailures: number,
  lockMs: number,
): Promise<ThrottleState> {
  const lockUntil = new Date(now.getTime() + lockMs);
  const result = await sql<{ failures: number; locked_until: Date | null }>`
    insert into login_throttle as t (name_key, failures, locked_until, updated_at)
    values (${nameKey}, 1, case when 1 >= ${maxFailures}::int then ${lockUntil}::timestamptz end, ${now}::timestamptz)
    on conflict (name_key) do update set
      failures = case when t.locked_until <= ${now}::timestamptz then 1 else t.failures + 1 end,
      locked_until = case
        when t.locked_until > ${now}::timestamptz then t.locked_until
        when (case when t.locked_until <= ${now}::timestamptz then 1 else t.failures + 1 end) >= ${maxFailures}::int
          then ${lockUntil}::timestamptz
        end,
      updated_at = ${now}::timestamptz
    returning failures, locked_until`.execute(db);
  const row = result.rows[0]!;
  return { failures: row.failures, lockedUntil: row.locked_until ? new Date(row.locked_until) : null };
}

/**
 * Clears a name's failures after a correct answer, unless a lock was set meanwhile (a parallel
 * guess reached the limit while this password was being checked): then returns the lock instead.
 * Run inside the transaction that opens the session: the row stays locked until it commits.
 */
export async function clearLoginFailures(db: Db, nameKey: string, now: Date): Promise<Date | null> {
  const row = await db
    .selectFrom('login_throttle')
    .select('locked_until')
    .where('name_key', '=', nameKey)
    .forUpdate()
    .executeTakeFirst();
  if (row?.locked_until && row.locked_until > now) return row.locked_until;
  if (row) await db.deleteFrom('login_throttle').where('name_key', '=', nameKey).execute();
  return null;
}

export async function unlockName(db: Db, nameKey: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('name_key', '=', nameKey).execute();
}

/** Normalised names (of these) that are locked at `now`. */
export async function lockedNames(db: Db, nameKeys: string[], now: Date): Promise<Set<string>> {
  if (nameKeys.length === 0) return new Set();
  const rows = await db
    .selectFrom('login_throttle')
    .select('name_key')
    .where('name_key', 'in', nameKeys)
    .where('locked_until', '>', now)
    .execute();
  return new Set(rows.map((r) => r.name_key));
}

/** Takes one attempt from each bucket of the window (one statement) and returns each bucket's count. */
export async function takeLoginBudget(
  db: Db,
  buckets: string[],
  windowStart: Date,
): Promise<Map<string, number>> {
  const rows = await db
    .insertInto('login_budget')
    .values(buckets.map((bucket) => ({ bucket, window_start: windowStart, attempts: 1 })))
    .onConflict((oc) =>
      oc
        .columns(['bucket', 'window_start'])
        .doUpdateSet((eb) => ({ attempts: eb('login_budget.attempts', '+', 1) })),
    )
    .returning(['bucket', 'attempts'])
    .execute();
  return new Map(rows.map((r) => [r.bucket, r.attempts]));
}

/** Gives attempts back (a sign-in that succeeded does not use up the budget). */
export async function returnLoginBudget(db: Db, buckets: string[], windowStart: Date): Promise<void> {
  await db
    .updateTable('login_budget')
    .set((eb) => ({ attempts: sql<number>`greatest(${eb.ref('attempts')} - 1, 0)` }))
    .where('bucket', 'in', buckets)
    .where('window_start', '=', windowStart)
    .execute();
}

/** Forgets finished windows and stale, unlocked counters. */
export async function pruneLoginThrottle(db: Db, windowStart: Date, staleBefore: Date, now: Date) {
  await db.deleteFrom('login_budget').where('window_start', '<', windowStart).execute();
  await db
    .deleteFrom('login_throttle')
    .where('updated_at', '<', staleBefore)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .execute();
}

// ---- Second factor (TOTP): secrets, recovery codes, pending sign-in challenges.

export async function findMfa(db: Db, userId: number) {
  return db.selectFrom('user_mfa').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** Starts (or restarts) an enrolment with a new secret; unconfirmed until a first code is given. */
export async function saveMfaSecret(db: Db, userId: number, encryptedSecret: string, now: Date) {
  await db
    .insertInto('user_mfa')
    .values({
      user_id: userId,
      secret: encryptedSecret,
      confirmed_at: null,
      last_step: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet({ secret: encryptedSecret, confirmed_at: null, last_step: null, updated_at: now }),
    )
    .execute();
}

export async function confirmMfa(db: Db, userId: number, step: number, now: Date) {
  await db
    .updateTable('user_mfa')
    .set({ confirmed_at: now, last_step: step, updated_at: now })
    .where('user_id', '=', userId)
    .execute();
}

/**
 * Marks a TOTP time step used, only if it is later than the last one used: one statement, so two
 * requests with the same code cannot both pass.
 */
export async function claimMfaStep(db: Db, userId: number, step: number, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('user_mfa')
    .set({ last_step: step, updated_at: now })
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is not', null)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function replaceRecoveryCodes(db: Db, userId: number, codeHashes: string[]) {
  await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
  await db
    .insertInto('mfa_recovery_codes')
    .values(codeHashes.map((code_hash) => ({ user_id: userId, code_hash })))
    .execute();
}

/** Uses a recovery code once; returns how many unused ones remain, or null when it was not valid. */
export async function useRecoveryCode(db: Db, userId: number, codeHash: string, now: Date) {
  const used = await db
    .updateTable('mfa_recovery_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  if (Number(used.numUpdatedRows) !== 1) return null;
  const left = await db
    .selectFrom('mfa_recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(left.n);
}

export async function removeMfa(db: Db, userId: number) {
  await db.deleteFrom('mfa_challenges').where('user_id', '=', userId).execute();
  await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
  const result = await db.deleteFrom('user_mfa').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function createMfaChallenge(
  db: Db,
  userId: number,
  ip: string | null,
  now: Date,
  ttlMs: number,
) {
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + ttlMs);
  await db.deleteFrom('mfa_challenges').where('expires_at', '<=', now).execute();
  await db
    .insertInto('mfa_challenges')
    .values({ id_hash: sha256(token), user_id: userId, ip, created_at: now, expires_at: expiresAt })
    .execute();
  return { token, expiresAt };
}

export async function findMfaChallenge(db: Db, token: string, now: Date) {
  return db
    .selectFrom('mfa_challenges')
    .select(['id_hash', 'user_id'])
    .where('id_hash', '=', sha256(token))
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

export async function deleteMfaChallenge(db: Db, idHash: string) {
  await db.deleteFrom('mfa_challenges').where('id_hash', '=', idHash).execute();
}

/**
 * Whether the user holds a role (optionally one of `roles`) at an area inside `areaPath`'s
 * subtree or above it: the people who may serve there.
 */
export async function holdsRoleInOrAbove(
  db: Db,
  userId: number,
  areaPath: string,
  roles?: readonly Role[],
): Promise<boolean> {
  let query = db
    .selectFrom('role_assignments as ra')
    .innerJoin('areas as a', 'a.id', 'ra.area_id')
    .innerJoin('users as u', 'u.id', 'ra.user_id')
    .select('ra.id')
    .where('ra.user_id', '=', userId)
    .where('u.disabled_at', 'is', null)
    .where(inOrAbove([areaPath], 'a.path'));
  if (roles) {
    if (roles.length === 0) return false;
    query = query.where('ra.role', 'in', [...roles]);
  }
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}

// ---- the signed-in user ----

export async function markLastLogin(db: Db, userId: number, now: Date): Promise<void> {
  await db.updateTable('users').set({ last_login_at: now }).where('id', '=', userId).execute();
}

/** Who a second sign-in step belongs to. */
export async function findUserBrief(db: Db, userId: number) {
  return db
    .selectFrom('users')
    .select(['id', 'username', 'disabled_at'])
    .where('id', '=', userId)
    .executeTakeFirst();
}

export async function findUserRow(db: Db, userId: number) {
  return db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
}

/** The new password, no longer to be changed on next sign-in. */
export async function setOwnPassword(db: Db, userId: number, hash: string, now: Date): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: hash, must_change_password: false, updated_at: now })
    .where('id', '=', userId)
    .execute();
}

/** The language the user's answers are worded in. */
export async function setOwnLocale(db: Db, userId: number, locale: Locale, now: Date): Promise<void> {
  await db.updateTable('users').set({ locale, updated_at: now }).where('id', '=', userId).execute();
}

export async function findUserProfile(db: Db, userId: number) {
  return db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'locale', 'must_change_password'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
}

/** The user's role assignments at live areas, with the areas, in path order. */
export async function assignmentsWithAreas(db: Db, userId: number) {
  return db
    .selectFrom('role_assignments as r')
    .innerJoin('areas as a', 'a.id', 'r.area_id')
    .select(['r.role', 'r.area_id', 'a.code', 'a.name', 'a.level', 'a.path', 'r.categories'])
    .where('r.user_id', '=', userId)
    .where('a.retired_at', 'is', null)
    .orderBy('a.path')
    .execute();
}
