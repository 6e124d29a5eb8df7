import { recordAudit } from '../audit/repository.js';
import { can } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import type { AreaKind, AreaLevel, GeoJsonGeometry } from '../db/schema.js';
import { childLevelOf, codeProblem } from './codes.js';
import { geometryProblem, roughCentre } from './geometry.js';
import * as repo from './repository.js';
import type { AreaRow, NewArea } from './repository.js';
import { KIND_VALUES, LEVEL_VALUES } from './schema.js';
import type { HierarchySettings } from './service.js';

export interface AreaImportRow {
  row: number;
  code: string;
  name: string;
  parentCode: string;
  level: string;
  kind: string;
  boundary?: unknown;
  centreLng?: string;
  centreLat?: string;
}

export interface RowReject {
  row: number;
  field: string;
  code: string;
  message: string;
}

export interface ImportReport {
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: RowReject[];
}

/** Accepts Chinese and English words for levels and kinds as clerks write them. */
const LEVEL_WORDS: Record<string, AreaLevel> = {
  市: 'city',
  地级市: 'city',
  直辖市: 'city',
  县: 'county',
  区: 'county',
  县区: 'county',
  '县/区': 'county',
  乡镇: 'township',
  街道: 'township',
  镇: 'township',
  乡: 'township',
  '乡镇/街道': 'township',
  村: 'village',
  社区: 'village',
  村居: 'village',
  '村/社区': 'village',
  网格: 'grid',
  微网格: 'microgrid',
  微格: 'microgrid',
  埭: 'cell',
  楼栋: 'cell',
  埭楼栋: 'cell',
  '埭/楼栋': 'cell',
};
const KIND_WORDS: Record<string, AreaKind> = {
  普通: 'ordinary',
  一般: 'ordinary',
  企业: 'enterprise',
  工地: 'site',
  场所: 'site',
  学校: 'school',
  酒店: 'hotel',
  宾馆: 'hotel',
};

function parseLevel(value: string): AreaLevel | null | undefined {
  const v = value.trim();
  if (!v) return undefined;
  if ((LEVEL_VALUES as readonly string[]).includes(v.toLowerCase())) return v.toLowerCase() as AreaLevel;
  return LEVEL_WORDS[v] ?? null;
}

function parseKind(value: string): AreaKind | null {
  const v = value.trim();
  if (!v) return 'ordinary';
  if ((KIND_VALUES as readonly string[]).includes(v.toLowerCase())) return v.toLowerCase() as AreaKind;
  return KIND_WORDS[v] ?? null;
}

interface Candidate {
  row: number;
  code: string;
  name: string;
  parentCode: string;
  level: AreaLevel | undefined;
  kind: AreaKind;
  boundary: GeoJsonGeometry | null;
  centre: { lng: number; lat: number } | null;
}

function validateRow(input: AreaImportRow, rejects: RowReject[]): Candidate | null {
  const reject = (field: string, code: string, message: string) => {
    rejects.push({ row: input.row, field, code, message });
    return null;
  };
  const code = input.code.trim();
  const name = input.name.trim();
  if (!/^\d{6,24}$/.test(code))
    return reject('code', 'AREA_CODE_INVALID', `code "${code}" must be 6 to 24 digits`);
  if (!name || name.length > 100)
    return reject('name', 'IMPORT_ROW_INVALID', 'name must be 1 to 100 characters');
  const parentCode = input.parentCode.trim();
  if (parentCode && !/^\d{6,24}$/.test(parentCode))
    return reject('parentCode', 'AREA_CODE_INVALID', `parent code "${parentCode}" must be 6 to 24 digits`);
  const level = parseLevel(input.level);
  if (level === null) return reject('level', 'AREA_LEVEL_INVALID', `unknown level "${input.level}"`);
  const kind = parseKind(input.kind);
  if (kind === null) return reject('kind', 'IMPORT_ROW_INVALID', `unknown kind "${input.kind}"`);
  let boundary: GeoJsonGeometry | null = null;
  if (input.boundary !== undefined && input.boundary !== null && input.boundary !== '') {
    let geometry = input.boundary;
    if (typeof geometry === 'string') {
      try {
        geometry = JSON.parse(geometry);
      } catch {
        return reject('boundary', 'GEOJSON_INVALID', 'boundary is not valid JSON');
      }
    }
    const problem = geometryProblem(geometry);
    if (problem) return reject('boundary', 'GEOJSON_INVALID', `boundary ${problem}`);
    boundary = geometry as GeoJsonGeometry;
  }
  let centre: { lng: number; lat: number } | null = null;
  if (input.centreLng?.trim() || input.centreLat?.trim()) {
    const lng = Number(input.centreLng);
    const lat = Number(input.centreLat);
    if (!Number.isFinite(lng) || Math.abs(lng) > 180)
      return reject('centreLng', 'IMPORT_ROW_INVALID', 'longitude must be a number from -180 to 180');
    if (!Number.isFinite(lat) || Math.abs(lat) > 90)
      return reject('centreLat', 'IMPORT_ROW_INVALID', 'latitude must be a number from -90 to 90');
    centre = { lng, lat };
  }
  return {
    row: input.row,
    code,
    name,
    parentCode,
    level,
    kind,
    boundary,
    centre: centre ?? (boundary ? roughCentre(boundary) : null),
  };
}

