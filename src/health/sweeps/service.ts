import { recordAudit, recordAuditMany } from '../../audit/repository.js';
import type { Actor, Db } from '../../auth/context.js';
import { rightsOf } from '../../auth/rights.js';
import { can, scopePaths, type Viewer, viewerName } from '../../auth/scope.js';
import { conflict, forbidden, invalid, notFound } from '../../core/errors.js';
import type { PageOf } from '../../core/pagination.js';
import type { Role, SweepHouseholdState } from '../../core/vocabulary.js';
import { findAreaInScope } from '../../hierarchy/repository.js';
import { presentPersonName } from '../../privacy/present.js';
import { advancePersonHealth, rebuildPersonHealth } from '../feeds/repository.js';
import { applyHealthRules } from '../rules/service.js';
import { healthRules } from '../rules/settings.js';
import * as repo from './repository.js';
import type {
  CreateSweepBody,
  MySweepHouseholdQuery,
  SweepAssignBody,
  SweepFigures,
  SweepHouseholdDetail,
  SweepHouseholdQuery,
  SweepHouseholdView,
  SweepProgress,
  SweepQuery,
  SweepView,
  SweepVisitBody,
  SweepVisitView,
} from './schema.js';

const DAY_MS = 86_400_000;
/** A door-to-door sweep is a matter of days (武汉: ten). */
const MAX_DAYS = 31;
/** The deployment's fever threshold (37.3 °C unless configured), as for the health rules. */
const feverAt = (): number => healthRules().feverThreshold;
/** Roles that may be given households of a sweep: who goes to doors. */
const ASSIGNABLE_ROLES: readonly Role[] = [
  'grid_worker',
  'grid_leader',
  'doctor',
  'community_staff',
  'volunteer',
];

const SWEEP_NOT_FOUND = (id: number) =>
  notFound('SWEEP_NOT_FOUND', `Sweep ${id} does not exist or is outside your area`);
const HOUSEHOLD_NOT_FOUND = (houseId: number) =>
  notFound(
    'SWEEP_HOUSEHOLD_NOT_FOUND',
    `House ${houseId} is not part of this sweep or is not yours to visit`,
  );

/** The instant a China-time calendar day begins. */
const chinaMidnight = (date: string) => new Date(`${date}T00:00:00+08:00`);

type Phase = SweepView['phase'];
export function phaseOf(row: { status: string; starts_at: Date; ends_at: Date }, now: Date): Phase {
  if (row.status === 'closed') return 'closed';
  if (now < row.starts_at) return 'upcoming';
  if (now >= row.ends_at) return 'ended';
  return 'running';
}

function figuresOf(rows: ReadonlyArray<Omit<repo.CounterRow, 'area_path'>>): SweepFigures {
  const sum = (f: (r: Omit<repo.CounterRow, 'area_path'>) => number) => rows.reduce((n, r) => n + f(r), 0);
  const total = sum((r) => r.total);
  const visited = sum((r) => r.visited);
  const attempted = sum((r) => r.attempted);
  return {
    total,
    visited,
    attempted,
    unvisited: total - visited - attempted,
    fevers: sum((r) => r.fevers),
    visitedShare: total > 0 ? Math.round((visited / total) * 10000) / 10000 : null,
  };
}

function presentSweep(row: repo.CampaignRow, figures: SweepFigures, now: Date): SweepView {
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
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    status: row.status,
    phase: phaseOf(row, now),
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    closedAt: row.closed_at?.toISOString() ?? null,
    closedBy: row.closed_by,
    figures,
  };
}

const readScope = (viewer: Viewer) => scopePaths(viewer, 'health.read');

/** The campaign's figures the viewer may see: its counters inside their health.read scope. */
async function visibleFigures(db: Db, viewer: Viewer, row: repo.CampaignRow): Promise<SweepFigures> {
  const scope = readScope(viewer);
  const roots = scope.some((p) => row.area_path.startsWith(p))
    ? [row.area_path]
    : scope.filter((p) => p.startsWith(row.area_path));
  const counters = (await Promise.all(roots.map((p) => repo.countersUnder(db, row.id, p)))).flat();
  return figuresOf(counters);
}

