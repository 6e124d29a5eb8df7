import { type Expression, type Selectable, type SqlBool, sql } from 'kysely';
import { inScope, type Viewer } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import type { CheckpointDutyTable, CheckpointsTable } from '../db/schema.js';

export type CheckpointRow = Selectable<CheckpointsTable>;
export type DutyRow = Selectable<CheckpointDutyTable> & { checkpoint_name: string };

/**
 * The checkpoints a user may staff, as SQL (the same rule as duty-service `mayStaff`): in a subtree
 * where they hold checkpoint.check, or guarded by a team (not retired) they are a member of.
 */
export function staffableBy(viewer: Viewer, alias = 'c'): Expression<SqlBool> {
  const inRights = inScope(viewer, 'checkpoint.check', `${alias}.area_path`);
  if (viewer.kind !== 'user') return inRights;
  return sql<SqlBool>`(${inRights} or ${sql.ref(`${alias}.team_id`)} in (
    select m.team_id from team_members m join teams t on t.id = m.team_id
    where m.user_id = ${viewer.userId} and t.retired_at is null))`;
}

export async function findCheckpoint(db: Db, id: number): Promise<CheckpointRow | undefined> {
  return db.selectFrom('checkpoints').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Whether the user is an active member of the (not retired) team. */
export async function isTeamMember(db: Db, userId: number, teamId: number): Promise<boolean> {
  const row = await db
    .selectFrom('team_members as m')
    .innerJoin('teams as t', 't.id', 'm.team_id')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('m.team_id')
    .where('m.team_id', '=', teamId)
    .where('m.user_id', '=', userId)
    .where('t.retired_at', 'is', null)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** Serialises one user's sign-ins (two phones signing in at once still leave one open duty). */
export async function lockUserDuty(db: Db, userId: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(${0x67670002}::int4, ${userId}::int4)`.execute(db);
}

function duties(db: Db) {
  return db
    .selectFrom('checkpoint_duty as d')
    .innerJoin('checkpoints as c', 'c.id', 'd.checkpoint_id')
    .selectAll('d')
    .select('c.name as checkpoint_name');
}

export async function openDutyOf(db: Db, userId: number): Promise<DutyRow | undefined> {
  return duties(db).where('d.user_id', '=', userId).where('d.signed_out_at', 'is', null).executeTakeFirst();
}

export async function findDuty(db: Db, id: number): Promise<DutyRow> {
  return duties(db).where('d.id', '=', id).executeTakeFirstOrThrow();
}

export async function closeDuty(
  db: Db,
  id: number,
  values: { at: Date; lng: number | null; lat: number | null; note: string | null },
): Promise<void> {
  await db
    .updateTable('checkpoint_duty')
    .set({
      signed_out_at: values.at,
      sign_out_lng: values.lng,
      sign_out_lat: values.lat,
      handover_note: values.note,
    })
    .where('id', '=', id)
    .execute();
}

export async function insertDuty(
  db: Db,
  values: {
    checkpointId: number;
    userId: number;
    userName: string;
    shiftId: number | null;
    at: Date;
    lng: number | null;
    lat: number | null;
    accuracyM: number | null;
  },
): Promise<number> {
  const row = await db
    .insertInto('checkpoint_duty')
    .values({
      checkpoint_id: values.checkpointId,
      user_id: values.userId,
      user_name: values.userName,
      shift_id: values.shiftId,
      signed_in_at: values.at,
      sign_in_lng: values.lng,
      sign_in_lat: values.lat,
      sign_in_accuracy_m: values.accuracyM,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The rota's shift this sign-in falls in: running now at the checkpoint, naming the user or their team. */
export async function currentShift(
  db: Db,
  checkpointId: number,
  userId: number,
  at: Date,
): Promise<number | null> {
  const row = await sql<{ id: number }>`
    select s.id from checkpoint_shifts s
    where s.checkpoint_id = ${checkpointId} and s.starts_at <= ${at} and s.ends_at > ${at}
      and (${userId} = any(s.user_ids)
        or s.team_id in (select m.team_id from team_members m where m.user_id = ${userId}))
    order by s.starts_at desc limit 1`.execute(db);
  return row.rows[0]?.id ?? null;
}

export async function lastHandover(
  db: Db,
  checkpointId: number,
): Promise<{ handover_note: string; user_name: string; signed_out_at: Date } | undefined> {
  const row = await db
    .selectFrom('checkpoint_duty')
    .select(['handover_note', 'user_name', 'signed_out_at'])
    .where('checkpoint_id', '=', checkpointId)
    .where('signed_out_at', 'is not', null)
    .where('handover_note', 'is not', null)
    .orderBy('signed_out_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row
    ? { handover_note: row.handover_note!, user_name: row.user_name, signed_out_at: row.signed_out_at! }
    : undefined;
}

/** The checkpoints (not retired) the viewer may staff, with how many are signed in at each. */
export async function staffableCheckpoints(db: Db, viewer: Viewer) {
  return db
    .selectFrom('checkpoints as c')
    .innerJoin('areas as a', 'a.id', 'c.area_id')
    .selectAll('c')
    .select('a.name as area_name')
    .select((eb) =>
      eb
        .selectFrom('checkpoint_duty as d')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('d.checkpoint_id', '=', 'c.id')
        .where('d.signed_out_at', 'is', null)
        .as('on_duty'),
    )
    .where('c.retired_at', 'is', null)
    .where(staffableBy(viewer))
    .orderBy('c.name')
    .orderBy('c.id')
    .limit(200)
    .execute();
}
