import { can, scopePaths, type Viewer } from '../../auth/scope.js';
import type { Actor, Db } from '../../auth/context.js';
import { notFound } from '../../core/errors.js';
import type { Level } from '../../core/vocabulary.js';
import { addDays, chinaDate } from '../../household-codes/dates.js';
import { EVENT_TIERS } from '../../events/schema.js';
import { KEY_PERSON_CATEGORIES } from '../key-persons/plan.js';
import { nodeCoverage } from '../rounds/counters-repository.js';
import { pathAndAncestors } from '../rounds/repository.js';
import { presentFigures } from '../rounds/service.js';
import * as repo from './repository.js';
import {
  type ChildFigures,
  type DashboardFigures,
  type DashboardQuery,
  type DashboardRound,
  type DashboardView,
  type EventFigures,
  type FeedEvent,
  TREND_DAYS,
} from './schema.js';

const AREA_NOT_FOUND = (id: number) =>
  notFound('AREA_NOT_FOUND', `Area ${id} does not exist or is outside your area`);

const areaRef = (a: { id: number; code: string; name: string; level: Level }) => ({
  id: a.id,
  code: a.code,
  name: a.name,
  level: a.level,
});

/** The node to show: the one asked for if the viewer may read health data there, else the top of their area. */
export async function resolveNode(db: Db, viewer: Viewer, nodeId: number | undefined): Promise<repo.NodeRow> {
  if (nodeId !== undefined) {
    const area = await repo.findArea(db, nodeId);
    if (!area || !can(viewer, 'health.read', area.path)) throw AREA_NOT_FOUND(nodeId);
    return area;
  }
  const top = scopePaths(viewer, 'health.read')[0];
  const area =
    top === undefined
      ? undefined
      : top === '/'
        ? await repo.firstRootArea(db)
        : await repo.findAreaByPath(db, top);
  if (!area) throw notFound('AREA_NOT_FOUND', 'You have no area with health data to show');
  return area;
}

const byChild = <T extends { child_id: number | null }>(rows: T[]) => {
  const map = new Map<number, T[]>();
  for (const row of rows) {
    if (row.child_id === null) continue;
    map.set(row.child_id, [...(map.get(row.child_id) ?? []), row]);
  }
  return map;
};
const sum = <T>(rows: readonly T[] | undefined, pick: (row: T) => number) =>
  (rows ?? []).reduce((total, row) => total + pick(row), 0);

/** The days of the trend, oldest first, and the first instant of the oldest (China time). */
function trendWindow(now: Date): { days: string[]; since: Date } {
  const today = chinaDate(now);
  const days = Array.from({ length: TREND_DAYS }, (_, i) => addDays(today, i - TREND_DAYS + 1));
  return { days, since: new Date(`${days[0]}T00:00:00+08:00`) };
}

/** The China calendar day of `now`, as instants [start, end). */
function chinaDay(now: Date): { dayStart: Date; dayEnd: Date } {
  const today = chinaDate(now);
  return {
    dayStart: new Date(`${today}T00:00:00+08:00`),
    dayEnd: new Date(`${addDays(today, 1)}T00:00:00+08:00`),
  };
}

const HOUR_MS = 3_600_000;

/** The node's events and requests, or null when the viewer may not read events there. */
async function eventFigures(db: Db, viewer: Viewer, node: repo.NodeRow, now: Date) {
  if (!can(viewer, 'event.read', node.path)) return null;
  const [open, activity, requests] = await Promise.all([
    repo.openEventCounts(db, node, now),
    repo.eventActivityCounts(db, node, { ...chinaDay(now), alertsSince: new Date(now.getTime() - HOUR_MS) }),
    repo.openRequestCounts(db, node),
  ]);
  const byTier = Object.fromEntries(
    EVENT_TIERS.map((tier) => [
      tier,
      sum(
        open.filter((row) => row.tier === tier),
        (row) => row.open,
      ),
    ]),
  ) as EventFigures['byTier'];
  const figures: EventFigures = {
    open: sum(open, (row) => row.open),
    overdue: sum(open, (row) => row.overdue),
    newToday: activity.new_today,
    closedToday: activity.closed_today,
    alertsLastHour: activity.alerts_last_hour,
    byTier,
    openRequests: requests.open,
    unassignedRequests: requests.unassigned,
  };
  return { figures, byChild: byChild(open) };
}

const series = (days: string[], rows: repo.DayCount[]) => {
  const counts = new Map(rows.map((row) => [row.day, row.n]));
  return days.map((day) => counts.get(day) ?? 0);
};

