import type { Insertable, Updateable } from 'kysely';
import type { Right } from '../auth/rights.js';
import { inScope, inSubtrees, type Viewer } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import { pageWindow } from '../core/pagination.js';
import type { CheckpointKind } from '../core/vocabulary.js';
import type { CheckpointsTable } from '../db/schema.js';
import { escapeLike } from '../hierarchy/repository.js';
import type { ReadRule } from '../notifications/readers.js';

function checkpointsWithNames(db: Db) {
  return db
    .selectFrom('checkpoints as cp')
    .innerJoin('areas as a', 'a.id', 'cp.area_id')
    .leftJoin('teams as t', 't.id', 'cp.team_id')
    .leftJoin('users as l', 'l.id', 't.leader_user_id')
    .selectAll('cp')
    .select([
      'a.code as area_code',
      'a.name as area_name',
      't.name as team_name',
      't.leader_user_id',
      'l.display_name as leader_name',
    ]);
}
export type CheckpointRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof checkpointsWithNames>['executeTakeFirst']>>
>;

/** Who may open a checkpoint's page: its GET route's own rule, for the staffing alerts. */
export const CHECKPOINT_READ_RULE: ReadRule = {
  entityType: 'checkpoint',
  gate: 'checkpoint.read',
  table: 'checkpoints',
  alias: 'cp',
  visible: (viewer) => inScope(viewer, 'checkpoint.read', 'cp.area_path'),
};

/** The checkpoint (retired ones too), if `right` covers its area; otherwise undefined (404). */
export async function findCheckpointInScope(db: Db, viewer: Viewer, right: Right, id: number) {
  return checkpointsWithNames(db)
    .where('cp.id', '=', id)
    .where(inScope(viewer, right, 'cp.area_path'))
    .executeTakeFirst();
}

export interface CheckpointFilter {
  withinPath?: string | undefined;
  kind?: CheckpointKind | undefined;
  q?: string | undefined;
  includeRetired?: boolean | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

export async function listCheckpoints(db: Db, viewer: Viewer, filter: CheckpointFilter) {
  const { page, pageSize, offset } = pageWindow(filter);
  let base = checkpointsWithNames(db).where(inScope(viewer, 'checkpoint.read', 'cp.area_path'));
  if (filter.withinPath) base = base.where(inSubtrees([filter.withinPath], 'cp.area_path'));
  if (filter.kind) base = base.where('cp.kind', '=', filter.kind);
  if (!filter.includeRetired) base = base.where('cp.retired_at', 'is', null);
  const q = filter.q?.trim();
  if (q) {
    const like = `%${escapeLike(q)}%`;
    base = base.where((eb) => eb.or([eb('cp.name', 'like', like), eb('cp.code', 'like', like)]));
  }
  const [items, count] = await Promise.all([
    base.orderBy('cp.area_path').orderBy('cp.code').limit(pageSize).offset(offset).execute(),
    base
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, page, pageSize, total: Number(count.n) };
}

/** Whether a checkpoint other than `exceptId` already has this code. */
export async function codeTaken(db: Db, code: string, exceptId?: number): Promise<boolean> {
  let query = db.selectFrom('checkpoints').select('id').where('code', '=', code);
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function insertCheckpoint(db: Db, row: Insertable<CheckpointsTable>): Promise<number> {
  return (await db.insertInto('checkpoints').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateCheckpoint(db: Db, id: number, row: Updateable<CheckpointsTable>): Promise<void> {
  await db.updateTable('checkpoints').set(row).where('id', '=', id).execute();
}

/** The sealed token of the active place code of a place, to print its label again. */
export async function activePlaceCode(db: Db, placeId: number) {
  return db
    .selectFrom('access_codes')
    .select(['id', 'token_secret'])
    .where('place_id', '=', placeId)
    .where('kind', '=', 'place')
    .where('status', '=', 'active')
    .executeTakeFirst();
}

/** The visitors' place of a checkpoint follows its name, and retires with it. */
export async function updatePlace(
  db: Db,
  placeId: number,
  set: { name?: string; retired_at?: Date; updated_at: Date },
): Promise<void> {
  await db.updateTable('places').set(set).where('id', '=', placeId).execute();
}
