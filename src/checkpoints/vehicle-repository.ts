import { type Insertable, sql } from 'kysely';
import type { Db } from '../auth/context.js';
import type { Right } from '../auth/rights.js';
import { inScope, type Viewer } from '../auth/scope.js';
import type { CheckpointRecordsTable } from '../db/schema.js';

/** A checkpoint the viewer holds `right` at, with what vehicle checks need of it. */
function checkpointWithArea(db: Db, id: number) {
  return db
    .selectFrom('checkpoints as c')
    .innerJoin('areas as a', 'a.id', 'c.area_id')
    .select([
      'c.id',
      'c.name',
      'c.area_id',
      'c.area_path',
      'c.team_id',
      'c.retired_at',
      'a.code as area_code',
    ])
    .where('c.id', '=', id);
}

export async function findCheckpointInScope(db: Db, viewer: Viewer, right: Right, id: number) {
  return checkpointWithArea(db, id)
    .where(inScope(viewer, right, 'c.area_path'))
    .executeTakeFirst();
}

/** Unscoped: for the caller to apply the staffing rule (its team staffs a checkpoint from anywhere). */
export async function findCheckpoint(db: Db, id: number) {
  return checkpointWithArea(db, id).executeTakeFirst();
}

export interface RiskHit {
  plate: string;
  kind: 'origin' | 'checkpoint' | 'trail';
  place: string;
  at: Date;
  risk_name: string;
  level: 'high' | 'medium' | 'low';
}

/**
 * Where each plate's declared origins and trail since `since` touch a risk area in force at `now`,
 * in one statement: origins and checkpoints of its crossings (index checkpoint_records (plate, at
 * desc)), imported trail points (vehicle_trails (plate, at desc)), and `extra` points the caller
 * knows but has not stored yet. A risk area matches a place by its name (2+ characters) inside the
 * place's text, or by its region code prefixing the place's code (a 6-digit county covers the 9-
 * and 12-digit codes under it) — the rule the returnee scan uses for people.
 */
export async function riskHits(
  db: Db,
  input: {
    plates: readonly string[];
    since: Date;
    now: Date;
    extra?: ReadonlyArray<{
      plate: string;
      kind: RiskHit['kind'];
      place: string;
      code: string | null;
      at: Date;
    }>;
  },
): Promise<RiskHit[]> {
  if (input.plates.length === 0) return [];
  const extra = input.extra ?? [];
  const result = await sql<RiskHit>`
    with risk as (
      select name, nullif(region_code, '') as region_code, level from risk_areas
      where valid_from <= ${input.now} and (valid_to is null or valid_to > ${input.now})
    ),
    plates as (select distinct unnest(${[...input.plates]}::text[]) as plate),
    crossings as (
      select r.plate, r.origin, r.at, a.name as area_name, a.code as area_code
      from plates p
      join checkpoint_records r on r.plate = p.plate and r.at >= ${input.since} and r.at <= ${input.now}
      join checkpoints c on c.id = r.checkpoint_id
      join areas a on a.id = c.area_id
    ),
    places as (
      select plate, 'origin' as kind, origin as place, origin as code, at from crossings where origin is not null
      union all
      select plate, 'checkpoint', area_name, area_code, at from crossings
      union all
      select t.plate, 'trail', coalesce(t.place, t.region_code), coalesce(t.region_code, t.place), t.at
      from plates p join vehicle_trails t on t.plate = p.plate and t.at >= ${input.since} and t.at <= ${input.now}
      union all
      select x.plate, x.kind, x.place, coalesce(x.code, x.place), x.at
      from unnest(${extra.map((e) => e.plate)}::text[], ${extra.map((e) => e.kind)}::text[],
                  ${extra.map((e) => e.place)}::text[], ${extra.map((e) => e.code)}::text[],
                  ${extra.map((e) => e.at.toISOString())}::timestamptz[]) as x(plate, kind, place, code, at)
    )
    select distinct on (pl.plate, pl.kind, risk.name) pl.plate, pl.kind, pl.place, pl.at,
      risk.name as risk_name, risk.level
    from places pl
    join risk on (char_length(risk.name) >= 2 and strpos(pl.place, risk.name) > 0)
      or (risk.region_code is not null and pl.code like risk.region_code || '%')
    order by pl.plate, pl.kind, risk.name, pl.at desc`.execute(db);
  return result.rows.map((row) => ({ ...row, at: new Date(row.at) }));
}

