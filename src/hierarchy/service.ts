import { recordAudit } from '../audit/repository.js';
import { can, type Viewer } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../core/errors.js';
import type { AreaKind, AreaLevel, GeoJsonGeometry } from '../db/schema.js';
import { childLevelOf, codeProblem, isPrefixDerived, nextChildCode, rebasedCode } from './codes.js';
import { geometryProblem, roughCentre } from './geometry.js';
import * as repo from './repository.js';
import type { AreaRow } from './repository.js';
import type { AreaDetail, AreaListQuery, AreaView, CreateAreaBody, UpdateAreaBody } from './schema.js';
import type { PageOf } from '../core/pagination.js';

export interface HierarchySettings {
  gridCodeWidth: number;
}

const AREA_NOT_FOUND = (id: number | string) =>
  notFound('AREA_NOT_FOUND', `Area ${id} does not exist or is outside your area`);

export function presentArea(row: AreaRow, childCount = 0): AreaView {
  return {
    id: row.id,
    parentId: row.parent_id,
    code: row.code,
    name: row.name,
    level: row.level,
    kind: row.kind,
    depth: row.depth,
    centre:
      row.centre_lng !== null && row.centre_lat !== null
        ? { lng: row.centre_lng, lat: row.centre_lat }
        : null,
    hasBoundary: row.boundary !== null,
    retired: row.retired_at !== null,
    childCount,
  };
}

/** Who may add a top-level area: the operator at the command line, or an admin of an existing top-level area. */
function mayCreateRoot(viewer: Viewer): boolean {
  if (viewer.kind === 'system') return true;
  return (
    viewer.kind === 'user' &&
    viewer.assignments.some((a) => a.role === 'admin' && /^\/\d+\/$/.test(a.areaPath))
  );
}

/** Reads for update: 404 when the viewer cannot even see it, 403 when it can see but not manage. */
async function areaToManage(db: Db, viewer: Viewer, id: number): Promise<AreaRow> {
  const area = await repo.findAreaInScope(db, viewer, 'area.read', id);
  if (!area) throw AREA_NOT_FOUND(id);
  if (!can(viewer, 'area.manage', area.path)) throw forbidden('You may view this area but not change it');
  return area;
}

export async function listAreas(db: Db, viewer: Viewer, query: AreaListQuery): Promise<PageOf<AreaView>> {
  const { within, ...rest } = query;
  let withinPath: string | undefined;
  if (within !== undefined) {
    const area = await repo.findAreaInScope(db, viewer, 'area.read', within);
    if (!area) throw AREA_NOT_FOUND(within);
    withinPath = area.path;
  }
  const page = await repo.listAreas(db, viewer, { ...rest, ...(withinPath ? { withinPath } : {}) });
  return {
    items: page.items.map((row) => presentArea(row, page.childCounts.get(row.id) ?? 0)),
    page: page.page,
    pageSize: page.pageSize,
    total: page.total,
  };
}

export async function getAreaDetail(db: Db, viewer: Viewer, id: number): Promise<AreaDetail> {
  const area = await repo.findAreaInScope(db, viewer, 'area.read', id);
  if (!area) throw AREA_NOT_FOUND(id);
  const [ancestors, counts, staff, children] = await Promise.all([
    repo.ancestorsOf(db, area),
    repo.descendantCountsByLevel(db, area.path),
    repo.staffOf(db, area.id),
    repo.childCounts(db, [area.id]),
  ]);
  return {
    ...presentArea(area, children.get(area.id) ?? 0),
    ancestors,
    boundary: area.boundary as AreaDetail['boundary'],
    descendantCounts: counts,
    staff,
  };
}

interface AreaInput {
  name: string;
  kind?: AreaKind | undefined;
  boundary?: GeoJsonGeometry | null | undefined;
  centre?: { lng: number; lat: number } | null | undefined;
}

function checkedGeometry(input: AreaInput, field: string) {
  if (input.boundary) {
    const problem = geometryProblem(input.boundary);
    if (problem)
      throw invalid('GEOJSON_INVALID', `${field}.boundary ${problem}`, [
        { field: `${field}.boundary`, code: 'geometry', message: problem },
      ]);
  }
  const centre = input.centre ?? (input.boundary ? roughCentre(input.boundary) : null);
  return {
    boundary: input.boundary ? JSON.stringify(input.boundary) : null,
    centreLng: centre?.lng ?? null,
    centreLat: centre?.lat ?? null,
  };
}

