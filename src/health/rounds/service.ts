import { recordAudit } from '../../audit/repository.js';
import { can, scopePaths, type Viewer, viewerName } from '../../auth/scope.js';
import type { Actor, Db } from '../../auth/context.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../../core/errors.js';
import type { PageOf } from '../../core/pagination.js';
import { findAreaInScope } from '../../hierarchy/repository.js';
import { levelIndex } from '../../hierarchy/codes.js';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Level, MARK_REASONS, PersonTag } from '../../core/vocabulary.js';
import { TAG_LABELS } from '../../register-import/values.js';
import {
  type Coverage,
  initialiseRound,
  nodeCoverage,
  recountAreas,
  withUntested,
} from './counters-repository.js';
import * as repo from './repository.js';
import type { RoundRow } from './repository.js';
import {
  type CreateRoundBody,
  EXEMPT_REASONS,
  type Figures,
  type GridCoverage,
  type MarkBody,
  type MarkView,
  type NodeCoverage,
  OUTCOME_REASONS,
  type RoundQuery,
  type RoundView,
  type BulkMarkBody,
  type BulkMarkResult,
  type UntestedFilter,
  type UntestedPerson,
  type UntestedQuery,
} from './schema.js';

/** Longest sampling window a round may have: a screening round is a matter of days. */
const MAX_WINDOW_DAYS = 31;

const ROUND_NOT_FOUND = (id: number) =>
  notFound('ROUND_NOT_FOUND', `Screening round ${id} does not exist or is outside your area`);
const AREA_NOT_IN_ROUND = (id: number) =>
  notFound('AREA_NOT_FOUND', `Area ${id} does not exist, is outside your area or is not part of this round`);
const PERSON_NOT_FOUND = (id: number) =>
  notFound('PERSON_NOT_FOUND', `Person ${id} does not exist or is outside your area`);

export function presentRound(row: RoundRow): RoundView {
  return {
    id: row.id,
    name: row.name,
    area: {
      id: row.area_id,
      code: row.area_code,
      name: row.area_name,
      level: row.area_level,
      path: row.area_path,
    },
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    status: row.status,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    closedAt: row.closed_at?.toISOString() ?? null,
    closedBy: row.closed_by,
  };
}

export function presentFigures(c: Coverage): Figures {
  return { ...c, testedShare: c.due > 0 ? Math.round((c.tested / c.due) * 10000) / 10000 : null };
}

function presentMark(row: repo.MarkRow): MarkView {
  return {
    roundId: row.round_id,
    personId: row.person_id,
    kind: row.kind,
    reason: row.reason,
    note: row.note,
    markedBy: row.marked_by,
    markedAt: row.marked_at.toISOString(),
  };
}

const readScope = (viewer: Viewer) => scopePaths(viewer, 'health.read');

/** The round, if it overlaps the viewer's health.read scope; otherwise 404. */
async function visibleRound(db: Db, viewer: Viewer, id: number): Promise<RoundRow> {
  const round = await repo.findRound(db, id);
  const scope = readScope(viewer);
  if (!round || !scope.some((p) => round.area_path.startsWith(p) || p.startsWith(round.area_path)))
    throw ROUND_NOT_FOUND(id);
  return round;
}

/** The node to show: the one asked for (inside the round and the viewer's scope), else the round's area or the viewer's area in it. */
async function nodeOf(db: Db, viewer: Viewer, round: RoundRow, areaId: number | undefined) {
  if (areaId !== undefined) {
    const area = await findAreaInScope(db, viewer, 'health.read', areaId);
    if (!area || !area.path.startsWith(round.area_path)) throw AREA_NOT_IN_ROUND(areaId);
    return area;
  }
  const path = can(viewer, 'health.read', round.area_path)
    ? round.area_path
    : readScope(viewer).find((p) => p.startsWith(round.area_path));
  const area = path ? await repo.findAreaByPath(db, path) : undefined;
  if (!area) throw ROUND_NOT_FOUND(round.id);
  return area;
}

