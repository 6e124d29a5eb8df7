import { type Insertable, sql } from 'kysely';
import type { Db } from '../auth/context.js';
import { ancestorOrSelfPaths, inSubtrees } from '../auth/scope.js';
import type { CheckpointRecordsTable } from '../db/schema.js';

/** First key of the advisory lock that serialises one device's reads ("gg" + 2). */
const READ_LOCK_SPACE = 0x67670002;

/** Devices of the token's area by code or id, with the checkpoint they stand at. */
export async function findDevicesWithin(
  db: Db,
  areaPath: string,
  by: { ids: readonly number[]; codes: readonly string[] },
) {
  if (by.ids.length === 0 && by.codes.length === 0) return [];
  return db
    .selectFrom('cameras as d')
    .leftJoin('checkpoints as c', 'c.id', 'd.checkpoint_id')
    .leftJoin('areas as a', 'a.id', 'c.area_id')
    .select([
      'd.id',
      'd.code',
      'd.name',
      'd.kind',
      'd.status',
      'd.area_id',
      'd.lng',
      'd.lat',
      'c.id as checkpoint_id',
      'c.name as checkpoint_name',
      'c.area_path as checkpoint_area_path',
      'c.team_id',
      'c.retired_at as checkpoint_retired_at',
      'a.code as area_code',
      'a.name as area_name',
    ])
    .where((eb) =>
      eb.or([
        ...(by.ids.length ? [eb('d.id', 'in', [...by.ids])] : []),
        ...(by.codes.length ? [eb('d.code', 'in', [...by.codes])] : []),
      ]),
    )
    .where(inSubtrees([areaPath], 'd.area_path'))
    .execute();
}
export type DeviceRow = Awaited<ReturnType<typeof findDevicesWithin>>[number];

/** Serialises one device's reads (PostgreSQL; PGlite runs one transaction at a time anyway). */
export async function lockDevice(db: Db, cameraId: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(${READ_LOCK_SPACE}::int4, ${cameraId}::int4)`.execute(db);
}

/** Reads of the device already received under these external ids, and the records they went to. */
export async function receivedReads(db: Db, cameraId: number, externalIds: readonly string[]) {
  if (externalIds.length === 0) return [];
  return db
    .selectFrom('checkpoint_device_reads as d')
    .innerJoin('checkpoint_records as r', 'r.id', 'd.record_id')
    .select(['d.external_id', 'd.record_id', 'r.flagged', 'r.fever', 'r.event_id'])
    .where('d.camera_id', '=', cameraId)
    .where('d.external_id', 'in', [...externalIds])
    .execute()
    .then((rows) => rows.map((r) => ({ ...r, record_id: String(r.record_id) })));
}

/**
 * The device's plate records a read between `from` and `to` may merge into: records of these plates
 * whose span [at, last_read_at] comes within the window (index (plate, at desc); a span is bounded
 * by `spanFrom` so the scan stays short).
 */
export async function mergeCandidates(
  db: Db,
  input: { cameraId: number; plates: readonly string[]; from: Date; to: Date; spanFrom: Date },
) {
  if (input.plates.length === 0) return [];
  return db
    .selectFrom('checkpoint_records')
    .select(['id', 'plate', 'at', 'last_read_at', 'flagged'])
    .where('plate', 'in', [...input.plates])
    .where('at', '<=', input.to)
    .where('at', '>=', input.spanFrom)
    .where((eb) => eb(eb.fn.coalesce('last_read_at', 'at'), '>=', input.from))
    .where('camera_id', '=', input.cameraId)
    .where('source', '=', 'device')
    .execute()
    .then((rows) => rows.map((r) => ({ ...r, id: String(r.id) })));
}

export async function insertRecords(
  db: Db,
  rows: ReadonlyArray<Insertable<CheckpointRecordsTable>>,
): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await db
    .insertInto('checkpoint_records')
    .values([...rows])
    .returning('id')
    .execute();
  return inserted.map((r) => String(r.id));
}

/** Widens merged records to their reads' span and counts the reads, in one statement. */
export async function widenRecords(
  db: Db,
  updates: ReadonlyArray<{ id: string; at: Date; lastReadAt: Date; added: number }>,
): Promise<void> {
  if (updates.length === 0) return;
  await sql`
    update checkpoint_records r
    set at = least(r.at, u.at), last_read_at = greatest(coalesce(r.last_read_at, r.at), u.last_read_at),
        reads = r.reads + u.added
    from unnest(${updates.map((u) => u.id)}::bigint[], ${updates.map((u) => u.at.toISOString())}::timestamptz[],
                ${updates.map((u) => u.lastReadAt.toISOString())}::timestamptz[], ${updates.map((u) => u.added)}::int[])
      as u(id, at, last_read_at, added)
    where r.id = u.id`.execute(db);
}

export async function insertReceivedReads(
  db: Db,
  rows: ReadonlyArray<{ camera_id: number; external_id: string; record_id: string }>,
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('checkpoint_device_reads')
    .values([...rows])
    .execute();
}

/** Marks records flagged, each with its reason codes, in one statement. */
export async function flagRecords(
  db: Db,
  flags: ReadonlyArray<{ id: string; reasons: string[] }>,
): Promise<void> {
  if (flags.length === 0) return;
  await sql`
    update checkpoint_records r set flagged = true, reasons = u.reasons::jsonb
    from unnest(${flags.map((f) => f.id)}::bigint[], ${flags.map((f) => JSON.stringify(f.reasons))}::text[])
      as u(id, reasons)
    where r.id = u.id`.execute(db);
}

export async function setRecordEvent(db: Db, id: string, eventId: number): Promise<void> {
  await db.updateTable('checkpoint_records').set({ event_id: eventId }).where('id', '=', id).execute();
}

export async function touchDevice(db: Db, cameraId: number, at: Date): Promise<void> {
  await db
    .updateTable('cameras')
    .set({ last_read_at: sql`greatest(last_read_at, ${at}::timestamptz)` })
    .where('id', '=', cameraId)
    .execute();
}

/**
 * Who hears of a risk vehicle at a checkpoint: its team's leader, else the team's members, else the
 * grid leaders over the checkpoint's area.
 */
export async function checkpointAlertees(
  db: Db,
  checkpoint: { teamId: number | null; areaPath: string },
): Promise<number[]> {
  if (checkpoint.teamId !== null) {
    const team = await db
      .selectFrom('teams as t')
      .leftJoin('team_members as m', 'm.team_id', 't.id')
      .select(['t.leader_user_id', 'm.user_id', 'm.duty'])
      .where('t.id', '=', checkpoint.teamId)
      .where('t.retired_at', 'is', null)
      .execute();
    const leaders = [
      ...new Set(
        team
          .flatMap((r) => [r.leader_user_id, r.duty === 'leader' ? r.user_id : null])
          .filter((id) => id !== null),
      ),
    ];
    if (leaders.length) return leaders;
    const members = [...new Set(team.map((r) => r.user_id).filter((id) => id !== null))];
    if (members.length) return members;
  }
  const rows = await db
    .selectFrom('role_assignments as ra')
    .innerJoin('areas as a', 'a.id', 'ra.area_id')
    .innerJoin('users as u', 'u.id', 'ra.user_id')
    .select('ra.user_id')
    .distinct()
    .where('ra.role', '=', 'grid_leader')
    .where('a.path', 'in', ancestorOrSelfPaths(checkpoint.areaPath))
    .where('u.disabled_at', 'is', null)
    .execute();
  return rows.map((r) => r.user_id);
}
