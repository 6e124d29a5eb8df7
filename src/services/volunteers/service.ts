import { recordAuditMany } from '../../audit/repository.js';
import { isStaffAt, rolesWith, viewerName } from '../../auth/scope.js';
import type { Actor, Db } from '../../auth/context.js';
import { conflict, invalid, notFound } from '../../core/errors.js';
import type { Level } from '../../core/vocabulary.js';
import { findAreaInScope, gridAndMicrogridOf } from '../../hierarchy/repository.js';
import { allocateHouses, MAX_HOUSEHOLDS, MIN_HOUSEHOLDS } from './allocate.js';
import * as repo from './repository.js';
import type {
  AssignBody,
  AssignResult,
  AutoAssignResult,
  CoverageReport,
  VolunteerCoverage,
} from './schema.js';
import { holdsRoleInOrAbove } from '../../auth/repository.js';

const UNCOVERED_LIST_LIMIT = 1000;
const AREA_NOT_FOUND = (id: number) =>
  notFound('AREA_NOT_FOUND', `Area ${id} does not exist or is outside your area`);

async function microgridInScope(
  db: Db,
  actor: Actor,
  areaId: number,
  right: 'service.handle' | 'service.manage',
) {
  const area = await findAreaInScope(db, actor.viewer, right, areaId);
  // A volunteer's own service.handle does not open the micro-grid's coverage to them.
  if (!area || !isStaffAt(actor.viewer, area.path, right)) throw AREA_NOT_FOUND(areaId);
  if (area.level !== 'microgrid')
    throw invalid('AREA_LEVEL_INVALID', `id: area ${areaId} is a ${area.level}, not a micro-grid`, [
      { field: 'params.id', code: 'wrongLevel', message: 'must be a micro-grid' },
    ]);
  const { grid } = await gridAndMicrogridOf(db, area.path);
  return { area, gridId: grid?.id ?? null };
}

/** Coverage of one micro-grid: its volunteers with their counts, those under three, houses nobody covers. */
export async function coverageReport(
  db: Db,
  actor: Actor,
  areaId: number,
  right: 'service.handle' | 'service.manage' = 'service.handle',
): Promise<CoverageReport> {
  const { area, gridId } = await microgridInScope(db, actor, areaId, right);
  return buildReport(db, area, gridId);
}

async function buildReport(
  db: Db,
  area: { id: number; code: string; name: string; level: Level; path: string },
  gridId: number | null,
): Promise<CoverageReport> {
  const [eligible, covered, uncovered, houses] = await Promise.all([
    repo.eligibleVolunteers(db, area.path, gridId),
    repo.coverageIn(db, area.path),
    repo.uncoveredHouses(db, area.path, UNCOVERED_LIST_LIMIT),
    repo.houseCount(db, area.path),
  ]);
  const people = new Map<number, string>(eligible.map((v) => [v.id, v.display_name]));
  for (const row of covered)
    if (!people.has(row.volunteer_user_id)) people.set(row.volunteer_user_id, row.display_name);
  const counts = await repo.loads(db, [...people.keys()]);
  const volunteers: VolunteerCoverage[] = [...people.entries()]
    .sort(([a], [b]) => a - b)
    .map(([userId, name]) => {
      const households = counts.get(userId) ?? 0;
      return {
        userId,
        name,
        households,
        underMinimum: households < MIN_HOUSEHOLDS,
        houses: covered
          .filter((c) => c.volunteer_user_id === userId)
          .map((c) => ({ id: c.house_id, address: c.address })),
      };
    });
  return {
    area: { id: area.id, code: area.code, name: area.name, level: area.level },
    minimum: MIN_HOUSEHOLDS,
    maximum: MAX_HOUSEHOLDS,
    totals: {
      houses,
      covered: covered.length,
      uncovered: houses - covered.length,
      volunteers: volunteers.length,
      volunteersUnderMinimum: volunteers.filter((v) => v.underMinimum).length,
    },
    volunteers,
    uncoveredHouses: uncovered.map((h) => ({ id: h.id, address: h.address })),
  };
}

/** Volunteers may only serve where they hold a role that handles requests, in or above the micro-grid. */
async function checkVolunteerServes(db: Db, userId: number, microPath: string): Promise<void> {
  if (!(await holdsRoleInOrAbove(db, userId, microPath, rolesWith('service.handle'))))
    throw invalid(
      'VOLUNTEER_NOT_IN_AREA',
      `volunteerUserId: user ${userId} holds no volunteer or worker role in or above this micro-grid`,
      [
        {
          field: 'body.volunteerUserId',
          code: 'volunteerRole',
          message: 'holds no volunteer or worker role in or above the micro-grid',
        },
      ],
    );
}