export async function createArea(
  db: Db,
  actor: Actor,
  settings: HierarchySettings,
  body: CreateAreaBody,
): Promise<AreaView> {
  let parent: AreaRow | null = null;
  if (body.parentId !== null) {
    const found = await repo.findAreaInScope(db, actor.viewer, 'area.read', body.parentId);
    if (!found)
      throw notFound(
        'AREA_PARENT_NOT_FOUND',
        `Parent area ${body.parentId} does not exist or is outside your area`,
      );
    if (!can(actor.viewer, 'area.manage', found.path))
      throw forbidden('You may not add areas under this parent');
    if (found.retired_at)
      throw invalid('AREA_RETIRED', `Parent area ${found.code} is retired`, [
        { field: 'body.parentId', code: 'areaRetired', params: { code: found.code }, message: 'is retired' },
      ]);
    parent = found;
  } else if (!mayCreateRoot(actor.viewer)) {
    throw forbidden('Only a system administrator may add a top-level area');
  }
  const expectedLevel = parent ? childLevelOf(parent.level) : (body.level ?? null);
  if (!expectedLevel) {
    throw invalid(
      'AREA_LEVEL_INVALID',
      parent ? `A ${parent.level} cannot have children` : 'body.level is required for a top-level area',
      [{ field: 'body.level', code: 'required', message: 'is required' }],
    );
  }
  if (body.level && body.level !== expectedLevel) {
    throw invalid(
      'AREA_LEVEL_INVALID',
      `body.level must be ${expectedLevel} under a ${parent?.level ?? 'top level'}`,
      [{ field: 'body.level', code: 'wrongLevel', message: `must be ${expectedLevel}` }],
    );
  }
  let code = body.code;
  if (!code) {
    if (!parent || !isPrefixDerived(expectedLevel))
      throw invalid('AREA_CODE_INVALID', 'body.code is required at this level', [
        { field: 'body.code', code: 'required', message: 'is required' },
      ]);
    code =
      nextChildCode(
        parent.code,
        expectedLevel,
        await repo.childCodes(db, parent.id),
        settings.gridCodeWidth,
      ) ?? undefined;
    if (!code) throw conflict('AREA_CODE_CONFLICT', `No free code is left under ${parent.code}`);
  }
  const problem = codeProblem(expectedLevel, code, parent, settings.gridCodeWidth);
  if (problem)
    throw invalid('AREA_CODE_INVALID', `body.code ${code} is not valid here (${problem.code})`, [
      { field: 'body.code', ...problem },
    ]);
  const existing = await repo.findAreaByCode(db, code);
  if (existing)
    throw conflict('AREA_CODE_CONFLICT', `The code ${code} is already used by ${existing.name}`, [
      { field: 'body.code', code: 'taken', message: 'is already used' },
    ]);
  const geometry = checkedGeometry(body, 'body');
  const [row] = await repo.insertAreas(
    db,
    [
      {
        parentId: parent?.id ?? null,
        parentPath: parent?.path ?? null,
        code,
        name: body.name.trim(),
        level: expectedLevel,
        kind: body.kind ?? 'ordinary',
        ...geometry,
      },
    ],
    actor.now(),
  );
  if (!row) throw new AppError('INTERNAL_ERROR', 500, 'The area was not stored');
  await recordAudit(db, actor, {
    action: 'area.create',
    entityType: 'area',
    entityId: row.id,
    areaPath: row.path,
    after: { code, name: row.name, level: row.level, kind: row.kind },
  });
  return presentArea(row);
}

export async function updateArea(db: Db, actor: Actor, id: number, body: UpdateAreaBody): Promise<AreaView> {
  const area = await areaToManage(db, actor.viewer, id);
  if (area.retired_at) throw invalid('AREA_RETIRED', `Area ${area.code} is retired`);
  const changes: Parameters<typeof repo.updateArea>[2] = {};
  if (body.name !== undefined) changes.name = body.name.trim();
  if (body.kind !== undefined) changes.kind = body.kind;
  if (body.boundary !== undefined || body.centre !== undefined) {
    const geometry = checkedGeometry(
      {
        name: area.name,
        boundary: body.boundary === undefined ? (area.boundary as GeoJsonGeometry | null) : body.boundary,
        centre: body.centre,
      },
      'body',
    );
    changes.boundary = geometry.boundary;
    changes.centre_lng = geometry.centreLng;
    changes.centre_lat = geometry.centreLat;
  }
  const row = await repo.updateArea(db, id, changes, actor.now());
  await recordAudit(db, actor, {
    action: 'area.update',
    entityType: 'area',
    entityId: id,
    areaPath: area.path,
    before: { name: area.name, kind: area.kind, hasBoundary: area.boundary !== null },
    after: { name: row.name, kind: row.kind, hasBoundary: row.boundary !== null },
  });
  const counts = await repo.childCounts(db, [id]);
  return presentArea(row, counts.get(id) ?? 0);
}