/**
 * Tests by day are the one figure counted from the records themselves (there is no daily
 * rollup to read): they change slowly and cost the most, so each node's series is kept a
 * couple of minutes, shared by every screen showing that node.
 */
export class TestsTrendCache {
  private readonly entries = new Map<string, { at: number; rows: Promise<repo.DayCount[]> }>();

  constructor(
    private readonly ttlMs = 120_000,
    private readonly maxEntries = 2000,
  ) {}

  get(key: string, now: number, load: () => Promise<repo.DayCount[]>): Promise<repo.DayCount[]> {
    const cached = this.entries.get(key);
    if (cached && now - cached.at < this.ttlMs) return cached.rows;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const rows = load();
    this.entries.set(key, { at: now, rows });
    // A failed count is not kept: the next screen asks again.
    rows.catch(() => this.entries.delete(key));
    return rows;
  }
}

/**
 * Everything the big screen shows for a node, in one answer. Coverage comes from the round
 * counters; the other figures are grouped counts over the node's `area_path` range on the
 * indexes of what is open or active, never a scan of the register.
 */
export async function dashboard(
  db: Db,
  actor: Actor,
  query: DashboardQuery,
  testsCache?: TestsTrendCache,
): Promise<DashboardView> {
  const viewer = actor.viewer;
  const now = actor.now();
  const node = await resolveNode(db, viewer, query.node);
  const { days, since } = trendWindow(now);
  const round = await repo.openRoundFor(db, node);

  const [
    children,
    trailRows,
    residents,
    roundRows,
    coverage,
    keyPersons,
    leads,
    pending,
    tests,
    newKp,
    verified,
    events,
  ] = await Promise.all([
    repo.childAreas(db, node.id),
    repo.areasByPaths(
      db,
      pathAndAncestors(node.path).filter((path) => path !== node.path && can(viewer, 'health.read', path)),
    ),
    // A round covering the node counts its residents already (its "due"); otherwise count them.
    round?.covers_node ? Promise.resolve(null) : repo.residentCounts(db, node),
    round ? repo.roundCountsByChild(db, round.id, node) : Promise.resolve([]),
    round ? nodeCoverage(db, round.id, node.path) : Promise.resolve(null),
    repo.keyPersonCounts(db, node),
    repo.leadCounts(db, node, now),
    repo.pendingArrivalCount(db, node),
    testsCache
      ? testsCache.get(`${node.id}:${days[0]}`, now.getTime(), () => repo.testsByDay(db, node, since))
      : repo.testsByDay(db, node, since),
    repo.newKeyPersonsByDay(db, node, since),
    repo.leadsVerifiedByDay(db, node, since),
    eventFigures(db, viewer, node, now),
  ]);

  const residentsByChild = residents ? byChild(residents) : null;
  const roundByChild = byChild(roundRows);
  const keyPersonsByChild = byChild(keyPersons);
  const leadsByChild = byChild(leads);

  const byCategory = Object.fromEntries(
    KEY_PERSON_CATEGORIES.map((category) => [
      category,
      sum(
        keyPersons.filter((row) => row.category === category),
        (row) => row.n,
      ),
    ]),
  ) as DashboardFigures['keyPersons']['byCategory'];
  const open = sum(leads, (row) => row.open);
  const overdue = sum(leads, (row) => row.overdue);
  const verifiedLeads = sum(leads, (row) => row.verified);

  const figures: DashboardFigures = {
    residents: residents ? sum(residents, (row) => row.n) : (coverage?.due ?? 0),
    keyPersons: { total: sum(keyPersons, (row) => row.n), byCategory },
    leads: {
      total: open + verifiedLeads,
      verified: verifiedLeads,
      open: open - overdue,
      overdue,
      leftToZero: open,
    },
    pendingArrivals: pending,
    events: events?.figures ?? null,
  };

  const roundView: DashboardRound | null =
    round && coverage
      ? {
          id: round.id,
          name: round.name,
          area: areaRef({
            id: round.area_id,
            code: round.area_code,
            name: round.area_name,
            level: round.area_level,
          }),
          startsAt: round.starts_at.toISOString(),
          endsAt: round.ends_at.toISOString(),
          coversNode: round.covers_node,
          coverage: presentFigures(coverage),
        }
      : null;

  const childViews: ChildFigures[] = children.map((child) => {
    const counts = roundByChild.get(child.id);
    const due = sum(counts, (row) => row.due);
    const tested = sum(counts, (row) => row.tested);
    const untested = due - tested - sum(counts, (row) => row.exempt);
    const childLeads = leadsByChild.get(child.id);
    const childEvents = events?.byChild.get(child.id);
    return {
      area: { ...areaRef(child), hasBoundary: child.has_boundary, childCount: child.child_count },
      residents: residentsByChild ? sum(residentsByChild.get(child.id), (row) => row.n) : due,
      tested: round ? tested : null,
      untested: round ? untested : null,
      untestedShare: round && due > 0 ? Math.round((untested / due) * 10000) / 10000 : null,
      keyPersons: sum(keyPersonsByChild.get(child.id), (row) => row.n),
      openLeads: sum(childLeads, (row) => row.open),
      overdueLeads: sum(childLeads, (row) => row.overdue),
      openEvents: events ? sum(childEvents, (row) => row.open) : null,
      overdueEvents: events ? sum(childEvents, (row) => row.overdue) : null,
    };
  });

  return {
    node: { ...areaRef(node), hasBoundary: node.has_boundary, childCount: node.child_count },
    trail: trailRows.map(areaRef),
    asOf: now.toISOString(),
    figures,
    round: roundView,
    children: childViews,
    trend: {
      days,
      tests: series(days, tests),
      newKeyPersons: series(days, newKp),
      leadsVerified: series(days, verified),
    },
  };
}

