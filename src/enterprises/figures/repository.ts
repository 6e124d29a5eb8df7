import type { Db } from '../../auth/context.js';

/** The live child areas of a node, in code order: the rows of the board. */
export async function childAreas(db: Db, parentId: number) {
  return db
    .selectFrom('areas')
    .select(['id', 'code', 'name', 'path'])
    .where('parent_id', '=', parentId)
    .where('retired_at', 'is', null)
    .orderBy('code')
    .execute();
}