export async function createRound(db: Db, actor: Actor, body: CreateRoundBody): Promise<RoundView> {
  const area = await findAreaInScope(db, actor.viewer, 'health.read', body.areaId);
  if (!area) throw notFound('AREA_NOT_FOUND', `Area ${body.areaId} does not exist or is outside your area`);
  if (!can(actor.viewer, 'health.manage', area.path))
    throw forbidden('You may view screening here but not start a round');
  if (area.retired_at) throw invalid('AREA_RETIRED', `Area ${area.code} is retired`);
  const startsAt = new Date(body.startsAt);
  const endsAt = new Date(body.endsAt);
  const days = (endsAt.getTime() - startsAt.getTime()) / 86_400_000;
  if (!(days > 0) || days > MAX_WINDOW_DAYS) {
    throw invalid(
      'ROUND_WINDOW_INVALID',
      `body.endsAt must be after body.startsAt and at most ${MAX_WINDOW_DAYS} days later`,
      [
        {
          field: 'body.endsAt',
          code: days > 0 ? 'periodTooLong' : 'periodInvalid',
          params: { days: MAX_WINDOW_DAYS },
          message: days > 0 ? `is more than ${MAX_WINDOW_DAYS} days later` : 'is not after startsAt',
        },
      ],
    );
  }
  const now = actor.now();
  const id = await repo.insertRound(db, {
    area_id: area.id,
    area_path: area.path,
    name: body.name.trim(),
    starts_at: startsAt,
    ends_at: endsAt,
    created_by: viewerName(actor.viewer),
    created_at: now,
  });
  await initialiseRound(db, id);
  await recordAudit(db, actor, {
    action: 'round.create',
    entityType: 'screening_round',
    entityId: id,
    areaPath: area.path,
    after: { name: body.name.trim(), startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() },
  });
  return presentRound((await repo.findRound(db, id))!);
}

export async function listRounds(db: Db, actor: Actor, query: RoundQuery): Promise<PageOf<RoundView>> {
  let withinPath: string | undefined;
  if (query.within !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'health.read', query.within);
    if (!area)
      throw notFound('AREA_NOT_FOUND', `Area ${query.within} does not exist or is outside your area`);
    withinPath = area.path;
  }
  const page = await repo.listRounds(db, readScope(actor.viewer), { ...query, withinPath });
  return { ...page, items: page.items.map(presentRound) };
}

export async function getRound(db: Db, actor: Actor, id: number): Promise<RoundView> {
  return presentRound(await visibleRound(db, actor.viewer, id));
}

/** Closes a round: from now on nothing changes its counters (they are its final figures). */
export async function closeRound(db: Db, actor: Actor, id: number): Promise<RoundView> {
  const round = await visibleRound(db, actor.viewer, id);
  if (!can(actor.viewer, 'health.manage', round.area_path))
    throw forbidden('Only someone who may run screening over the whole round can close it');
  if (round.status === 'closed' || !(await repo.closeRound(db, id, viewerName(actor.viewer), actor.now())))
    throw conflict('ROUND_CLOSED', `Round ${id} is already closed`);
  const figures = await nodeCoverage(db, id, round.area_path);
  await recordAudit(db, actor, {
    action: 'round.close',
    entityType: 'screening_round',
    entityId: id,
    areaPath: round.area_path,
    after: figures,
  });
  return presentRound((await repo.findRound(db, id))!);
}

/** A node's figures and each child's, read from the counters (never the register). */
export async function roundCoverage(
  db: Db,
  actor: Actor,
  id: number,
  nodeId: number | undefined,
): Promise<NodeCoverage> {
  const round = await visibleRound(db, actor.viewer, id);
  const node = await nodeOf(db, actor.viewer, round, nodeId);
  const [total, children] = await Promise.all([
    nodeCoverage(db, id, node.path),
    repo.childFigures(db, id, node),
  ]);
  const area = (a: { id: number; code: string; name: string; level: string }, path: string) => ({
    id: a.id,
    code: a.code,
    name: a.name,
    level: a.level as Level,
    path,
  });
  return {
    round: presentRound(round),
    node: { area: area(node, node.path), ...presentFigures(total) },
    children: children.map((c) => ({
      area: area(c, `${node.path}${c.id}/`),
      ...presentFigures(withUntested(c)),
    })),
  };
}

