import { inScope, type Viewer } from '../auth/scope.js';
import type { Db } from '../auth/context.js';

/** API tokens of areas where the viewer holds token.manage, with their area. */
export function tokensInScope(db: Db, viewer: Viewer) {
  return db
    .selectFrom('api_tokens as t')
    .innerJoin('areas as a', 'a.id', 't.area_id')
    .select([
      't.id',
      't.name',
      't.capability',
      't.created_at',
      't.last_used_at',
      't.revoked_at',
      'a.id as area_id',
      'a.code',
      'a.name as area_name',
      'a.path',
    ])
    .where(inScope(viewer, 'token.manage', 'a.path'));
}

export async function markTokenRevoked(db: Db, id: number, at: Date): Promise<void> {
  await db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).execute();
}

/** The viewer's tokens, newest first. */
export async function listTokensInScope(db: Db, viewer: Viewer) {
  return tokensInScope(db, viewer).orderBy('t.id', 'desc').execute();
}

export async function findTokenInScope(db: Db, viewer: Viewer, id: number) {
  return tokensInScope(db, viewer).where('t.id', '=', id).executeTakeFirst();
}

/** A token the caller has just created in their scope: its absence is a fault. */
export async function getTokenInScope(db: Db, viewer: Viewer, id: number) {
  return tokensInScope(db, viewer).where('t.id', '=', id).executeTakeFirstOrThrow();
}
