import type { Db } from '../auth/context.js';
import { invalid, notFound } from '../core/errors.js';
import type { GeoJsonGeometry } from '../db/schema.js';
import { type AreaRow, findAreaByCode } from '../hierarchy/repository.js';
import * as repo from './repository.js';

type Ring = number[][];

/** Even–odd ray casting on one ring of [lng, lat] positions. */
function inRing(ring: Ring, lng: number, lat: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inPolygon(rings: Ring[], lng: number, lat: number): boolean {
  const [outer, ...holes] = rings;
  return !!outer && inRing(outer, lng, lat) && !holes.some((hole) => inRing(hole, lng, lat));
}

/** Whether a GeoJSON Polygon/MultiPolygon holds the point (small areas: planar geometry is enough). */
export function containsPoint(geometry: GeoJsonGeometry, lng: number, lat: number): boolean {
  if (geometry.type === 'Polygon') return inPolygon(geometry.coordinates as Ring[], lng, lat);
  return (geometry.coordinates as Ring[][]).some((polygon) => inPolygon(polygon, lng, lat));
}

/** Levels a report page may belong to: a community and anything inside it. */
const PAGE_LEVELS = new Set(['village', 'grid', 'microgrid', 'cell']);

/**
 * The area a resident's report lands in: the deepest area of the page's community whose boundary
 * holds the reported point, else the community itself (an address alone, or a point on no map).
 */
export async function resolveReportArea(
  db: Db,
  communityCode: string,
  point: { lng: number; lat: number } | null,
): Promise<AreaRow> {
  const community = await findAreaByCode(db, communityCode);
  if (!community || community.retired_at || !PAGE_LEVELS.has(community.level))
    throw notFound('COMMUNITY_NOT_FOUND', `community: no community with code ${communityCode}`);
  if (!point) return community;
  if (community.boundary && !containsPoint(community.boundary, point.lng, point.lat))
    throw invalid('REPORT_LOCATION_OUTSIDE', 'lng/lat: the point lies outside this community', [
      { field: 'lng', code: 'outsideCommunity', message: 'outside the community of this page' },
    ]);
  return (await deepestMappedAreaAt(db, community.path, point)) ?? community;
}

/**
 * The deepest live area of the subtree at `path` whose boundary holds the point, or undefined
 * when no mapped area does (the report page and Open311 both place reports with it).
 */
export async function deepestMappedAreaAt(
  db: Db,
  path: string,
  point: { lng: number; lat: number },
): Promise<AreaRow | undefined> {
  const mapped = await repo.mappedAreasWithin(db, path);
  return mapped.find((a) => a.boundary && containsPoint(a.boundary, point.lng, point.lat));
}

/** The report page's map: the community (or grid the page belongs to) and its mapped areas down to micro-grids. */
export async function publicCommunity(db: Db, code: string) {
  const community = await findAreaByCode(db, code);
  if (!community || community.retired_at || !PAGE_LEVELS.has(community.level))
    throw notFound('COMMUNITY_NOT_FOUND', `code: no community with code ${code}`);
  const ids = community.path.split('/').filter(Boolean).map(Number);
  const ancestors = await repo.areaNamesByDepth(db, ids);
  const inside = await repo.mappedGridsWithin(db, community.path);
  return {
    code: community.code,
    name: community.name,
    path: ancestors.map((a) => a.name),
    boundary: community.boundary ?? null,
    centre:
      community.centre_lng !== null && community.centre_lat !== null
        ? { lng: community.centre_lng, lat: community.centre_lat }
        : null,
    // The query keeps only mapped areas; the filter tells the compiler so.
    areas: inside.flatMap((a) =>
      a.boundary ? [{ code: a.code, name: a.name, level: a.level, boundary: a.boundary }] : [],
    ),
  };
}