export async function assignHouses(db: Db, actor: Actor, body: AssignBody): Promise<AssignResult> {
  const houses = await repo.housesInScope(db, actor.viewer, 'service.manage', body.houseIds);
  for (const id of body.houseIds)
    if (!houses.some((h) => h.id === id))
      throw notFound('HOUSE_NOT_FOUND', `houseIds: house ${id} does not exist or is outside your area`);
  const micros = new Map<string, string>();
  for (const house of houses) {
    const { microgrid } = await gridAndMicrogridOf(db, house.area_path);
    if (!microgrid)
      throw invalid('HOUSE_NOT_IN_MICROGRID', `houseIds: house ${house.id} lies in no micro-grid`, [
        {
          field: 'body.houseIds',
          code: 'noMicrogrid',
          params: { house: house.id },
          message: `house ${house.id} lies in no micro-grid`,
        },
      ]);
    micros.set(microgrid.path, microgrid.name);
  }
  for (const microPath of micros.keys()) await checkVolunteerServes(db, body.volunteerUserId, microPath);

  await repo.lockVolunteers(db, [body.volunteerUserId]);
  const existing = await repo.coverageOfHouses(db, body.houseIds);
  const taken = existing.find((row) => row.volunteer_user_id !== body.volunteerUserId);
  if (taken)
    throw conflict(
      'HOUSE_ALREADY_COVERED',
      `House ${taken.house_id} is already covered by ${taken.display_name} (user ${taken.volunteer_user_id}); unassign it first`,
      { houseId: taken.house_id, volunteerUserId: taken.volunteer_user_id },
    );
  const fresh = houses.filter((h) => !existing.some((row) => row.house_id === h.id));
  const current = (await repo.loads(db, [body.volunteerUserId])).get(body.volunteerUserId) ?? 0;
  const name = existing[0]?.display_name ?? (await volunteerName(db, body.volunteerUserId));
  if (current + fresh.length > MAX_HOUSEHOLDS)
    throw conflict(
      'VOLUNTEER_FULL',
      `Volunteer ${name} (user ${body.volunteerUserId}) covers ${current} households; ${fresh.length} more would exceed the maximum of ${MAX_HOUSEHOLDS}`,
      { volunteerUserId: body.volunteerUserId, name, households: current, maximum: MAX_HOUSEHOLDS },
      { name, households: current, maximum: MAX_HOUSEHOLDS },
    );
  const now = actor.now();
  const inserted = await repo.insertCoverage(
    db,
    fresh.map((h) => ({
      house_id: h.id,
      volunteer_user_id: body.volunteerUserId,
      area_path: h.area_path,
      assigned_at: now,
      assigned_by: viewerName(actor.viewer),
    })),
  );
  // Another assignment took a house between our check and the insert.
  if (inserted.length !== fresh.length)
    throw conflict(
      'HOUSE_ALREADY_COVERED',
      'A house was covered by someone else meanwhile; reload and try again',
    );
  await recordAuditMany(
    db,
    actor,
    fresh.map((h) => ({
      action: 'volunteer.assign',
      entityType: 'house',
      entityId: h.id,
      areaPath: h.area_path,
      after: { volunteerUserId: body.volunteerUserId },
    })),
  );
  return {
    volunteer: { userId: body.volunteerUserId, name, households: current + fresh.length },
    assigned: houses.map((h) => ({ id: h.id, address: h.address })),
  };
}

async function volunteerName(db: Db, userId: number): Promise<string> {
  return (await repo.findUserDisplayName(db, userId)) ?? `user ${userId}`;
}

export async function unassignHouse(db: Db, actor: Actor, houseId: number): Promise<void> {
  const row = await repo.findCoverageInScope(db, actor.viewer, 'service.manage', houseId);
  if (!row)
    throw notFound('COVERAGE_NOT_FOUND', `House ${houseId} has no volunteer, or is outside your area`);
  await repo.deleteCoverage(db, houseId);
  await recordAuditMany(db, actor, [
    {
      action: 'volunteer.unassign',
      entityType: 'house',
      entityId: houseId,
      areaPath: row.area_path,
      before: { volunteerUserId: row.volunteer_user_id },
    },
  ]);
}

/**
 * Covers the micro-grid's uncovered houses with its volunteers (see allocateHouses): everyone
 * below three first, then up to five. Houses beyond the volunteers' capacity stay uncovered.
 */
export async function autoAssign(db: Db, actor: Actor, areaId: number): Promise<AutoAssignResult> {
  const { area, gridId } = await microgridInScope(db, actor, areaId, 'service.manage');
  const eligible = await repo.eligibleVolunteers(db, area.path, gridId);
  const ids = eligible.map((v) => v.id);
  await repo.lockVolunteers(db, ids);
  const counts = await repo.loads(db, ids);
  const capacity = ids.reduce((sum, id) => sum + Math.max(0, MAX_HOUSEHOLDS - (counts.get(id) ?? 0)), 0);
  const uncovered = await repo.uncoveredHouses(db, area.path, capacity);
  const plan = allocateHouses(
    uncovered.map((h) => h.id),
    ids.map((userId) => ({ userId, households: counts.get(userId) ?? 0 })),
  );
  const byId = new Map(uncovered.map((h) => [h.id, h]));
  const now = actor.now();
  const inserted = new Set(
    await repo.insertCoverage(
      db,
      plan.map((p) => ({
        house_id: p.houseId,
        volunteer_user_id: p.volunteerUserId,
        area_path: byId.get(p.houseId)!.area_path,
        assigned_at: now,
        assigned_by: viewerName(actor.viewer),
      })),
    ),
  );
  const done = plan.filter((p) => inserted.has(p.houseId));
  await recordAuditMany(
    db,
    actor,
    done.map((p) => ({
      action: 'volunteer.assign',
      entityType: 'house',
      entityId: p.houseId,
      areaPath: byId.get(p.houseId)!.area_path,
      after: { volunteerUserId: p.volunteerUserId, auto: true },
    })),
  );
  return {
    assigned: done.map((p) => ({
      houseId: p.houseId,
      address: byId.get(p.houseId)!.address,
      volunteerUserId: p.volunteerUserId,
    })),
    coverage: await buildReport(db, area, gridId),
  };
}