/** Columns of a vehicle crossing as the vehicle screens show it. */
function vehicleRecords(db: Db) {
  return db
    .selectFrom('checkpoint_records as r')
    .innerJoin('checkpoints as c', 'c.id', 'r.checkpoint_id')
    .select([
      'r.id',
      'r.checkpoint_id',
      'c.name as checkpoint_name',
      'r.area_path',
      'r.at',
      'r.last_read_at',
      'r.reads',
      'r.source',
      'r.plate',
      'r.direction',
      'r.decision',
      'r.origin',
      'r.destination',
      'r.cargo',
      'r.flagged',
      'r.recorded_by',
      'r.occupants',
    ])
    .where('r.subject', '=', 'vehicle');
}
export type VehicleRecordRow = Awaited<
  ReturnType<ReturnType<typeof vehicleRecords>['executeTakeFirstOrThrow']>
>;

/** The plate's crossings at every checkpoint since `since`, newest first (index (plate, at desc)). */
export async function plateHistory(
  db: Db,
  plate: string,
  since: Date,
  limit: number,
): Promise<VehicleRecordRow[]> {
  return vehicleRecords(db)
    .where('r.plate', '=', plate)
    .where('r.at', '>=', since)
    .orderBy('r.at', 'desc')
    .limit(limit)
    .execute();
}

/** The plate's latest staff check since `since`, at any checkpoint. */
export async function lastStaffCheck(
  db: Db,
  plate: string,
  since: Date,
): Promise<VehicleRecordRow | undefined> {
  return vehicleRecords(db)
    .where('r.plate', '=', plate)
    .where('r.at', '>=', since)
    .where('r.source', '=', 'staff')
    .orderBy('r.at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function vehicleRecordById(db: Db, id: string): Promise<VehicleRecordRow> {
  return vehicleRecords(db).where('r.id', '=', id).executeTakeFirstOrThrow();
}

/** Vehicles crossing checkpoints in the viewer's area since `since`, newest first (index (area_path, at)). */
export async function recentVehicles(
  db: Db,
  viewer: Viewer,
  input: { since: Date; flagged: boolean | undefined; limit: number },
): Promise<VehicleRecordRow[]> {
  let query = vehicleRecords(db)
    .where(inScope(viewer, 'checkpoint.read', 'r.area_path'))
    .where('r.at', '>=', input.since);
  if (input.flagged !== undefined) query = query.where('r.flagged', '=', input.flagged);
  return query.orderBy('r.at', 'desc').limit(input.limit).execute();
}

/** Vehicles at one checkpoint since `since`, newest first (index (checkpoint_id, at desc)). */
export async function checkpointVehicles(db: Db, checkpointId: number, since: Date, limit: number) {
  return vehicleRecords(db)
    .where('r.checkpoint_id', '=', checkpointId)
    .where('r.at', '>=', since)
    .orderBy('r.at', 'desc')
    .limit(limit)
    .execute();
}

export async function insertRecord(db: Db, row: Insertable<CheckpointRecordsTable>): Promise<string> {
  return String(
    (await db.insertInto('checkpoint_records').values(row).returning('id').executeTakeFirstOrThrow()).id,
  );
}

/** Persons whose ID number has one of these keyed hashes (the register's own index). */
export async function personsByDocumentHashes(db: Db, hashes: readonly string[]) {
  if (hashes.length === 0) return [];
  return db
    .selectFrom('persons')
    .select(['id', 'document_hash'])
    .where('document_hash', 'in', [...hashes])
    .execute();
}

/** Stores trail points; a point already received under the same token and external id is skipped. */
export async function insertTrails(
  db: Db,
  rows: ReadonlyArray<{
    plate: string;
    at: Date;
    region_code: string | null;
    place: string | null;
    source: string;
    token_id: number | null;
    external_id: string | null;
  }>,
): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await db
    .insertInto('vehicle_trails')
    .values([...rows])
    .onConflict((oc) =>
      oc.columns(['token_id', 'external_id']).where('external_id', 'is not', null).doNothing(),
    )
    .returning('id')
    .execute();
  return inserted.length;
}
