import type { Actor, Db } from '../auth/context.js';
import { canAnywhere, scopePaths } from '../auth/scope.js';
import { notFound } from '../core/errors.js';
import type { DailyReportSheet } from '../health/reports/daily.js';
import { checkpointKindsZhCN } from '../i18n/vocabulary.zh-CN.js';
import { type AreaRow, findAreaById, findAreaInScope } from '../hierarchy/repository.js';
import * as repo from './figures-repository.js';
import type {
  AreaFigures,
  CheckpointFigures,
  FigureCounts,
  Figures,
  FiguresQuery,
} from './figures-schema.js';
import { staffingOf } from './rota-service.js';

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;
const CST_OFFSET_MS = 8 * HOUR_MS;

/** Today's date in China time. */
export const chinaDate = (at: Date) => new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
const dayOf = (date: string) => {
  const start = new Date(Date.parse(`${date}T00:00:00Z`) - CST_OFFSET_MS);
  return { start, end: new Date(start.getTime() + DAY_MS) };
};

const zero = (): FigureCounts => ({ people: 0, vehicles: 0, refused: 0, fevers: 0, flagged: 0, gaps: 0 });
const FIELDS = ['people', 'vehicles', 'refused', 'fevers', 'flagged', 'gaps'] as const;
function add(into: FigureCounts, from: FigureCounts): void {
  for (const f of FIELDS) into[f] += from[f];
}

/** The area a figures request is for: the one asked, or the top of the caller's checkpoint scope. */
async function areaOf(db: Db, actor: Actor, areaId: number | undefined): Promise<AreaRow> {
  if (areaId !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'checkpoint.read', areaId);
    if (!area) throw notFound('AREA_NOT_FOUND', `Area ${areaId} does not exist or is outside your area`);
    return area;
  }
  const top = scopePaths(actor.viewer, 'checkpoint.read')[0];
  const id = top?.split('/').filter(Boolean).pop();
  const area = id ? await findAreaById(db, Number(id)) : undefined;
  if (!area) throw notFound('AREA_NOT_FOUND', 'You hold checkpoint.read in no area');
  return area;
}

/**
 * The checkpoint figures of an area for a day: per checkpoint (with its staffing state now) and
 * per child area, people and vehicles checked, refused, fevers, flagged vehicles, staffing gaps.
 */
export async function figures(db: Db, actor: Actor, query: FiguresQuery): Promise<Figures> {
  const area = await areaOf(db, actor, query.areaId);
  const date = query.date ?? chinaDate(actor.now());
  const { start, end } = dayOf(date);
  const checkpoints = await repo.checkpointsUnder(db, actor.viewer, area.path, start);
  const ids = checkpoints.map((c) => c.id);
  const [records, gaps, staffing, children] = await Promise.all([
    repo.recordCounts(db, ids, start, end),
    repo.gapCounts(db, ids, start, end),
    staffingOf(db, checkpoints, actor.now()),
    repo.childAreas(db, area.id),
  ]);
  const byRecord = new Map(records.map((r) => [r.checkpoint_id, r]));
  const byGap = new Map(gaps.map((g) => [g.checkpoint_id, Number(g.gaps)]));
  const total = zero();
  const items: CheckpointFigures[] = checkpoints.map((c) => {
    const r = byRecord.get(c.id);
    const counts: FigureCounts = {
      people: Number(r?.people ?? 0),
      vehicles: Number(r?.vehicles ?? 0),
      refused: Number(r?.refused ?? 0),
      fevers: Number(r?.fevers ?? 0),
      flagged: Number(r?.flagged ?? 0),
      gaps: byGap.get(c.id) ?? 0,
    };
    add(total, counts);
    return {
      id: c.id,
      code: c.code,
      name: c.name,
      kind: c.kind,
      area: { id: c.area_id, code: c.area_code, name: c.area_name, path: c.area_path },
      lng: c.lng,
      lat: c.lat,
      staffing: staffing.get(c.id)!,
      ...counts,
    };
  });
  const areas: AreaFigures[] = children
    .map((child) => {
      const inside = items.filter((i) => i.area.path!.startsWith(child.path));
      const counts = zero();
      for (const i of inside) add(counts, i);
      return {
        area: { id: child.id, code: child.code, name: child.name, path: child.path },
        checkpoints: inside.length,
        ...counts,
      };
    })
    .filter((a) => a.checkpoints > 0);
  return {
    date,
    area: { id: area.id, code: area.code, name: area.name, path: area.path },
    total,
    checkpoints: items,
    areas,
  };
}

const countsOf = (c: FigureCounts) => FIELDS.map((f) => c[f]);

/**
 * The daily report's 卡口 sheet (Chinese, as the whole report): one row per checkpoint, then one
 * per child area and the total. Given to the report routes by app.ts.
 */
export const checkpointReportSheet: DailyReportSheet = {
  name: '卡口',
  async build(db, actor, node, day) {
    if (!canAnywhere(actor.viewer, 'checkpoint.read')) return null;
    const f = await figures(db, actor, { areaId: node.id, date: day.date }).catch((error: unknown) => {
      // The node is outside the caller's checkpoint scope: the sheet is left out, not the report.
      if ((error as { code?: string }).code === 'AREA_NOT_FOUND') return null;
      throw error;
    });
    // A node without checkpoints gets no 卡口 sheet.
    if (!f || f.checkpoints.length === 0) return null;
    return {
      what: '卡口查验统计',
      columns: [
        { header: '区域', width: 16 },
        { header: '卡口', width: 22 },
        { header: '编号', width: 12 },
        { header: '类型', width: 14 },
        { header: '查验人员', width: 10 },
        { header: '查验车辆', width: 10 },
        { header: '劝返', width: 8 },
        { header: '发热', width: 8 },
        { header: '风险车辆', width: 10 },
        { header: '缺岗次数', width: 10 },
      ],
      rows: [
        ...f.checkpoints.map((c) => [
          c.area.name,
          c.name,
          c.code,
          checkpointKindsZhCN[c.kind],
          ...countsOf(c),
        ]),
        ...f.areas.map((a) => [
          `${a.area.name}（小计）`,
          `${a.checkpoints} 个卡口`,
          a.area.code,
          '',
          ...countsOf(a),
        ]),
        ['合计', `${f.checkpoints.length} 个卡口`, f.area.code, '', ...countsOf(f.total)],
      ],
    };
  },
};

/** Deletes every checkpoint crossing older than the retention period; returns how many. */
export async function purgeExpiredRecords(
  db: Db,
  now: Date,
  retentionDays: number,
  batch = 10_000,
): Promise<number> {
  return repo.deleteRecordsBefore(db, new Date(now.getTime() - retentionDays * DAY_MS), batch);
}
