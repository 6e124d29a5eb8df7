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