/** Every grid of the round the viewer may see, for the dashboard map: one grouped query over the counters. */
export async function gridCoverage(db: Db, actor: Actor, id: number): Promise<GridCoverage> {
  const round = await visibleRound(db, actor.viewer, id);
  // Levels follow one another strictly, so all grids under the round sit at one depth.
  const gridDepth = round.area_depth + levelIndex('grid') - levelIndex(round.area_level);
  const rows = await repo.gridFigures(db, round, gridDepth, readScope(actor.viewer));
  return {
    round: presentRound(round),
    grids: rows.map(([areaId, code, name, parentId, due, tested, exempt, departed]) => ({
      area: { id: areaId, code, name },
      parentId,
      ...presentFigures(withUntested({ due, tested, exempt, departed })),
    })),
  };
}

/**
 * What an untested list shows: the node (asked for, or the round's area / the viewer's part of it)
 * and the filters. "Mine" is where the viewer does field work: the areas of their health.write
 * roles and the areas and houses they answer for (包片包户).
 */
async function untestedSelection(
  db: Db,
  viewer: Viewer,
  round: RoundRow,
  query: UntestedFilter,
): Promise<{ within: { path: string; name: string; code: string }; selection: repo.UntestedSelection }> {
  const within = await nodeOf(db, viewer, round, query.within);
  let mine: repo.UntestedSelection['mine'];
  if (query.mine) {
    const own = viewer.kind === 'user' ? await repo.responsibilitiesOf(db, viewer.userId) : undefined;
    mine = {
      paths: [...scopePaths(viewer, 'health.write'), ...(own?.paths ?? [])],
      houseIds: own?.houseIds ?? [],
    };
  }
  return {
    within,
    selection: {
      withinPath: within.path,
      scope: readScope(viewer),
      houseId: query.houseId,
      tag: query.tag,
      q: query.q,
      mine,
      sort: query.sort,
    },
  };
}

function presentUntested(roundId: number, r: repo.UntestedRow): UntestedPerson {
  return {
    personId: r.id,
    name: r.name,
    documentMasked: r.document_masked,
    phoneMasked: r.phone_masked,
    address: r.house_address ?? r.current_address,
    house:
      r.house_id !== null && r.house_address !== null ? { id: r.house_id, address: r.house_address } : null,
    area: r.area ?? { id: 0, code: '', name: '' },
    tags: r.tags,
    lastTestAt: r.last_test ? new Date(r.last_test.at).toISOString() : null,
    lastTestResult: r.last_test?.result ?? null,
    mark: r.mark
      ? {
          roundId,
          personId: r.id,
          kind: r.mark.kind,
          reason: r.mark.reason,
          note: r.mark.note,
          markedBy: r.mark.by,
          markedAt: new Date(r.mark.at).toISOString(),
        }
      : null,
  };
}

/** A worker's list: persons due and still untested (and not exempt) in a part of the round, masked. */
export async function untestedList(
  db: Db,
  actor: Actor,
  id: number,
  query: UntestedQuery,
): Promise<PageOf<UntestedPerson>> {
  const round = await visibleRound(db, actor.viewer, id);
  const { selection } = await untestedSelection(db, actor.viewer, round, query);
  const result = await repo.untestedPersons(db, round, selection, query);
  const total =
    result.rows[0]?.total ?? (result.page > 1 ? await repo.countUntested(db, round, selection) : 0);
  return {
    page: result.page,
    pageSize: result.pageSize,
    total: Number(total),
    items: result.rows.map((r) => presentUntested(round.id, r)),
  };
}

/** The most rows one untested export holds: a row cell's or a grid's list, not a township's. */
export const UNTESTED_EXPORT_LIMIT = 5000;
const EXPORT_PAGE = 1000;

