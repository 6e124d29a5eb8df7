import type { Db } from '../auth/context.js';
import { staffingOf } from '../checkpoints/rota-service.js';
import { can, SYSTEM_VIEWER, type Viewer } from '../auth/scope.js';
import type { Basemap } from '../config.js';
import { notFound } from '../core/errors.js';
import type { GeoJsonGeometry } from '../db/schema.js';
import { findAreaByCode, findAreaById } from '../hierarchy/repository.js';
import * as repo from './repository.js';
import type { MapConfig, MapFeature, MapLayerId, MapLayers } from './schema.js';

/** Where the server hands out a configured PMTiles archive. */
export const BASEMAP_ARCHIVE_PATH = '/api/map/basemap.pmtiles';

/**
 * "https://t{0-7}.x/{z}/{x}/{y}" → eight templates t0 … t7 (and {a-c} → a, b, c): MapLibre takes
 * one URL per subdomain, and leaves {z}/{x}/{y} for itself.
 */
export function expandSubdomains(template: string): string[] {
  const match = /\{([0-9a-z])-([0-9a-z])\}/.exec(template);
  if (!match) return [template];
  const from = match[1]!.charCodeAt(0);
  const to = match[2]!.charCodeAt(0);
  const out: string[] = [];
  for (let c = from; c <= to; c++) out.push(template.replace(match[0], String.fromCharCode(c)));
  return out;
}

/** The origins a browser fetches tiles from, for the Content-Security-Policy (subdomains as a wildcard). */
export function basemapOrigins(basemap: Basemap): string[] {
  if (basemap.source.kind !== 'xyz') return [];
  const match = /^(https?:\/\/)([^/?#]+)/.exec(basemap.source.template);
  if (!match) return [];
  const [first, ...rest] = match[2]!.split('.');
  return [`${match[1]}${[first!.includes('{') ? '*' : first, ...rest].join('.')}`];
}

export function mapConfig(basemap: Basemap): MapConfig {
  const { source } = basemap;
  return {
    basemap:
      source.kind === 'xyz'
        ? { kind: 'xyz', tiles: expandSubdomains(source.template) }
        : source.kind === 'pmtiles'
          ? { kind: 'pmtiles', url: BASEMAP_ARCHIVE_PATH }
          : { kind: 'none' },
    crs: basemap.crs,
    attribution: basemap.attribution,
  };
}

/** "bytes=a-b" / "bytes=a-" / "bytes=-n" over a file of `size` bytes; null: not satisfiable or several ranges. */
export function parseByteRange(header: string, size: number): { start: number; end: number } | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return null;
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start > end || start >= size) return null;
  return { start, end };
}

const point = (lng: number, lat: number) => ({ type: 'Point' as const, coordinates: [lng, lat] });

function collection(features: MapFeature[]) {
  return { type: 'FeatureCollection' as const, features };
}

function boundsOf(geometries: Array<{ coordinates: unknown }>): [number, number, number, number] | null {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  const visit = (value: unknown) => {
    if (!Array.isArray(value)) return;
    if (typeof value[0] === 'number' && typeof value[1] === 'number') {
      west = Math.min(west, value[0]);
      east = Math.max(east, value[0]);
      south = Math.min(south, value[1]);
      north = Math.max(north, value[1]);
      return;
    }
    value.forEach(visit);
  };
  geometries.forEach((g) => visit(g.coordinates));
  return Number.isFinite(west) ? [west, south, east, north] : null;
}

/** Lanes of a row cell, tracks of a grid: drawn thinner than the roads a village owns. */
const MINOR_LEVELS = new Set(['grid', 'microgrid', 'cell']);

const OPEN_STATUSES = new Set(['collected', 'registered', 'dispatched', 'handling', 'reported', 'suspended']);

/**
 * The map of an area for the caller: its boundary and its children's, its own geography, houses
 * as address points, cameras, untested heat and event points, each layer scoped to the caller's
 * rights in the subtree. An area outside the caller's scope answers 404, as everywhere else.
 */