// ---- the live feed ----

/**
 * Where a listener is in the feed: the last audit entry, lead event, batch finish and event step
 * it was sent.
 */
export interface FeedCursor {
  audit: string;
  leadEvent: number;
  batchAt: number;
  eventStep: number;
}

export const encodeCursor = (cursor: FeedCursor) =>
  `${cursor.audit}.${cursor.leadEvent}.${cursor.batchAt}.${cursor.eventStep}`;

/**
 * The cursor an EventSource sends back as Last-Event-ID when it reconnects; null if it is not one
 * (also a three-part cursor from before event steps were fed: that listener starts afresh).
 */
export function decodeCursor(text: string | undefined): FeedCursor | null {
  const match = /^(\d{1,19})\.(\d{1,10})\.(\d{1,15})\.(\d{1,15})$/.exec(text ?? '');
  if (!match) return null;
  return {
    audit: match[1]!,
    leadEvent: Number(match[2]),
    batchAt: Number(match[3]),
    eventStep: Number(match[4]),
  };
}

export interface CursoredEvent {
  event: FeedEvent;
  /** The cursor once this event is sent. */
  cursor: FeedCursor;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function fromAudit(row: repo.AuditFeedRow): FeedEvent {
  const type = repo.FEED_ACTIONS[row.action];
  const after = row.after ?? {};
  const detail =
    type === 'key_person'
      ? text(after.category)
      : type === 'lead_verified'
        ? text(after.outcome)
        : type === 'arrival_confirmed'
          ? text(after.kind)
          : type === 'round_created'
            ? text(after.name)
            : null;
  return {
    id: `a${row.id}`,
    type,
    at: row.at.toISOString(),
    area: row.area_id === null ? null : { id: row.area_id, name: row.area_name ?? '' },
    detail,
    counts: null,
    status: null,
    category: null,
  };
}

function fromEscalation(row: repo.EscalationRow): FeedEvent {
  return {
    id: `e${row.id}`,
    type: 'lead_escalated',
    at: row.at.toISOString(),
    area: row.area_id === null ? null : { id: row.area_id, name: row.area_name ?? '' },
    detail: row.to_tier,
    counts: null,
    status: null,
    category: null,
  };
}

function fromBatch(row: repo.BatchRow): FeedEvent {
  return {
    id: `b${row.id}`,
    type: 'feed_done',
    at: row.finished_at.toISOString(),
    area: { id: row.area_id, name: row.area_name },
    detail: row.kind,
    // A feed of a wider area: its counts are not the node's to show.
    counts: row.inside ? { inserted: row.inserted, matched: row.matched, unmatched: row.unmatched } : null,
    status: row.status,
    category: null,
  };
}

function fromEventStep(row: repo.EventStepFeedRow): FeedEvent {
  const type = repo.EVENT_FEED_ACTIONS[row.action];
  return {
    id: `s${row.id}`,
    type,
    at: row.at.toISOString(),
    area: { id: row.area_id, name: row.area_name },
    detail: type === 'event_escalated' ? row.to_tier : type === 'event_new' ? row.source : null,
    counts: null,
    status: null,
    category: { code: row.category_code, nameZh: row.category_zh, nameEn: row.category_en },
  };
}

/** Orders events by time and gives each the cursor reached once it is sent. */
function withCursors(start: FeedCursor, events: Array<{ event: FeedEvent; advance: Partial<FeedCursor> }>) {
  const ordered = [...events].sort((a, b) => a.event.at.localeCompare(b.event.at));
  let cursor = start;
  return ordered.map(({ event, advance }) => {
    cursor = {
      audit:
        advance.audit !== undefined && BigInt(advance.audit) > BigInt(cursor.audit)
          ? advance.audit
          : cursor.audit,
      leadEvent: Math.max(cursor.leadEvent, advance.leadEvent ?? 0),
      batchAt: Math.max(cursor.batchAt, advance.batchAt ?? 0),
      eventStep: Math.max(cursor.eventStep, advance.eventStep ?? 0),
    };
    return { event, cursor };
  });
}

const BACKLOG = 20;
const PAGE = 200;
/** A new listener's backlog is looked for among this many of the latest ids (and days of batches). */
const BACKLOG_IDS = 20_000;
const BACKLOG_DAYS = 2;

/** What a listener may see besides the health items: events only with event.read over the node. */
export interface FeedOptions {
  events: boolean;
}

/** A new listener: the newest events (oldest of them first) and the cursor to continue from. */
export async function feedStart(
  db: Db,
  nodePath: string,
  now: Date,
  options: FeedOptions,
): Promise<{ events: CursoredEvent[]; cursor: FeedCursor }> {
  const ids = await repo.latestIds(db);
  const auditFloor =
    BigInt(ids.audit) > BigInt(BACKLOG_IDS) ? String(BigInt(ids.audit) - BigInt(BACKLOG_IDS)) : '0';
  const [audit, escalated, batches, steps] = await Promise.all([
    repo.auditEvents(db, nodePath, { afterId: auditFloor, limit: BACKLOG, newest: true }),
    repo.escalations(db, nodePath, {
      afterId: Math.max(0, ids.leadEvent - BACKLOG_IDS),
      limit: BACKLOG,
      newest: true,
    }),
    repo.finishedBatches(db, nodePath, {
      after: new Date(now.getTime() - BACKLOG_DAYS * 86_400_000),
      limit: BACKLOG,
      newest: true,
    }),
    options.events
      ? repo.eventSteps(db, nodePath, {
          afterId: Math.max(0, ids.eventStep - BACKLOG_IDS),
          limit: BACKLOG,
          newest: true,
        })
      : Promise.resolve([]),
  ]);
  const start: FeedCursor = {
    audit: ids.audit,
    leadEvent: ids.leadEvent,
    batchAt: now.getTime(),
    eventStep: ids.eventStep,
  };
  const events = [
    ...audit.map((row) => ({ event: fromAudit(row), advance: {} })),
    ...escalated.map((row) => ({ event: fromEscalation(row), advance: {} })),
    ...batches.map((row) => ({ event: fromBatch(row), advance: {} })),
    ...steps.map((row) => ({ event: fromEventStep(row), advance: {} })),
  ]
    .sort((a, b) => b.event.at.localeCompare(a.event.at))
    .slice(0, BACKLOG);
  return { events: withCursors(start, events), cursor: start };
}

/**
 * What happened in the node's subtree since the cursor, oldest first. A quiet node's cursor
 * stays behind while the rest of the city writes: each look reads at most the latest
 * `BACKLOG_IDS` ids, far more than a few seconds ever add.
 */
export async function feedSince(
  db: Db,
  nodePath: string,
  cursor: FeedCursor,
  options: FeedOptions,
): Promise<CursoredEvent[]> {
  const ids = await repo.latestIds(db);
  const auditFloor = BigInt(ids.audit) - BigInt(BACKLOG_IDS);
  const [audit, escalated, batches, steps] = await Promise.all([
    repo.auditEvents(db, nodePath, {
      afterId: auditFloor > BigInt(cursor.audit) ? String(auditFloor) : cursor.audit,
      limit: PAGE,
    }),
    repo.escalations(db, nodePath, {
      afterId: Math.max(cursor.leadEvent, ids.leadEvent - BACKLOG_IDS),
      limit: PAGE,
    }),
    repo.finishedBatches(db, nodePath, { after: new Date(cursor.batchAt), limit: PAGE }),
    options.events
      ? repo.eventSteps(db, nodePath, {
          afterId: Math.max(cursor.eventStep, ids.eventStep - BACKLOG_IDS),
          limit: PAGE,
        })
      : Promise.resolve([]),
  ]);
  return withCursors(cursor, [
    ...audit.map((row) => ({ event: fromAudit(row), advance: { audit: row.id } })),
    ...escalated.map((row) => ({ event: fromEscalation(row), advance: { leadEvent: row.id } })),
    ...batches.map((row) => ({ event: fromBatch(row), advance: { batchAt: row.finished_at.getTime() } })),
    ...steps.map((row) => ({ event: fromEventStep(row), advance: { eventStep: row.id } })),
  ]);
}