/**
 * Imports areas parent-first in set-based rounds. Idempotent: a known code with the same
 * values is unchanged; a changed name, kind or boundary is updated; moves are refused (use move).
 * Runs inside the caller's transaction, so a failure stores nothing.
 */
export async function importAreaRows(
  db: Db,
  actor: Actor,
  settings: HierarchySettings,
  rows: AreaImportRow[],
  source: string,
): Promise<ImportReport> {
  const report: ImportReport = { inserted: 0, updated: 0, unchanged: 0, rejected: [] };
  const seen = new Map<string, number>();
  let pending: Candidate[] = [];
  for (const input of rows) {
    const candidate = validateRow(input, report.rejected);
    if (!candidate) continue;
    const earlier = seen.get(candidate.code);
    if (earlier !== undefined) {
      report.rejected.push({
        row: candidate.row,
        field: 'code',
        code: 'AREA_CODE_CONFLICT',
        message: `code ${candidate.code} repeats row ${earlier}`,
      });
      continue;
    }
    seen.set(candidate.code, candidate.row);
    pending.push(candidate);
  }

  const known = new Map<string, AreaRow>();
  const codes = [...new Set(pending.flatMap((c) => [c.code, c.parentCode]).filter(Boolean))];
  for (let i = 0; i < codes.length; i += 5000) {
    const chunk = codes.slice(i, i + 5000);
    for (const row of await repo.findAreasByCodes(db, chunk)) known.set(row.code, row);
  }

  const now = actor.now();
  // Each round stores the rows whose parent is now known; the rest wait for the next round.
  while (pending.length > 0) {
    const ready: Candidate[] = [];
    const waiting: Candidate[] = [];
    for (const candidate of pending) {
      if (!candidate.parentCode || known.has(candidate.parentCode) || known.has(candidate.code))
        ready.push(candidate);
      else waiting.push(candidate);
    }
    if (ready.length === 0) {
      for (const c of waiting) {
        report.rejected.push({
          row: c.row,
          field: 'parentCode',
          code: 'AREA_PARENT_NOT_FOUND',
          message: `parent code ${c.parentCode} is neither stored nor in this file`,
        });
      }
      break;
    }
    const inserts: Array<NewArea & { row: number }> = [];
    for (const c of ready) {
      const reject = (field: string, code: string, message: string) =>
        report.rejected.push({ row: c.row, field, code, message });
      const parent = c.parentCode ? (known.get(c.parentCode) ?? null) : null;
      const existing = known.get(c.code);
      if (existing) {
        if (!can(actor.viewer, 'area.manage', existing.path)) {
          reject('code', 'FORBIDDEN', `area ${c.code} is outside the areas you may change`);
          continue;
        }
        if ((parent?.id ?? null) !== existing.parent_id) {
          reject(
            'parentCode',
            'AREA_MOVE_INVALID',
            `area ${c.code} already exists under another parent; move it instead of re-importing`,
          );
          continue;
        }
        if (c.level && c.level !== existing.level) {
          reject(
            'level',
            'AREA_LEVEL_INVALID',
            `area ${c.code} is stored as ${existing.level}, not ${c.level}`,
          );
          continue;
        }
        const boundary = c.boundary ? JSON.stringify(c.boundary) : null;
        const same =
          existing.name === c.name &&
          existing.kind === c.kind &&
          (c.boundary === null || JSON.stringify(existing.boundary) === boundary);
        if (same) {
          report.unchanged++;
          continue;
        }
        await repo.updateArea(
          db,
          existing.id,
          {
            name: c.name,
            kind: c.kind,
            ...(c.boundary
              ? { boundary, centre_lng: c.centre?.lng ?? null, centre_lat: c.centre?.lat ?? null }
              : {}),
          },
          now,
        );
        report.updated++;
        continue;
      }
      if (parent ? !can(actor.viewer, 'area.manage', parent.path) : actor.viewer.kind !== 'system') {
        reject(
          'parentCode',
          'FORBIDDEN',
          parent
            ? `parent ${parent.code} is outside the areas you may change`
            : 'only a system administrator may import top-level areas',
        );
        continue;
      }
      if (parent?.retired_at) {
        reject('parentCode', 'AREA_RETIRED', `parent ${parent.code} is retired`);
        continue;
      }
      const level = parent ? childLevelOf(parent.level) : c.level;
      if (!level) {
        reject(
          'level',
          'AREA_LEVEL_INVALID',
          parent ? `a ${parent.level} cannot have children` : 'level is required for a top-level area',
        );
        continue;
      }
      if (c.level && c.level !== level) {
        reject('level', 'AREA_LEVEL_INVALID', `level must be ${level} under a ${parent?.level}`);
        continue;
      }
      const problem = codeProblem(level, c.code, parent, settings.gridCodeWidth);
      if (problem) {
        reject('code', 'AREA_CODE_INVALID', `code ${c.code} ${problem}`);
        continue;
      }
      inserts.push({
        row: c.row,
        parentId: parent?.id ?? null,
        parentPath: parent?.path ?? null,
        code: c.code,
        name: c.name,
        level,
        kind: c.kind,
        boundary: c.boundary ? JSON.stringify(c.boundary) : null,
        centreLng: c.centre?.lng ?? null,
        centreLat: c.centre?.lat ?? null,
      });
    }
    for (const row of await repo.insertAreas(db, inserts, now)) known.set(row.code, row);
    report.inserted += inserts.length;
    pending = waiting;
  }
  report.rejected.sort((a, b) => a.row - b.row);
  await recordAudit(db, actor, {
    action: 'area.import',
    entityType: 'area',
    after: {
      source,
      inserted: report.inserted,
      updated: report.updated,
      unchanged: report.unchanged,
      rejected: report.rejected.length,
    },
  });
  return report;
}