const MARK_REASON_LABELS: Record<(typeof MARK_REASONS)[number], string> = {
  bedridden: '卧床',
  infant: '婴幼儿',
  away: '外出',
  other: '其他',
  refused: '拒检',
  tested_elsewhere: '已在外地检测',
  unreachable: '联系不上',
  scheduled: '已约检',
};

/**
 * The untested list as XLSX, with the list's filters: ID numbers and phones masked as on screen,
 * at most UNTESTED_EXPORT_LIMIT rows (beyond: 422 with the total, before anything is written).
 * The audit entry (filters and row count) is written before any row leaves.
 */
export async function prepareUntestedExport(
  db: Db,
  actor: Actor,
  id: number,
  query: UntestedFilter,
  /** Where the audit entry goes when `db` is a read replica. */
  audit: Db = db,
): Promise<{ round: RoundView; areaName: string; count: number; write(output: Writable): Promise<void> }> {
  const round = await visibleRound(db, actor.viewer, id);
  const { within, selection } = await untestedSelection(db, actor.viewer, round, query);
  const count = await repo.countUntested(db, round, selection);
  if (count > UNTESTED_EXPORT_LIMIT)
    throw new AppError(
      'UNTESTED_EXPORT_TOO_LARGE',
      422,
      `The list holds ${count} persons; at most ${UNTESTED_EXPORT_LIMIT} can be exported at once`,
      undefined,
      { total: count, limit: UNTESTED_EXPORT_LIMIT },
    );
  await recordAudit(audit, actor, {
    action: 'round.export_untested',
    entityType: 'screening_round',
    entityId: round.id,
    areaPath: within.path,
    after: {
      within: within.code,
      houseId: query.houseId ?? null,
      tag: query.tag ?? null,
      q: query.q ?? null,
      mine: query.mine === true,
      sort: query.sort ?? 'address',
      rows: count,
      masked: true,
    },
  });
  return {
    round: presentRound(round),
    areaName: within.name,
    count,
    async write(output) {
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
        stream: output,
        useStyles: true,
        useSharedStrings: false,
      });
      const sheet = workbook.addWorksheet('未检人员', { views: [{ state: 'frozen', ySplit: 2 }] });
      const columns = [
        { header: '区域', width: 16 },
        { header: '编码', width: 20 },
        { header: '姓名', width: 10 },
        { header: '证件号码', width: 22 },
        { header: '联系电话', width: 16 },
        { header: '地址', width: 32 },
        { header: '标签', width: 16 },
        { header: '最近检测', width: 18 },
        { header: '标记', width: 14 },
        { header: '备注', width: 20 },
      ];
      sheet.columns = columns.map((c) => ({ width: c.width }));
      const title = sheet.addRow([
        `${round.name} · ${within.name}（${within.code}）未检人员名单 · 共 ${count} 人（已脱敏）`,
      ]);
      title.font = { bold: true, size: 14 };
      sheet.mergeCells(1, 1, 1, columns.length);
      title.commit();
      const header = sheet.addRow(columns.map((c) => c.header));
      header.font = { bold: true };
      header.commit();
      for (let offset = 0; offset < count; offset += EXPORT_PAGE) {
        const { rows } = await repo.untestedPersons(db, round, selection, { limit: EXPORT_PAGE, offset });
        for (const r of rows) {
          const p = presentUntested(round.id, r);
          sheet
            .addRow([
              p.area.name,
              p.area.code,
              p.name,
              p.documentMasked,
              p.phoneMasked ?? '',
              p.address ?? '',
              p.tags.map((t) => TAG_LABELS[t as PersonTag] ?? t).join('、'),
              p.lastTestAt ? chinaTime(p.lastTestAt) : '',
              p.mark
                ? (MARK_REASON_LABELS[p.mark.reason as keyof typeof MARK_REASON_LABELS] ?? p.mark.reason)
                : '',
              p.mark?.note ?? '',
            ])
            .commit();
        }
        if (rows.length < EXPORT_PAGE) break;
      }
      sheet.commit();
      await workbook.commit();
    },
  };
}

