import { recordAudit } from '../audit/repository.js';
import { can } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import type { AreaKind, AreaLevel, GeoJsonGeometry } from '../db/schema.js';
import type { Params } from '../i18n/locale.js';
import { problemMessage } from '../i18n/messages.js';
import type { ProblemCode } from '../i18n/problem-codes.js';
import type { ImportReport, RowReject } from '../imports/report.js';
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

/** Words a clerk may write for the level and kind, named in the reject. */
const LEVELS_ALLOWED = '市, 县/区, 乡镇/街道, 村/社区, 网格, 微网格, 埭/楼栋';
const KINDS_ALLOWED = '普通, 企业, 工地, 学校, 酒店';

/** A reject of an area row: the sentence is English for the stored report, remade in the reader's language. */
function areaReject(row: number, field: string, code: ProblemCode, params?: Params): RowReject {
  return { row, field, code, ...(params ? { params } : {}), message: problemMessage('en', code, params) };
}

/** Checks one row without the database: every problem of the row, or the candidate. */
function validateRow(input: AreaImportRow, rejects: RowReject[]): Candidate | null {
  const before = rejects.length;
  const reject = (field: string, code: ProblemCode, params?: Params) =>
    rejects.push(areaReject(input.row, field, code, params));
  const code = input.code.trim();
  const name = input.name.trim();
  if (!/^\d{6,24}$/.test(code)) reject('code', 'areaCodeFormat');
  if (!name) reject('name', 'required');
  else if (name.length > 100) reject('name', 'maxLength', { max: 100 });
  const parentCode = input.parentCode.trim();
  if (parentCode && !/^\d{6,24}$/.test(parentCode)) reject('parentCode', 'areaCodeFormat');
  const level = parseLevel(input.level);
  if (level === null)
    reject('level', 'unknownWord', { value: input.level.trim().slice(0, 20), allowed: LEVELS_ALLOWED });
  const kind = parseKind(input.kind);
  if (kind === null)
    reject('kind', 'unknownWord', { value: input.kind.trim().slice(0, 20), allowed: KINDS_ALLOWED });
  let boundary: GeoJsonGeometry | null = null;
  if (input.boundary !== undefined && input.boundary !== null && input.boundary !== '') {
    let geometry = input.boundary;
    let readable = true;
    if (typeof geometry === 'string') {
      try {
        geometry = JSON.parse(geometry);
      } catch {
        readable = false;
      }
    }
    if (!readable || geometryProblem(geometry)) reject('boundary', 'geometry');
    else boundary = geometry as GeoJsonGeometry;
  }
  let centre: { lng: number; lat: number } | null = null;
  if (input.centreLng?.trim() || input.centreLat?.trim()) {
    const lng = Number(input.centreLng);
    const lat = Number(input.centreLat);
    const lngValid = Number.isFinite(lng) && Math.abs(lng) <= 180;
    const latValid = Number.isFinite(lat) && Math.abs(lat) <= 90;
    if (!lngValid) reject('centreLng', 'coordinate');
    if (!latValid) reject('centreLat', 'coordinate');
    if (lngValid && latValid) centre = { lng, lat };
  }
  if (rejects.length > before || level === null || kind === null) return null;
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
      report.rejected.push(areaReject(candidate.row, 'code', 'duplicateInFile', { row: earlier }));
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
        report.rejected.push(areaReject(c.row, 'parentCode', 'parentNotFound', { code: c.parentCode }));
      }
      break;
    }
    const inserts: Array<NewArea & { row: number }> = [];
    for (const c of ready) {
      // Once the row may not be written here, nothing else about it is checked; otherwise every problem is listed.
      const problems: RowReject[] = [];
      const reject = (field: string, code: ProblemCode, params?: Params) =>
        problems.push(areaReject(c.row, field, code, params));
      const parent = c.parentCode ? (known.get(c.parentCode) ?? null) : null;
      const existing = known.get(c.code);
      if (existing) {
        if (!can(actor.viewer, 'area.manage', existing.path)) {
          report.rejected.push(areaReject(c.row, 'code', 'areaForbidden', { code: c.code }));
          continue;
        }
        if ((parent?.id ?? null) !== existing.parent_id)
          reject('parentCode', 'areaMoveByImport', { code: c.code });
        if (c.level && c.level !== existing.level)
          reject('level', 'areaLevelStored', { code: c.code, stored: existing.level, given: c.level });
        if (problems.length > 0) {
          report.rejected.push(...problems);
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
        report.rejected.push(
          parent
            ? areaReject(c.row, 'parentCode', 'areaForbidden', { code: parent.code })
            : areaReject(c.row, 'parentCode', 'topLevelSystemOnly'),
        );
        continue;
      }
      if (parent?.retired_at) reject('parentCode', 'areaRetired', { code: parent.code });
      const level = parent ? childLevelOf(parent.level) : c.level;
      if (!level) {
        if (parent) reject('level', 'noChildLevel', { level: parent.level });
        else reject('level', 'required');
      } else {
        if (c.level && c.level !== level)
          reject('level', 'levelUnderParent', { parent: parent?.level ?? null, level });
        const problem = codeProblem(level, c.code, parent, settings.gridCodeWidth);
        if (problem) reject('code', problem.code, problem.params);
      }
      if (problems.length > 0 || !level) {
        report.rejected.push(...problems);
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