/** Moves an area with all its descendants; paths and derived codes are rewritten set-based. */
export async function moveArea(db: Db, actor: Actor, id: number, newParentId: number): Promise<AreaView> {
  const area = await areaToManage(db, actor.viewer, id);
  const newParent = await repo.findAreaInScope(db, actor.viewer, 'area.read', newParentId);
  if (!newParent)
    throw notFound(
      'AREA_PARENT_NOT_FOUND',
      `Parent area ${newParentId} does not exist or is outside your area`,
    );
  if (!can(actor.viewer, 'area.manage', newParent.path))
    throw forbidden('You may not add areas under the new parent');
  const field = [{ field: 'body.parentId', message: '' }];
  if (newParent.path.startsWith(area.path))
    throw invalid('AREA_MOVE_INVALID', 'An area cannot move under itself or its own descendants', [
      { ...field[0]!, code: 'insideSubtree', message: 'is inside the moved subtree' },
    ]);
  if (area.retired_at || newParent.retired_at)
    throw invalid('AREA_RETIRED', 'Retired areas cannot be moved or receive children');
  if (childLevelOf(newParent.level) !== area.level) {
    throw invalid(
      'AREA_LEVEL_INVALID',
      `A ${area.level} must sit under a ${area.level === 'city' ? 'nothing' : 'parent one level up'}, not a ${newParent.level}`,
      [{ field: 'body.parentId', code: 'wrongLevel', message: `is a ${newParent.level}` }],
    );
  }
  if (area.parent_id === newParent.id) return presentArea(area);
  const oldParent = area.parent_id === null ? null : ((await repo.findAreaById(db, area.parent_id)) ?? null);
  const derived = isPrefixDerived(area.level) && oldParent !== null;
  const oldCodePrefix = derived ? oldParent.code : '';
  const newCodePrefix = derived ? newParent.code : '';
  const newCode = derived ? rebasedCode(area.code, oldCodePrefix, newCodePrefix) : area.code;
  if (!derived) {
    const problem = codeProblem(area.level, area.code, newParent, 3);
    if (problem)
      throw invalid(
        'AREA_MOVE_INVALID',
        `Area code ${area.code} does not fit under the new parent (${problem.code}); re-code it before moving`,
      );
  }
  if (derived) {
    const clashes = await repo.conflictingCodes(db, area.path, oldCodePrefix, newCodePrefix);
    if (clashes.length > 0) {
      throw conflict(
        'AREA_CODE_CONFLICT',
        `Moving would give codes already in use under ${newParent.name}: ${clashes.join(', ')}`,
        { codes: clashes },
      );
    }
  }
  const newPath = `${newParent.path}${area.id}/`;
  const moved = await repo.moveSubtree(db, {
    areaId: area.id,
    newParentId: newParent.id,
    oldPath: area.path,
    newPath,
    oldCodePrefix,
    newCodePrefix,
    now: actor.now(),
  });
  await recordAudit(db, actor, {
    action: 'area.move',
    entityType: 'area',
    entityId: area.id,
    areaPath: newPath,
    before: { parentId: area.parent_id, code: area.code, path: area.path },
    after: { parentId: newParent.id, code: newCode, path: newPath, movedAreas: moved },
  });
  const row = await repo.findAreaById(db, area.id);
  const counts = await repo.childCounts(db, [area.id]);
  return presentArea(row!, counts.get(area.id) ?? 0);
}

export async function retireArea(
  db: Db,
  actor: Actor,
  id: number,
  reason: string,
): Promise<{ retired: number }> {
  const area = await areaToManage(db, actor.viewer, id);
  if (area.retired_at) throw invalid('AREA_RETIRED', `Area ${area.code} is already retired`);
  if (actor.viewer.kind === 'user' && actor.viewer.assignments.some((a) => a.areaPath === area.path)) {
    throw forbidden('You cannot retire the area your own role is bound to');
  }
  const retired = await repo.retireSubtree(db, area.path, actor.now());
  await recordAudit(db, actor, {
    action: 'area.retire',
    entityType: 'area',
    entityId: id,
    areaPath: area.path,
    before: { code: area.code, name: area.name },
    after: { retiredAreas: retired },
    reason,
  });
  return { retired };
}

export async function childGeoJson(db: Db, viewer: Viewer, id: number) {
  const area = await repo.findAreaInScope(db, viewer, 'area.read', id);
  if (!area) throw AREA_NOT_FOUND(id);
  const children = await repo.childrenWithBoundaries(db, id);
  return {
    type: 'FeatureCollection' as const,
    features: children.map((c) => ({
      type: 'Feature' as const,
      id: c.id,
      properties: { id: c.id, code: c.code, name: c.name, level: c.level, kind: c.kind },
      geometry: c.boundary as GeoJsonGeometry | null,
    })),
  };
}

export type { AreaLevel };
