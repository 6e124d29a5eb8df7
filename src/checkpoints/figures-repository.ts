import { sql } from 'kysely';
import { inScope, inSubtrees, type Viewer } from '../auth/scope.js';
import type { Db } from '../auth/context.js';

/** Live checkpoints under `path` the viewer may read (and those retired during the day asked for). */
export async function checkpointsUnder(db: Db, viewer: Viewer, path: string, since: Date) {
  return db
    .selectFrom('checkpoints as cp')
    .innerJoin('areas as a', 'a.id', 'cp.area_id')
    .select([
      'cp.id',
      'cp.code',
      'cp.name',
      'cp.kind',
      'cp.area_id',
      'cp.area_path',
      'cp.lng',
      'cp.lat',
      'cp.hours',
      'cp.retired_at',
      'a.code as area_code',
      'a.name as area_name',
    ])
    .where(inSubtrees([path], 'cp.area_path'))
    .where(inScope(viewer, 'checkpoint.read', 'cp.area_path'))
    .where((eb) => eb.or([eb('cp.retired_at', 'is', null), eb('cp.retired_at', '>', since)]))
    .orderBy('cp.area_path')
    .orderBy('cp.code')
    .execute();
}

/** The crossings of a day per checkpoint: people, vehicles, refused, fevers, flagged vehicles. */
export async function recordCounts(db: Db, checkpointIds: readonly number[], start: Date, end: Date) {
  if (checkpointIds.length === 0) return [];
  return db
    .selectFrom('checkpoint_records as r')
    .select((eb) => [
      'r.checkpoint_id',
      eb.fn.countAll<number>().filterWhere('r.subject', '=', 'person').as('people'),
      eb.fn.countAll<number>().filterWhere('r.subject', '=', 'vehicle').as('vehicles'),
      eb.fn.countAll<number>().filterWhere('r.decision', '=', 'refused').as('refused'),
      eb.fn.countAll<number>().filterWhere('r.fever', '=', true).as('fevers'),
      eb.fn
        .countAll<number>()
        .filterWhere((w) => w.and([w('r.flagged', '=', true), w('r.subject', '=', 'vehicle')]))
        .as('flagged'),
    ])
    .where('r.checkpoint_id', 'in', [...checkpointIds])
    .where('r.at', '>=', start)
    .where('r.at', '<', end)
    .groupBy('r.checkpoint_id')
    .execute();
}

/** Staffing gaps that were open at some time of [start, end), per checkpoint. */
export async function gapCounts(db: Db, checkpointIds: readonly number[], start: Date, end: Date) {
  if (checkpointIds.length === 0) return [];
  return db
    .selectFrom('checkpoint_gaps as g')
    .select(['g.checkpoint_id', sql<number>`count(*)::int`.as('gaps')])
    .where('g.checkpoint_id', 'in', [...checkpointIds])
    .where('g.started_at', '<', end)
    .where((eb) => eb.or([eb('g.ended_at', 'is', null), eb('g.ended_at', '>', start)]))
    .groupBy('g.checkpoint_id')
    .execute();
}

export async function childAreas(db: Db, parentId: number) {
  return db
    .selectFrom('areas')
    .select(['id', 'code', 'name', 'path'])
    .where('parent_id', '=', parentId)
    .where('retired_at', 'is', null)
    .orderBy('code')
    .execute();
}

/** Deletes crossings older than the cutoff in batches, so a large backlog never holds one long lock. */
export async function deleteRecordsBefore(db: Db, cutoff: Date, batch = 10_000): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await db
      .deleteFrom('checkpoint_records')
      .where('id', 'in', (eb) =>
        eb.selectFrom('checkpoint_records').select('id').where('at', '<', cutoff).limit(batch),
      )
      .executeTakeFirst();
    const deleted = Number(result.numDeletedRows);
    total += deleted;
    if (deleted < batch) return total;
  }
}