/** Rows from a GeoJSON FeatureCollection whose features carry code/name/parent properties. */
export function rowsFromGeoJson(text: string): AreaImportRow[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new GeoJsonFileError(`the file is not valid JSON: ${(error as Error).message}`);
  }
  const collection = document as { type?: unknown; features?: unknown };
  if (collection?.type !== 'FeatureCollection' || !Array.isArray(collection.features)) {
    throw new GeoJsonFileError('expected a GeoJSON FeatureCollection with a "features" array');
  }
  return collection.features.map((feature: unknown, index: number) => {
    const f = (feature ?? {}) as { properties?: Record<string, unknown>; geometry?: unknown };
    const p = f.properties ?? {};
    const text = (...keys: string[]) => {
      for (const key of keys) if (p[key] !== undefined && p[key] !== null) return String(p[key]);
      return '';
    };
    return {
      row: index + 1,
      code: text('code', '编码', 'gridCode'),
      name: text('name', '名称'),
      parentCode: text('parent', 'parentCode', 'parent_code', '上级编码'),
      level: text('level', '层级'),
      kind: text('kind', '类型'),
      boundary: f.geometry ?? undefined,
    };
  });
}

export class GeoJsonFileError extends Error {
  readonly code = 'GEOJSON_INVALID';
}