/** The campaign, if it overlaps the viewer's health.read scope; otherwise 404. */
async function visibleCampaign(db: Db, viewer: Viewer, id: number): Promise<repo.CampaignRow> {
  const row = await repo.findCampaign(db, id);
  const scope = readScope(viewer);
  if (!row || !scope.some((p) => row.area_path.startsWith(p) || p.startsWith(row.area_path)))
    throw SWEEP_NOT_FOUND(id);
  return row;
}

// ---------------------------------------------------------------- campaigns

/**
 * Starts a sweep over an area's subtree for whole China-time days. Its households are the
 * occupied houses of the subtree now; houses registered later are not part of it (so its
 * progress does not move under the workers' feet), which the README says.
 */
export async function createSweep(db: Db, actor: Actor, body: CreateSweepBody): Promise<SweepView> {
  const area = await findAreaInScope(db, actor.viewer, 'health.read', body.areaId);
  if (!area) throw notFound('AREA_NOT_FOUND', `Area ${body.areaId} does not exist or is outside your area`);
  if (!can(actor.viewer, 'health.write', area.path))
    throw forbidden('You may view sweeps here but not start one');
  if (area.retired_at) throw invalid('AREA_RETIRED', `Area ${area.code} is retired`);
  const startsAt = chinaMidnight(body.startsOn);
  const endsAt = new Date(chinaMidnight(body.endsOn).getTime() + DAY_MS);
  const days = Math.round((endsAt.getTime() - startsAt.getTime()) / DAY_MS);
  if (days < 1 || days > MAX_DAYS) {
    throw invalid(
      'SWEEP_WINDOW_INVALID',
      `body.endsOn must not be before body.startsOn and at most ${MAX_DAYS} days after it`,
      [
        days < 1
          ? { field: 'body.endsOn', code: 'periodInvalid', message: 'is before startsOn' }
          : {
              field: 'body.endsOn',
              code: 'periodTooLong',
              params: { days: MAX_DAYS },
              message: `is more than ${MAX_DAYS} days after startsOn`,
            },
      ],
    );
  }
  const now = actor.now();
  const name = body.name.trim();
  const id = await repo.insertCampaign(db, {
    area_id: area.id,
    area_path: area.path,
    name,
    starts_on: body.startsOn,
    ends_on: body.endsOn,
    starts_at: startsAt,
    ends_at: endsAt,
    created_by: viewerName(actor.viewer),
    created_at: now,
  });
  await repo.snapshotHouseholds(db, id, area.path);
  const row = (await repo.findCampaign(db, id))!;
  const figures = figuresOf(await repo.countersUnder(db, id, area.path));
  await recordAudit(db, actor, {
    action: 'sweep.create',
    entityType: 'sweep_campaign',
    entityId: id,
    areaPath: area.path,
    after: { name, startsOn: body.startsOn, endsOn: body.endsOn, households: figures.total },
  });
  return presentSweep(row, figures, now);
}

export async function listSweeps(db: Db, actor: Actor, query: SweepQuery): Promise<PageOf<SweepView>> {
  const page = await repo.listCampaigns(db, readScope(actor.viewer), query);
  const now = actor.now();
  const items = await Promise.all(
    page.items.map(async (row) => presentSweep(row, await visibleFigures(db, actor.viewer, row), now)),
  );
  return { ...page, items };
}

export async function getSweep(db: Db, actor: Actor, id: number): Promise<SweepView> {
  const row = await visibleCampaign(db, actor.viewer, id);
  return presentSweep(row, await visibleFigures(db, actor.viewer, row), actor.now());
}