export async function mapLayers(db: Db, viewer: Viewer, areaId: number, now: Date): Promise<MapLayers> {
  const area = await findAreaById(db, areaId);
  if (!area || !can(viewer, 'area.read', area.path))
    throw notFound('AREA_NOT_FOUND', `Area ${areaId} does not exist or is outside your area`);
  const [areas, features, houses, cameras, events, rounds, checkpoints] = await Promise.all([
    repo.boundaries(db, viewer, area),
    repo.featuresOf(db, viewer, area.path),
    repo.housePoints(db, viewer, area.path),
    repo.cameraPoints(db, viewer, area.path),
    repo.eventPoints(db, viewer, area.path),
    repo.openRoundsTouching(db, area.path, now),
    repo.checkpointPoints(db, viewer, area.path),
  ]);
  const staffing = await staffingOf(db, checkpoints, now);
  const untested = new Map<number, { lng: number; lat: number; untested: number }>();
  for (const round of rounds) {
    for (const house of await repo.untestedByHouse(db, viewer, area.path, round)) {
      const seen = untested.get(house.id);
      untested.set(house.id, { ...house, untested: (seen?.untested ?? 0) + house.untested });
    }
  }

  return assemble(area, areas, features, {
    houses: houses.map((h) => ({
      type: 'Feature',
      id: h.id,
      geometry: point(h.lng, h.lat),
      properties: { address: h.address },
    })),
    cameras: cameras.map((c) => ({
      type: 'Feature',
      id: c.id,
      geometry: point(c.lng, c.lat),
      properties: { code: c.code, name: c.name, kind: c.kind, status: c.status },
    })),
    untested: [...untested.entries()].map(([id, h]) => ({
      type: 'Feature',
      id,
      geometry: point(h.lng, h.lat),
      properties: { untested: h.untested },
    })),
    events: events.map((e) => ({
      type: 'Feature',
      id: e.id,
      geometry: point(e.lng, e.lat),
      properties: {
        id: e.id,
        code: e.code,
        status: e.status,
        open: OPEN_STATUSES.has(e.status),
        categoryZh: e.name_zh,
        categoryEn: e.name_en,
      },
    })),
    checkpoints: checkpoints.map((c) => ({
      type: 'Feature',
      id: c.id,
      geometry: point(c.lng!, c.lat!),
      properties: {
        id: c.id,
        code: c.code,
        name: c.name,
        kind: c.kind,
        state: staffing.get(c.id)!.state,
        onDuty: staffing.get(c.id)!.onDuty,
      },
    })),
  });
}

type AreaOfMap = { id: number; code: string; name: string; boundary: GeoJsonGeometry | null };

/** The layers in their order: boundaries and own geography from the rows, the rest as given. */
function assemble(
  area: AreaOfMap,
  areas: Awaited<ReturnType<typeof repo.boundaries>>,
  features: Awaited<ReturnType<typeof repo.featuresOf>>,
  given: Partial<Record<MapLayerId, MapFeature[]>>,
): MapLayers {
  const layers: Record<MapLayerId, MapFeature[]> = {
    areas: areas.map((a) => ({
      type: 'Feature',
      id: a.id,
      geometry: a.boundary as MapFeature['geometry'],
      properties: { id: a.id, code: a.code, name: a.name, level: a.level, self: a.id === area.id },
    })),
    rivers: [],
    roads: [],
    gates: [],
    houses: given.houses ?? [],
    cameras: given.cameras ?? [],
    untested: given.untested ?? [],
    events: given.events ?? [],
    checkpoints: given.checkpoints ?? [],
  };
  const layerOfKind = { road: 'roads', river: 'rivers', gate: 'gates' } as const;
  for (const f of features)
    layers[layerOfKind[f.kind]].push({
      type: 'Feature',
      id: f.id,
      geometry: f.geometry,
      properties: { kind: f.kind, name: f.name, major: !MINOR_LEVELS.has(f.level) },
    });
  const own = area.boundary;
  const drawn = Object.values(layers).flatMap((list) => list.map((f) => f.geometry));
  return {
    area: { id: area.id, code: area.code, name: area.name, bounds: boundsOf(own ? [own] : drawn) },
    layers: (Object.keys(layers) as MapLayerId[]).map((id) => ({ id, features: collection(layers[id]) })),
  };
}

/** Levels a public report page may belong to (as the report itself): a community and anything inside it. */
const PAGE_LEVELS = new Set(['village', 'grid', 'microgrid', 'cell']);

/**
 * The report page's map, for anyone: the community's boundaries, rivers, roads and gates, and its
 * houses as bare points (no address, no one in them). No cameras, events or figures: those are
 * for staff. The geography is the community's own, read for the page rather than for a viewer.
 */
export async function publicMapLayers(db: Db, code: string): Promise<MapLayers> {
  const area = await findAreaByCode(db, code);
  if (!area || area.retired_at || !PAGE_LEVELS.has(area.level))
    throw notFound('COMMUNITY_NOT_FOUND', `code: no community with code ${code}`);
  const [areas, features, houses] = await Promise.all([
    repo.boundaries(db, SYSTEM_VIEWER, area),
    repo.featuresOf(db, SYSTEM_VIEWER, area.path),
    repo.housePoints(db, SYSTEM_VIEWER, area.path),
  ]);
  const map = assemble(area, areas, features, {
    houses: houses.map((h) => ({ type: 'Feature', id: h.id, geometry: point(h.lng, h.lat), properties: {} })),
  });
  return { ...map, layers: map.layers.filter((l) => PUBLIC_LAYERS.has(l.id)) };
}

const PUBLIC_LAYERS = new Set<MapLayerId>(['areas', 'rivers', 'roads', 'houses', 'gates']);