/** "2026-12-08 09:30" in China time, as the lists print it. */
function chinaTime(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** The round (open) and the person (in it, in the viewer's scope, writable) a mark is about. */
async function markTarget(db: Db, viewer: Viewer, roundId: number, personId: number) {
  const round = await visibleRound(db, viewer, roundId);
  const person = await repo.findPersonInScope(db, readScope(viewer), personId);
  if (!person?.area_path) throw PERSON_NOT_FOUND(personId);
  if (!can(viewer, 'health.write', person.area_path))
    throw forbidden('You may view this person’s screening but not mark it');
  if (!person.area_path.startsWith(round.area_path))
    throw invalid('PERSON_NOT_IN_ROUND', `Person ${personId} does not live in the area of round ${roundId}`);
  if (round.status === 'closed')
    throw conflict('ROUND_CLOSED', `Round ${roundId} is closed; its figures are final`);
  return { round, person };
}

/** Marks a person for a round (an exemption or an outcome) and recounts their area in the same transaction. */
export async function setMark(
  db: Db,
  actor: Actor,
  roundId: number,
  personId: number,
  body: MarkBody,
): Promise<MarkView> {
  const allowed: readonly string[] = body.kind === 'exempt' ? EXEMPT_REASONS : OUTCOME_REASONS;
  if (!allowed.includes(body.reason)) {
    throw invalid(
      'MARK_REASON_INVALID',
      `body.reason must be one of ${allowed.join(', ')} for ${body.kind}`,
      [
        {
          field: 'body.reason',
          code: 'unknownWord',
          params: { value: body.reason, allowed: allowed.join(', ') },
          message: `must be one of ${allowed.join(', ')}`,
        },
      ],
    );
  }
  const { round, person } = await markTarget(db, actor.viewer, roundId, personId);
  if (person.status !== 'active')
    throw new AppError(
      'PERSON_NOT_DUE',
      409,
      `Person ${personId} is ${person.status}, not due in this round`,
    );
  const before = await repo.findMark(db, roundId, personId);
  const row = await repo.upsertMark(db, {
    round_id: roundId,
    person_id: personId,
    kind: body.kind,
    reason: body.reason,
    note: body.note?.trim() || null,
    marked_by: viewerName(actor.viewer),
    marked_at: actor.now(),
  });
  if (person.area_id !== null) await recountAreas(db, [person.area_id]);
  await recordAudit(db, actor, {
    action: 'round.mark',
    entityType: 'round_mark',
    entityId: `${round.id}:${personId}`,
    areaPath: person.area_path,
    before: before ? { kind: before.kind, reason: before.reason, note: before.note } : undefined,
    after: { kind: row.kind, reason: row.reason, note: row.note },
  });
  return presentMark(row);
}

export async function removeMark(db: Db, actor: Actor, roundId: number, personId: number): Promise<void> {
  const { round, person } = await markTarget(db, actor.viewer, roundId, personId);
  const before = await repo.findMark(db, roundId, personId);
  if (!before) throw notFound('MARK_NOT_FOUND', `Person ${personId} has no mark in round ${roundId}`);
  await repo.deleteMark(db, roundId, personId);
  if (person.area_id !== null) await recountAreas(db, [person.area_id]);
  await recordAudit(db, actor, {
    action: 'round.unmark',
    entityType: 'round_mark',
    entityId: `${round.id}:${personId}`,
    areaPath: person.area_path,
    before: { kind: before.kind, reason: before.reason, note: before.note },
  });
}

/**
 * Marks many persons of the list at once (the same exemption or outcome). Called in one
 * transaction: a person outside the caller's area, not in the round or not due refuses the whole
 * batch with that person's error, so nothing is half-marked. Each mark is audited as one.
 */
export async function bulkMark(
  db: Db,
  actor: Actor,
  roundId: number,
  body: BulkMarkBody,
): Promise<BulkMarkResult> {
  const marks: MarkView[] = [];
  for (const personId of body.personIds)
    marks.push(
      await setMark(db, actor, roundId, personId, {
        kind: body.kind,
        reason: body.reason,
        ...(body.note === undefined ? {} : { note: body.note }),
      }),
    );
  return { marked: marks.length, marks };
}