/** Closes a sweep, early or after its last day: its counters are its final figures. */
export async function closeSweep(db: Db, actor: Actor, id: number): Promise<SweepView> {
  const row = await visibleCampaign(db, actor.viewer, id);
  if (!can(actor.viewer, 'health.write', row.area_path))
    throw forbidden('Only someone who may run health work over the whole sweep can close it');
  await repo.lockCampaign(db, id, 'update');
  const now = actor.now();
  if (!(await repo.closeCampaign(db, id, viewerName(actor.viewer), now)))
    throw conflict('SWEEP_CLOSED', `Sweep ${id} is already closed`);
  const figures = figuresOf(await repo.countersUnder(db, id, row.area_path));
  await recordAudit(db, actor, {
    action: 'sweep.close',
    entityType: 'sweep_campaign',
    entityId: id,
    areaPath: row.area_path,
    after: { ...figures, early: now < row.ends_at },
  });
  return presentSweep((await repo.findCampaign(db, id))!, figures, now);
}

/** Pathss up from a path, itself included: "/1/5/9/" → "/1/", "/1/5/", "/1/5/9/". */
function pathsUp(path: string): string[] {
  const ids = path.split('/').filter(Boolean);
  return ids.map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`);
}

/** Progress of a node of the sweep and of each grid and row cell in it, from the counters. */
export async function sweepProgress(
  db: Db,
  actor: Actor,
  id: number,
  nodeId: number | undefined,
): Promise<SweepProgress> {
  const row = await visibleCampaign(db, actor.viewer, id);
  let node:
    { id: number; code: string; name: string; level: SweepView['area']['level']; path: string } | undefined;
  if (nodeId !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'health.read', nodeId);
    if (!area || !area.path.startsWith(row.area_path))
      throw notFound('AREA_NOT_FOUND', `Area ${nodeId} does not exist, is outside your area or this sweep`);
    node = area;
  } else {
    const path = can(actor.viewer, 'health.read', row.area_path)
      ? row.area_path
      : readScope(actor.viewer).find((p) => p.startsWith(row.area_path));
    node = path ? await repo.findAreaByPath(db, path) : undefined;
    if (!node) throw SWEEP_NOT_FOUND(id);
  }
  const [areas, counters] = await Promise.all([
    repo.progressAreas(db, node),
    repo.countersUnder(db, id, node.path),
  ]);
  const tallies = new Map(areas.map((a) => [a.path, [] as repo.CounterRow[]]));
  for (const c of counters) for (const p of pathsUp(c.area_path)) tallies.get(p)?.push(c);
  const rowOf = (a: (typeof areas)[number]) => ({
    area: { id: a.id, code: a.code, name: a.name, level: a.level, path: a.path },
    figures: figuresOf(tallies.get(a.path) ?? []),
  });
  const nodeArea = areas.find((a) => a.id === node.id)!;
  return {
    sweep: presentSweep(row, await visibleFigures(db, actor.viewer, row), actor.now()),
    node: rowOf(nodeArea),
    grids: areas.filter((a) => a.level === 'grid').map(rowOf),
    rows: areas.filter((a) => a.level === 'cell').map(rowOf),
  };
}

// ---------------------------------------------------------------- households

/** Subtrees where the viewer records visits as staff (health.write: grid workers, leaders, doctors). */
const visitScope = (viewer: Viewer) => scopePaths(viewer, 'health.write');

function userIdOf(viewer: Viewer): number | undefined {
  return viewer.kind === 'user' ? viewer.userId : undefined;
}

/**
 * Whether the viewer may record a visit at the household: health.write over its area (grid
 * workers by scope), or the household is assigned to them, or they cover it as its volunteer.
 */
function mayVisit(viewer: Viewer, row: repo.HouseholdRow, covered: boolean): boolean {
  return (
    can(viewer, 'health.write', row.area_path) ||
    (viewer.kind === 'user' && row.assignee_user_id === viewer.userId) ||
    covered
  );
}

function presentHousehold(row: repo.HouseholdRow, canVisit: boolean): SweepHouseholdView {
  return {
    sweepId: row.campaign_id,
    sweepName: row.campaign_name,
    house: { id: row.house_id, address: row.address },
    area: {
      id: row.area_id,
      code: row.area_code,
      name: row.area_name,
      level: row.area_level,
      path: row.area_path,
    },
    state: row.state,
    fevers: row.fevers,
    visits: row.visits,
    assignee:
      row.assignee_user_id === null ? null : { userId: row.assignee_user_id, name: row.assignee_name ?? '' },
    canVisit,
  };
}

async function presentHouseholds(db: Db, viewer: Viewer, rows: repo.HouseholdRow[]) {
  const userId = userIdOf(viewer);
  const covered =
    userId === undefined
      ? new Set<number>()
      : await repo.coveredBy(
          db,
          userId,
          rows.map((r) => r.house_id),
        );
  return rows.map((r) => presentHousehold(r, mayVisit(viewer, r, covered.has(r.house_id))));
}

/** The desk's list of a sweep's households (unvisited ones to assign): the caller's health.read scope. */
export async function listSweepHouseholds(
  db: Db,
  actor: Actor,
  id: number,
  query: SweepHouseholdQuery,
): Promise<PageOf<SweepHouseholdView>> {
  await visibleCampaign(db, actor.viewer, id);
  let withinPath: string | undefined;
  if (query.within !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'health.read', query.within);
    if (!area)
      throw notFound('AREA_NOT_FOUND', `Area ${query.within} does not exist or is outside your area`);
    withinPath = area.path;
  }
  const page = await repo.listHouseholds(db, id, {
    staffScope: readScope(actor.viewer),
    state: query.state,
    pending: query.pending,
    withinPath,
    page: query.page,
    pageSize: query.pageSize,
  });
  return { ...page, items: await presentHouseholds(db, actor.viewer, page.items) };
}

/**
 * The phone's "my unvisited households" of every running sweep: assigned to me or covered by me
 * as a volunteer (mine), or every one I may visit (area: adds my health.write scope).
 */
export async function mySweepHouseholds(
  db: Db,
  actor: Actor,
  query: MySweepHouseholdQuery,
): Promise<PageOf<SweepHouseholdView>> {
  const page = await repo.listHouseholds(
    db,
    { runningAt: actor.now() },
    {
      staffScope: query.scope === 'area' ? visitScope(actor.viewer) : [],
      userId: userIdOf(actor.viewer),
      pending: true,
      page: query.page,
      pageSize: query.pageSize,
    },
  );
  return { ...page, items: await presentHouseholds(db, actor.viewer, page.items) };
}

function presentVisit(
  row: Awaited<ReturnType<typeof repo.visitsOf>>[number],
  names: Map<number, string>,
): SweepVisitView {
  return {
    id: row.id,
    outcome: row.outcome,
    visitedAt: row.visited_at.toISOString(),
    worker: { userId: row.worker_user_id, name: row.worker_name },
    members: row.members.map((m) => ({
      personId: m.personId,
      name: presentPersonName(names.get(m.personId) ?? ''),
      temperature: m.temperature,
      fever: m.temperature !== null && m.temperature >= feverAt(),
      symptoms: m.symptoms,
      travel: m.travel,
      fromRiskArea: m.fromRiskArea,
      doses: m.doses,
      notes: m.notes,
    })),
    fevers: row.fevers,
    notes: row.notes,
    correctsId: row.corrects_id,
  };
}

/** A household as its visitor (or the desk) sees it: who lives there and the visits so far. */
async function householdDetail(
  db: Db,
  actor: Actor,
  id: number,
  houseId: number,
  purpose: 'read' | 'visit',
): Promise<{ detail: SweepHouseholdDetail; row: repo.HouseholdRow; canVisit: boolean }> {
  const row = await repo.findHousehold(db, id, houseId);
  const userId = userIdOf(actor.viewer);
  const covered =
    row && userId !== undefined ? (await repo.coveredBy(db, userId, [houseId])).has(houseId) : false;
  const canVisit = row ? mayVisit(actor.viewer, row, covered) : false;
  if (!row || !(canVisit || (purpose === 'read' && can(actor.viewer, 'health.read', row.area_path))))
    throw HOUSEHOLD_NOT_FOUND(houseId);
  const campaign = (await repo.findCampaign(db, id))!;
  const [residents, visits] = await Promise.all([
    repo.residents(db, houseId),
    repo.visitsOf(db, id, houseId),
  ]);
  const names = await repo.namesOf(db, [...new Set(visits.flatMap((v) => v.members.map((m) => m.personId)))]);
  return {
    row,
    canVisit,
    detail: {
      household: presentHousehold(row, canVisit),
      sweep: presentSweep(campaign, await visibleFigures(db, actor.viewer, campaign), actor.now()),
      residents: residents.map((p) => ({ personId: p.id, name: presentPersonName(p.name), sex: p.sex })),
      visits: visits.map((v) => presentVisit(v, names)),
    },
  };
}

export async function getSweepHousehold(
  db: Db,
  actor: Actor,
  id: number,
  houseId: number,
): Promise<SweepHouseholdDetail> {
  return (await householdDetail(db, actor, id, houseId, 'read')).detail;
}

// ---------------------------------------------------------------- visits

function stateOf(outcome: SweepVisitBody['outcome']): SweepHouseholdState {
  return outcome === 'visited' ? 'visited' : 'attempted';
}

/** Seam for the health rules (status and alerts from readings): one call site after new readings. */
async function afterReadings(trx: Db, personIds: readonly number[], now: Date): Promise<void> {
  await applyHealthRules(trx, personIds, now);
}

/**
 * Records a visit to a household of a running sweep, or corrects its current one (the new visit
 * replaces it; both are kept). In the caller's transaction: the household's state, the counters
 * of its area (by the change from its previous state), members' temperatures as health records
 * (person_health moves with them) and the audit entry.
 */
export async function recordSweepVisit(
  db: Db,
  actor: Actor,
  id: number,
  houseId: number,
  body: SweepVisitBody,
): Promise<SweepHouseholdDetail> {
  const campaign = await repo.lockCampaign(db, id, 'share');
  if (!campaign) throw SWEEP_NOT_FOUND(id);
  const row = await repo.findHousehold(db, id, houseId);
  const userId = userIdOf(actor.viewer);
  const covered =
    row && userId !== undefined ? (await repo.coveredBy(db, userId, [houseId])).has(houseId) : false;
  if (!row || !mayVisit(actor.viewer, row, covered)) throw HOUSEHOLD_NOT_FOUND(houseId);
  if (campaign.status === 'closed') throw conflict('SWEEP_CLOSED', `Sweep ${id} is closed`);
  const now = actor.now();
  if (phaseOf(campaign, now) !== 'running')
    throw conflict('SWEEP_NOT_RUNNING', `Sweep ${id} is not running: visits are taken within its dates`);

  const visitedAt = body.visitedAt ? new Date(body.visitedAt) : now;
  if (visitedAt.getTime() > now.getTime() + 5 * 60 * 1000)
    throw invalid('VALIDATION_FAILED', 'body.visitedAt is in the future', [
      { field: 'body.visitedAt', code: 'timeInFuture', message: 'is in the future' },
    ]);
  if (visitedAt < campaign.starts_at)
    throw invalid('VALIDATION_FAILED', 'body.visitedAt is before the sweep started', [
      {
        field: 'body.visitedAt',
        code: 'before',
        params: { limit: campaign.starts_at.toISOString() },
        message: 'is before the sweep started',
      },
    ]);
  if (body.outcome === 'nobody_home' && body.members.length > 0)
    throw invalid('VALIDATION_FAILED', 'body.members must be empty when nobody was home', [
      { field: 'body.members', code: 'nobodyHome', message: 'must be empty when nobody was home' },
    ]);
  if (body.outcome === 'visited' && body.members.length === 0)
    throw invalid('VALIDATION_FAILED', 'body.members needs at least one resident met', [
      { field: 'body.members', code: 'minItems', params: { min: 1 }, message: 'needs at least 1 item' },
    ]);
  const residents = new Map((await repo.residents(db, houseId)).map((p) => [p.id, p]));
  const seen = new Set<number>();
  body.members.forEach((m, i) => {
    const field = `body.members.${i}.personId`;
    if (!residents.has(m.personId))
      throw invalid(
        'VISIT_PERSON_NOT_RESIDENT',
        `${field}: person ${m.personId} is not an active resident of this house`,
        [{ field, code: 'notResident', message: 'is not a resident of this house' }],
      );
    if (seen.has(m.personId))
      throw invalid('VALIDATION_FAILED', `${field}: person ${m.personId} is listed twice`, [
        { field, code: 'uniqueItems', message: 'is listed twice' },
      ]);
    seen.add(m.personId);
  });

  const members: repo.SweepMemberAnswers[] = body.members.map((m) => ({
    personId: m.personId,
    temperature:
      m.temperature === undefined || m.temperature === null ? null : Math.round(m.temperature * 10) / 10,
    symptoms: m.symptoms ?? [],
    travel: m.travel?.trim() || null,
    fromRiskArea: m.fromRiskArea ?? false,
    doses: m.doses ?? null,
    notes: m.notes?.trim() || null,
  }));
  const fevers = members.filter((m) => m.temperature !== null && m.temperature >= feverAt()).length;
  const state = stateOf(body.outcome);

  const before = (await repo.lockHousehold(db, id, houseId))!;
  const visitId = await repo.insertVisit(db, {
    campaign_id: id,
    house_id: houseId,
    area_path: before.area_path,
    outcome: body.outcome,
    members: JSON.stringify(members),
    fevers,
    notes: body.notes?.trim() || null,
    worker_user_id: userId ?? null,
    worker_name: viewerName(actor.viewer),
    visited_at: visitedAt,
    corrects_id: before.visit_id,
    created_at: now,
  });
  await repo.updateHousehold(db, id, houseId, { state, fevers, visitId });
  const count = (s: SweepHouseholdState, which: SweepHouseholdState) => (s === which ? 1 : 0);
  await repo.bumpCounters(db, id, before.area_id, {
    visited: count(state, 'visited') - count(before.state, 'visited'),
    attempted: count(state, 'attempted') - count(before.state, 'attempted'),
    fevers: fevers - before.fevers,
  });

  const readers = await storeTemperatures(db, id, houseId, visitId, visitedAt, members, residents, now);
  await afterReadings(db, readers, now);

  await recordAudit(db, actor, {
    action: 'sweep.visit',
    entityType: 'sweep_household',
    entityId: `${id}:${houseId}`,
    areaPath: before.area_path,
    before:
      before.visit_id === null
        ? null
        : { visitId: before.visit_id, state: before.state, fevers: before.fevers },
    after: { visitId, state, fevers, members: members.length },
  });
  return (await householdDetail(db, actor, id, houseId, 'read')).detail;
}

/**
 * Members' temperatures become health records (kind temperature, source sweep, one per campaign,
 * house and person) and move person_health forward. A correction that changes or removes a
 * temperature recomputes those persons from all their records (it may move them back).
 * Reported vaccine doses stay in the visit: they are what a resident said, not a vaccination record.
 */
async function storeTemperatures(
  db: Db,
  id: number,
  houseId: number,
  visitId: number,
  at: Date,
  members: readonly repo.SweepMemberAnswers[],
  residents: Map<number, { area_path: string | null }>,
  now: Date,
): Promise<number[]> {
  const prefix = `sweep:${id}:${houseId}:`;
  const existing = await repo.temperatureRecords(db, prefix);
  const measured = members.filter((m) => m.temperature !== null);
  const keep = new Set(measured.map((m) => `${prefix}${m.personId}`));
  const dropped = existing.filter((r) => !keep.has(r.record_key));
  await repo.deleteRecords(
    db,
    dropped.map((r) => r.id),
  );
  const ids = await repo.upsertTemperatures(
    db,
    measured.map((m) => ({
      key: `${prefix}${m.personId}`,
      personId: m.personId,
      areaPath: residents.get(m.personId)?.area_path ?? '/',
      value: m.temperature!,
      at,
      visitId,
    })),
    now,
  );
  const corrected = new Set(existing.map((r) => r.person_id).filter((p): p is number => p !== null));
  const fresh = ids.filter((_, i) => !corrected.has(measured[i]!.personId));
  await advancePersonHealth(db, 'temperature', fresh, now);
  await rebuildPersonHealth(db, [...corrected], now);
  return [...new Set([...measured.map((m) => m.personId), ...corrected])];
}

// ---------------------------------------------------------------- assignment

/**
 * Gives households (bulk) to a worker or volunteer, or takes them back (null). The caller needs
 * health.write over every household; the assignee a door-going role over each of them.
 */
export async function assignHouseholds(
  db: Db,
  actor: Actor,
  id: number,
  body: SweepAssignBody,
): Promise<{ assigned: number }> {
  await visibleCampaign(db, actor.viewer, id);
  const campaign = (await repo.lockCampaign(db, id, 'share'))!;
  if (campaign.status === 'closed') throw conflict('SWEEP_CLOSED', `Sweep ${id} is closed`);
  const found = await repo.householdsByIds(db, id, body.houseIds);
  const byHouse = new Map(found.map((h) => [h.house_id, h.area_path]));
  body.houseIds.forEach((houseId) => {
    const path = byHouse.get(houseId);
    if (path === undefined || !can(actor.viewer, 'health.write', path)) throw HOUSEHOLD_NOT_FOUND(houseId);
  });
  let assigneeName: string | null = null;
  if (body.assigneeUserId !== null) {
    const roles = await repo.userAssignments(db, body.assigneeUserId);
    const reaches = (path: string) =>
      roles.some(
        (r) =>
          path.startsWith(r.path) &&
          ASSIGNABLE_ROLES.includes(r.role) &&
          (r.role === 'volunteer' || rightsOf(r.role, r.categories).includes('health.write')),
      );
    const unreached = body.houseIds.findIndex((houseId) => !reaches(byHouse.get(houseId)!));
    if (roles.length === 0 || unreached >= 0)
      throw invalid(
        'SWEEP_ASSIGNEE_INVALID',
        `body.assigneeUserId: user ${body.assigneeUserId} does not go to doors in the area of every household`,
        [
          {
            field: 'body.assigneeUserId',
            code: 'noRoleInArea',
            message: 'has no role over these households',
          },
        ],
      );
    assigneeName = roles[0]!.display_name;
  }
  const assigned = await repo.assignHouseholds(
    db,
    id,
    body.houseIds,
    body.assigneeUserId,
    viewerName(actor.viewer),
    actor.now(),
  );
  await recordAuditMany(
    db,
    actor,
    body.houseIds.map((houseId) => ({
      action: 'sweep.assign' as const,
      entityType: 'sweep_household' as const,
      entityId: `${id}:${houseId}`,
      areaPath: byHouse.get(houseId)!,
      after: { assigneeUserId: body.assigneeUserId, assignee: assigneeName },
    })),
  );
  return { assigned };
}

/** Who the desk may give households of a node to: door-going roles in or above it. */
export async function sweepAssignees(db: Db, actor: Actor, id: number, nodeId: number | undefined) {
  const row = await visibleCampaign(db, actor.viewer, id);
  let path = row.area_path;
  if (nodeId !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'health.read', nodeId);
    if (!area || !area.path.startsWith(row.area_path))
      throw notFound('AREA_NOT_FOUND', `Area ${nodeId} does not exist, is outside your area or this sweep`);
    path = area.path;
  } else if (!can(actor.viewer, 'health.read', path)) {
    path = readScope(actor.viewer).find((p) => p.startsWith(row.area_path)) ?? path;
  }
  const rows = await repo.usersInOrAbove(db, path);
  const people = new Map<number, { userId: number; name: string; roles: Role[] }>();
  for (const r of rows) {
    if (!ASSIGNABLE_ROLES.includes(r.role)) continue;
    if (r.role !== 'volunteer' && !rightsOf(r.role, r.categories).includes('health.write')) continue;
    const entry = people.get(r.id) ?? { userId: r.id, name: r.display_name, roles: [] };
    if (!entry.roles.includes(r.role)) entry.roles.push(r.role);
    people.set(r.id, entry);
  }
  return { items: [...people.values()] };
}
