import type { Viewer } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import { invalid, notFound } from '../core/errors.js';
import { pageWindow } from '../core/pagination.js';
import { type AreaRow, findAreaInScope } from '../hierarchy/repository.js';
import * as repo from './repository.js';
import type {
  AreaReview,
  AreaReviewList,
  ReviewQuery,
  WorkerReview,
  WorkerReviewPage,
  WorkerReviewQuery,
} from './schema.js';

const DAY_MS = 24 * 3600 * 1000;
const CHINA_OFFSET_MS = 8 * 3600 * 1000;
/** Two years: long enough for an annual review with its comparison year. */
export const MAX_PERIOD_DAYS = 731;

export interface ReviewContext {
  area: AreaRow;
  scope: repo.ReviewScope;
  period: { from: string; to: string };
}

/** The instant a China-time calendar day begins. */
const chinaMidnight = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - CHINA_OFFSET_MS);

/**
 * The reviewed area (review.read over it, else 404 as if it did not exist) and the period: whole
 * China-time days from `from` through `to` inclusive.
 */
export async function reviewContext(db: Db, viewer: Viewer, query: ReviewQuery): Promise<ReviewContext> {
  const from = chinaMidnight(query.from);
  const to = new Date(chinaMidnight(query.to).getTime() + DAY_MS);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || to <= from)
    throw invalid(
      'REVIEW_PERIOD_INVALID',
      'querystring.to must be the same day as querystring.from or later',
      [{ field: 'querystring.to', code: 'periodInvalid', message: 'must not be before from' }],
    );
  if ((to.getTime() - from.getTime()) / DAY_MS > MAX_PERIOD_DAYS)
    throw invalid('REVIEW_PERIOD_INVALID', `The period may span at most ${MAX_PERIOD_DAYS} days`, [
      {
        field: 'querystring.from',
        code: 'periodTooLong',
        params: { days: MAX_PERIOD_DAYS },
        message: `at most ${MAX_PERIOD_DAYS} days before to`,
      },
    ]);
  const area = await findAreaInScope(db, viewer, 'review.read', query.areaId);
  if (!area) throw notFound('AREA_NOT_FOUND', `Area ${query.areaId} does not exist or is outside your area`);
  return {
    area,
    scope: { nodeId: area.id, nodePath: area.path, from, to },
    period: { from: query.from, to: query.to },
  };
}

const round = (value: number | null, digits: number) =>
  value === null ? null : Math.round(Number(value) * 10 ** digits) / 10 ** digits;

function presentFigures(row: repo.FigureRow) {
  return {
    eventsHandled: row.events_handled,
    medianRespondMinutes: round(row.median_respond_minutes, 1),
    medianCloseMinutes: round(row.median_close_minutes, 1),
    overdueEvents: row.overdue_events,
    overdueShare: row.events_handled > 0 ? round(row.overdue_events / row.events_handled, 4) : null,
    ratingAverage: round(row.rating_average, 2),
    ratingCount: row.rating_count,
    visits: row.visits,
  };
}

const presentArea = (area: Pick<AreaRow, 'id' | 'code' | 'name' | 'level'>) => ({
  id: area.id,
  code: area.code,
  name: area.name,
  level: area.level,
});

function presentWorker(row: repo.WorkerFigureRow): WorkerReview {
  return {
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    roles: row.roles,
    areas: row.area_ids.map((id, i) => ({ id, name: row.area_names[i] ?? '' })),
    ...presentFigures(row),
  };
}

/** Every worker's row (for the export), or one page of them (for the screen). */
export async function workerReviewRows(
  db: Db,
  context: ReviewContext,
  page: { offset: number; limit: number | null } = { offset: 0, limit: null },
): Promise<{ items: WorkerReview[]; total: number }> {
  const rows = await repo.workerFigures(db, context.scope, page);
  return { items: rows.map(presentWorker), total: rows[0]?.total_rows ?? 0 };
}

export async function reviewWorkers(
  db: Db,
  viewer: Viewer,
  query: WorkerReviewQuery,
): Promise<WorkerReviewPage> {
  const context = await reviewContext(db, viewer, query);
  const { page, pageSize, offset } = pageWindow(query);
  const { items, total } = await workerReviewRows(db, context, { offset, limit: pageSize });
  return { items, page, pageSize, total, area: presentArea(context.area), period: context.period };
}

/** Children first in code order, then the node's own level (if it has anything), and the total. */
export async function areaReviewRows(db: Db, context: ReviewContext): Promise<AreaReviewList> {
  const rows = await repo.areaFigures(db, context.scope);
  const ids = rows.flatMap((row) => (row.area_id === null ? [] : [row.area_id]));
  const labels = new Map((await repo.areaLabels(db, ids)).map((label) => [label.id, label]));
  const node = context.area;
  const present = (row: repo.AreaFigureRow, area: Pick<AreaRow, 'id' | 'code' | 'name' | 'level'>) => ({
    areaId: area.id,
    code: area.code,
    name: area.name,
    level: area.level,
    eventsCreated: row.events_created,
    ...presentFigures(row),
  });
  const items: AreaReview[] = [];
  let own: AreaReview | undefined;
  let total: AreaReviewList['total'] | undefined;
  for (const row of rows) {
    if (row.area_id === null) total = present(row, node);
    else if (row.area_id === node.id) {
      const empty = row.events_created === 0 && row.events_handled === 0 && row.visits === 0;
      if (!empty) own = { ...present(row, node), ownLevel: true };
    } else {
      const label = labels.get(row.area_id);
      // A path names only existing areas; a child missing here would be a broken path, not data.
      if (label) items.push({ ...present(row, label), ownLevel: false });
    }
  }
  items.sort((a, b) => a.code.localeCompare(b.code));
  if (own) items.push(own);
  if (!total) throw new Error('the area review returned no total row');
  return { area: presentArea(node), period: context.period, items, total };
}

export async function reviewAreas(db: Db, viewer: Viewer, query: ReviewQuery): Promise<AreaReviewList> {
  return areaReviewRows(db, await reviewContext(db, viewer, query));
}
