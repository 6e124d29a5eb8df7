import { sql } from 'kysely';
import type { Db } from '../auth/context.js';
import { inScope, inSubtrees, type Viewer } from '../auth/scope.js';
import type { GeoJsonGeometry, MapFeatureKind, MapGeometry } from '../db/schema.js';

// Every query here takes the shown area's subtree AND the caller's scope for the layer's right:
// a worker of grid A asking for the village gets grid A's part of it, never grid B's.

/** Caps per layer: a map of a whole county stays a few megabytes, newest first where it matters. */
const MAX_HOUSES = 20_000;
const MAX_EVENTS = 5_000;

export async function boundaries(db: Db, viewer: Viewer, area: { id: number; path: string }) {
  return db
    .selectFrom('areas')
    .select(['id', 'code', 'name', 'level', 'parent_id', 'boundary'])
    .where((eb) => eb.or([eb('id', '=', area.id), eb('parent_id', '=', area.id)]))
    .where('retired_at', 'is', null)
    .where('boundary', 'is not', null)
    .where(inScope(viewer, 'area.read', 'path'))
    .orderBy('code')
    .execute() as Promise<
    Array<{
      id: number;
      code: string;
      name: string;
      level: string;
      parent_id: number | null;
      boundary: GeoJsonGeometry;
    }>
  >;
}

/** Lines and points of the subtree's own geography; `major`: drawn by a village or above (main roads, rivers). */
export async function featuresOf(db: Db, viewer: Viewer, path: string) {
  return db
    .selectFrom('map_features as f')
    .innerJoin('areas as a', 'a.id', 'f.area_id')
    .select(['f.id', 'f.kind', 'f.name', 'f.geometry', 'a.level'])
    .where(inSubtrees([path], 'f.area_path'))
    .where(inScope(viewer, 'area.read', 'f.area_path'))
    .orderBy('f.id')
    .execute() as Promise<
    Array<{ id: number; kind: MapFeatureKind; name: string; geometry: MapGeometry; level: string }>
  >;
}

/** Houses as address points: the register's people never leave it for a map. */
export async function housePoints(db: Db, viewer: Viewer, path: string) {
  return db
    .selectFrom('houses')
    .select(['id', 'address', 'lng', 'lat'])
    .where(inSubtrees([path], 'area_path'))
    .where(inScope(viewer, 'person.read', 'area_path'))
    .where('retired_at', 'is', null)
    .where('lng', 'is not', null)
    .where('lat', 'is not', null)
    .orderBy('id')
    .limit(MAX_HOUSES)
    .execute() as Promise<Array<{ id: number; address: string; lng: number; lat: number }>>;
}

export async function cameraPoints(db: Db, viewer: Viewer, path: string) {
  return db
    .selectFrom('cameras')
    .select(['id', 'code', 'name', 'kind', 'status', 'lng', 'lat'])
    .where(inSubtrees([path], 'area_path'))
    .where(inScope(viewer, 'event.read', 'area_path'))
    .where('status', '<>', 'retired')
    .where('lng', 'is not', null)
    .where('lat', 'is not', null)
    .orderBy('code')
    .execute() as Promise<
    Array<{ id: number; code: string; name: string; kind: string; status: string; lng: number; lat: number }>
  >;
}

/** Live checkpoints that have a position, with what their staffing state is computed from. */
export async function checkpointPoints(db: Db, viewer: Viewer, path: string) {
  return db
    .selectFrom('checkpoints')
    .select(['id', 'code', 'name', 'kind', 'hours', 'retired_at', 'lng', 'lat'])
    .where(inSubtrees([path], 'area_path'))
    .where(inScope(viewer, 'checkpoint.read', 'area_path'))
    .where('retired_at', 'is', null)
    .where('lng', 'is not', null)
    .where('lat', 'is not', null)
    .orderBy('code')
    .execute();
}

/** Events that carry a point, newest first; merged and rejected ones are not places of anything. */
export async function eventPoints(db: Db, viewer: Viewer, path: string) {
  return db
    .selectFrom('events as e')
    .innerJoin('event_categories as c', 'c.id', 'e.category_id')
    .select(['e.id', 'e.code', 'e.status', 'e.lng', 'e.lat', 'c.name_zh', 'c.name_en'])
    .where(inSubtrees([path], 'e.area_path'))
    .where(inScope(viewer, 'event.read', 'e.area_path'))
    .where('e.status', 'not in', ['merged', 'rejected'])
    .where('e.lng', 'is not', null)
    .where('e.lat', 'is not', null)
    .orderBy('e.created_at', 'desc')
    .limit(MAX_EVENTS)
    .execute() as Promise<
    Array<{
      id: number;
      code: string;
      status: string;
      lng: number;
      lat: number;
      name_zh: string;
      name_en: string;
    }>
  >;
}

/** Open screening rounds that cover any part of the subtree at `path` (above it or inside it). */
export async function openRoundsTouching(db: Db, path: string, now: Date) {
  const ids = path.split('/').filter(Boolean);
  const above = ids.map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`);
  return db
    .selectFrom('screening_rounds')
    .select(['id', 'area_path', 'starts_at', 'ends_at'])
    .where('status', '=', 'open')
    .where('starts_at', '<=', now)
    .where('ends_at', '>', now)
    .where((eb) => eb.or([eb('area_path', 'in', above), inSubtrees([path], 'area_path')]))
    .execute();
}

/**
 * Untested persons of a round, counted per house that has a point: the heat of who still needs a
 * test. Only counts leave the database, never who.
 */
export async function untestedByHouse(
  db: Db,
  viewer: Viewer,
  path: string,
  round: { id: number; area_path: string; starts_at: Date; ends_at: Date },
) {
  const result = await sql<{ id: number; lng: number; lat: number; untested: number }>`
    select h.id, h.lng, h.lat, count(*)::int as untested
    from persons p
    join houses h on h.id = p.house_id
    where ${inSubtrees([path], 'p.area_path')} and ${inSubtrees([round.area_path], 'p.area_path')}
      and ${inScope(viewer, 'health.read', 'p.area_path')} and p.status = 'active'
      and h.lng is not null and h.lat is not null
      and not exists (select 1 from health_records t where t.person_id = p.id and t.kind = 'test'
                        and t.occurred_at >= ${round.starts_at} and t.occurred_at < ${round.ends_at})
      and not exists (select 1 from round_marks x where x.round_id = ${round.id} and x.person_id = p.id and x.kind = 'exempt')
    group by h.id, h.lng, h.lat
    order by h.id
    limit ${MAX_HOUSES}`.execute(db);
  return result.rows;
}
