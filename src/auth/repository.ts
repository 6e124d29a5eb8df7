import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../core/context.js';
import type { Capability, Role } from './rights.js';
import type { Assignment, Viewer } from './scope.js';

export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 7 * 24 * 60 * 60 * 1000;

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

export async function findUserForLogin(db: Db, username: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
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
  locale: string;
}

/** The live session for a cookie value, sliding its idle timeout; null if expired or unknown. */
export async function resolveSession(db: Db, token: string, now: Date): Promise<SessionLookup | null> {
  const idHash = sha256(token);
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select([
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
    locale: row.locale,
  };
}

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
