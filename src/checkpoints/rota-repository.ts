import { type Insertable, sql } from 'kysely';
import type { Right } from '../auth/rights.js';
import { inScope, type Viewer } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import type { CheckpointShiftsTable } from '../db/schema.js';

function shiftsWithTeam(db: Db) {
  return db
    .selectFrom('checkpoint_shifts as s')
    .leftJoin('teams as t', 't.id', 's.team_id')
    .selectAll('s')
    .select('t.name as team_name');
}
export type ShiftRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof shiftsWithTeam>['executeTakeFirst']>>
>;

/** Shifts of a checkpoint that overlap [from, to), in start order. */
export async function shiftsBetween(db: Db, checkpointId: number, from: Date, to: Date): Promise<ShiftRow[]> {
  return shiftsWithTeam(db)
    .where('s.checkpoint_id', '=', checkpointId)
    .where('s.starts_at', '<', to)
    .where('s.ends_at', '>', from)
    .orderBy('s.starts_at')
    .orderBy('s.id')
    .execute();
}

/** A shift whose checkpoint lies where the viewer holds `right`. */
export async function findShiftInScope(db: Db, viewer: Viewer, right: Right, id: number) {
  return shiftsWithTeam(db)
    .innerJoin('checkpoints as cp', 'cp.id', 's.checkpoint_id')
    .select('cp.area_path')
    .where('s.id', '=', id)
    .where(inScope(viewer, right, 'cp.area_path'))
    .executeTakeFirst();
}

export async function insertShift(db: Db, row: Insertable<CheckpointShiftsTable>): Promise<number> {
  return (await db.insertInto('checkpoint_shifts').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

/** Removes a shift; duty signed against it keeps its times and loses only the link. */
export async function deleteShift(db: Db, id: number): Promise<void> {
  await db.updateTable('checkpoint_duty').set({ shift_id: null }).where('shift_id', '=', id).execute();
  await db.deleteFrom('checkpoint_shifts').where('id', '=', id).execute();
}

export async function userNames(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

/** Active accounts among `ids`. */
export async function activeUserIds(db: Db, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('id', 'in', [...ids])
    .where('disabled_at', 'is', null)
    .execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * What the staffing state of each checkpoint is made of, now: the staff the shifts running now
 * ask for, who is signed in, and the open gap. One statement for any number of checkpoints.
 */
export async function staffingInputs(db: Db, checkpointIds: readonly number[], now: Date) {
  if (checkpointIds.length === 0) return [];
  return db
    .selectFrom('checkpoints as cp')
    .select((eb) => [
      'cp.id',
      eb
        .selectFrom('checkpoint_shifts as s')
        .whereRef('s.checkpoint_id', '=', 'cp.id')
        .where('s.starts_at', '<=', now)
        .where('s.ends_at', '>', now)
        .select(sql<number>`coalesce(sum(s.min_staff), 0)::int`.as('n'))
        .as('required'),
      eb
        .selectFrom('checkpoint_duty as d')
        .whereRef('d.checkpoint_id', '=', 'cp.id')
        .where('d.signed_out_at', 'is', null)
        .select(sql<number>`count(*)::int`.as('n'))
        .as('on_duty'),
      eb
        .selectFrom('checkpoint_gaps as g')
        .whereRef('g.checkpoint_id', '=', 'cp.id')
        .where('g.ended_at', 'is', null)
        .select('g.started_at')
        .as('gap_since'),
    ])
    .where('cp.id', 'in', [...checkpointIds])
    .execute();
}

/** Who is signed in at a checkpoint now, earliest first. */
export async function openDuty(db: Db, checkpointId: number) {
  return db
    .selectFrom('checkpoint_duty')
    .select(['id', 'user_id', 'user_name', 'signed_in_at', 'shift_id'])
    .where('checkpoint_id', '=', checkpointId)
    .where('signed_out_at', 'is', null)
    .orderBy('signed_in_at')
    .execute();
}

/** Every live checkpoint, with what the staffing job needs to word and route its alert. */
export async function liveCheckpoints(db: Db) {
  return db
    .selectFrom('checkpoints as cp')
    .leftJoin('teams as t', (join) => join.onRef('t.id', '=', 'cp.team_id').on('t.retired_at', 'is', null))
    .select(['cp.id', 'cp.code', 'cp.name', 'cp.area_path', 'cp.hours', 'cp.retired_at', 't.leader_user_id'])
    .where('cp.retired_at', 'is', null)
    .execute();
}

/** Opens a gap unless one is open already; the new row's id, or undefined when it was open. */
export async function openGap(
  db: Db,
  row: {
    checkpointId: number;
    areaPath: string;
    startedAt: Date;
    required: number;
    leaderUserId: number | null;
  },
): Promise<number | undefined> {
  const inserted = await db
    .insertInto('checkpoint_gaps')
    .values({
      checkpoint_id: row.checkpointId,
      area_path: row.areaPath,
      started_at: row.startedAt,
      required: row.required,
      leader_user_id: row.leaderUserId,
    })
    .onConflict((oc) => oc.column('checkpoint_id').where('ended_at', 'is', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id;
}

/** Closes the open gaps of checkpoints not in `stillOpen`; returns the closed ids. */
export async function closeGapsExcept(db: Db, stillOpen: readonly number[], now: Date): Promise<number[]> {
  let query = db.updateTable('checkpoint_gaps').set({ ended_at: now }).where('ended_at', 'is', null);
  if (stillOpen.length > 0) query = query.where('checkpoint_id', 'not in', [...stillOpen]);
  return (await query.returning('id').execute()).map((r) => r.id);
}
