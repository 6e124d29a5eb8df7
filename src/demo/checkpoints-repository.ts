import type { Insertable, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';

type Trx = Transaction<DB>;
type Rows<T extends keyof DB> = ReadonlyArray<Insertable<DB[T]>>;

/** The demo accounts that staff the checkpoints: the grid leaders named, and the first volunteers. */
export async function checkpointCrew(trx: Trx, leaders: readonly string[]) {
  return trx
    .selectFrom('users')
    .select(['id', 'username', 'display_name'])
    .where((eb) => eb.or([eb('username', 'in', [...leaders]), eb('username', 'like', 'volunteer0%')]))
    .orderBy('username')
    .execute();
}

export async function insertTeams(trx: Trx, rows: Rows<'teams'>) {
  return trx.insertInto('teams').values(rows).returning('id').execute();
}

export async function insertTeamMembers(trx: Trx, rows: Rows<'team_members'>): Promise<void> {
  await trx.insertInto('team_members').values(rows).execute();
}

export async function insertPlaces(trx: Trx, rows: Rows<'places'>) {
  return trx.insertInto('places').values(rows).returning('id').execute();
}

export async function insertCheckpoints(trx: Trx, rows: Rows<'checkpoints'>) {
  return trx.insertInto('checkpoints').values(rows).returning('id').execute();
}

export async function insertGateCameras(trx: Trx, rows: Rows<'cameras'>) {
  return trx
    .insertInto('cameras')
    .values(rows)
    .returning(['id', 'checkpoint_id', 'kind', 'name', 'lng', 'lat'])
    .execute();
}

export async function insertRiskArea(trx: Trx, row: Insertable<DB['risk_areas']>): Promise<void> {
  await trx.insertInto('risk_areas').values(row).execute();
}

export async function insertShifts(trx: Trx, rows: Rows<'checkpoint_shifts'>) {
  return trx
    .insertInto('checkpoint_shifts')
    .values(rows)
    .returning(['id', 'checkpoint_id', 'starts_at', 'ends_at'])
    .execute();
}

export async function insertDuty(trx: Trx, rows: Rows<'checkpoint_duty'>): Promise<void> {
  await trx.insertInto('checkpoint_duty').values(rows).execute();
}

export async function insertGaps(trx: Trx, rows: Rows<'checkpoint_gaps'>): Promise<void> {
  await trx.insertInto('checkpoint_gaps').values(rows).execute();
}

/** Residents of the village who cross its gates in the demo records. */
export async function crossingResidents(trx: Trx, path: string, limit: number) {
  return trx
    .selectFrom('persons')
    .select(['id', 'name', 'document_masked'])
    .where('area_path', 'like', `${path}%`)
    .where('status', '=', 'active')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Crossings in multi-row inserts of 1,000. */
export async function insertCrossings(trx: Trx, rows: Rows<'checkpoint_records'>): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000)
    await trx
      .insertInto('checkpoint_records')
      .values(rows.slice(i, i + 1000))
      .execute();
}
