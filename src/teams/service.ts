import { recordAudit } from '../audit/repository.js';
import type { Actor, Db } from '../auth/context.js';
import { conflict, invalid, notFound } from '../core/errors.js';
import type { PageOf } from '../core/pagination.js';
import type { TeamDuty } from '../db/schema.js';
import { findAreaInScope, gridAndMicrogridOf } from '../hierarchy/repository.js';
import { findHouseInScope } from '../register/repository.js';
import * as repo from './repository.js';
import type {
  CreateResponsibilityBody,
  CreateTeamBody,
  GridPerson,
  GridTeamView,
  GridVolunteer,
  MemberView,
  ResponsibilityQuery,
  ResponsibilityView,
  TeamDetail,
  TeamQuery,
  TeamView,
  UpdateTeamBody,
} from './schema.js';
import { holdsRoleInOrAbove } from '../auth/repository.js';

const TEAM_NOT_FOUND = (id: number) =>
  notFound('TEAM_NOT_FOUND', `Team ${id} does not exist or is outside your area`);
const AREA_NOT_FOUND = (field: string, id: number) =>
  notFound('AREA_NOT_FOUND', `${field}: area ${id} does not exist or is outside your area`);

export function presentTeam(row: repo.TeamRow): TeamView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    area: { id: row.area_id, code: row.area_code, name: row.area_name, level: row.area_level },
    leader: row.leader_user_id === null ? null : { userId: row.leader_user_id, name: row.leader_name ?? '' },
    memberCount: Number(row.member_count ?? 0),
    retiredAt: row.retired_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

function presentMember(row: Awaited<ReturnType<typeof repo.membersOf>>[number]): MemberView {
  return {
    userId: row.user_id,
    name: row.display_name,
    duty: row.duty,
    since: row.created_at.toISOString(),
  };
}

export function presentResponsibility(row: repo.ResponsibilityRow): ResponsibilityView {
  return {
    id: row.id,
    user: { userId: row.user_id, name: row.user_name },
    area: { id: row.area_id, code: row.area_code, name: row.area_name, level: row.area_level },
    house: row.house_id === null ? null : { id: row.house_id, address: row.house_address ?? '' },
    createdAt: row.created_at.toISOString(),
  };
}

/** A member (or leader) must work in the team's area: a role inside its subtree or above it. */
async function checkServesArea(db: Db, userId: number, areaPath: string, field: string): Promise<void> {
  if (!(await holdsRoleInOrAbove(db, userId, areaPath)))
    throw invalid(
      'USER_NOT_IN_AREA',
      `${field}: user ${userId} holds no role in this area, below it or above it`,
      [{ field, code: 'noRoleInArea', message: 'holds no role in this area, below it or above it' }],
    );
}

async function teamInScope(db: Db, actor: Actor, id: number, right: 'team.manage' | 'area.read') {
  const row = await repo.findTeamInScope(db, actor.viewer, right, id);
  if (!row) throw TEAM_NOT_FOUND(id);
  return row;
}

async function detail(db: Db, row: repo.TeamRow): Promise<TeamDetail> {
  const members = await repo.membersOf(db, [row.id]);
  return { ...presentTeam(row), members: members.map(presentMember) };
}

export async function listTeams(db: Db, actor: Actor, query: TeamQuery): Promise<PageOf<TeamView>> {
  let withinPath: string | undefined;
  if (query.areaId !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'area.read', query.areaId);
    if (!area) throw AREA_NOT_FOUND('areaId', query.areaId);
    withinPath = area.path;
  }
  const page = await repo.listTeams(db, actor.viewer, {
    withinPath,
    kind: query.kind,
    includeRetired: query.includeRetired,
    page: query.page,
    pageSize: query.pageSize,
  });
  return { ...page, items: page.items.map(presentTeam) };
}

export async function getTeam(db: Db, actor: Actor, id: number): Promise<TeamDetail> {
  return detail(db, await teamInScope(db, actor, id, 'area.read'));
}

export async function createTeam(db: Db, actor: Actor, body: CreateTeamBody): Promise<TeamDetail> {
  const area = await findAreaInScope(db, actor.viewer, 'team.manage', body.areaId);
  if (!area) throw AREA_NOT_FOUND('areaId', body.areaId);
  if (area.retired_at) throw conflict('AREA_RETIRED', `areaId: area ${area.id} is retired`);
  const leader = body.leaderUserId ?? null;
  if (leader !== null) await checkServesArea(db, leader, area.path, 'leaderUserId');
  const now = actor.now();
  const id = await repo.insertTeam(db, {
    area_id: area.id,
    area_path: area.path,
    name: body.name.trim(),
    kind: body.kind,
    leader_user_id: leader,
    created_at: now,
  });
  // The leader is also listed among the members, so the team's roster is complete.
  if (leader !== null) await repo.upsertMember(db, id, leader, 'leader', now);
  await recordAudit(db, actor, {
    action: 'team.create',
    entityType: 'team',
    entityId: id,
    areaPath: area.path,
    after: { name: body.name.trim(), kind: body.kind, areaId: area.id, leaderUserId: leader },
  });
  return getTeamForManager(db, actor, id);
}

async function getTeamForManager(db: Db, actor: Actor, id: number): Promise<TeamDetail> {
  return detail(db, await teamInScope(db, actor, id, 'team.manage'));
}

function checkActive(row: repo.TeamRow): void {
  if (row.retired_at) throw conflict('TEAM_RETIRED', `Team ${row.id} is retired`);
}

export async function updateTeam(
  db: Db,
  actor: Actor,
  id: number,
  body: UpdateTeamBody,
): Promise<TeamDetail> {
  const row = await teamInScope(db, actor, id, 'team.manage');
  checkActive(row);
  await repo.lockTeam(db, id);
  const changes: { name?: string; leader_user_id?: number | null } = {};
  if (body.name !== undefined) changes.name = body.name.trim();
  if (body.leaderUserId !== undefined) {
    if (body.leaderUserId !== null)
      await checkServesArea(db, body.leaderUserId, row.area_path, 'leaderUserId');
    changes.leader_user_id = body.leaderUserId;
  }
  await repo.updateTeam(db, id, changes);
  if (body.leaderUserId !== undefined && body.leaderUserId !== row.leader_user_id) {
    // The old leader stays a plain member; the new one is marked leader on the roster.
    if (row.leader_user_id !== null && (await repo.findMember(db, id, row.leader_user_id))?.duty === 'leader')
      await repo.upsertMember(db, id, row.leader_user_id, 'member', actor.now());
    if (body.leaderUserId !== null) await repo.upsertMember(db, id, body.leaderUserId, 'leader', actor.now());
  }
  await recordAudit(db, actor, {
    action: 'team.update',
    entityType: 'team',
    entityId: id,
    areaPath: row.area_path,
    before: { name: row.name, leaderUserId: row.leader_user_id },
    after: changes,
  });
  return getTeamForManager(db, actor, id);
}

export async function retireTeam(db: Db, actor: Actor, id: number): Promise<TeamDetail> {
  const row = await teamInScope(db, actor, id, 'team.manage');
  checkActive(row);
  await repo.updateTeam(db, id, { retired_at: actor.now() });
  await recordAudit(db, actor, {
    action: 'team.retire',
    entityType: 'team',
    entityId: id,
    areaPath: row.area_path,
    before: { name: row.name },
  });
  return getTeamForManager(db, actor, id);
}

export async function setMember(
  db: Db,
  actor: Actor,
  teamId: number,
  userId: number,
  duty: TeamDuty,
): Promise<TeamDetail> {
  const row = await teamInScope(db, actor, teamId, 'team.manage');
  checkActive(row);
  await repo.lockTeam(db, teamId);
  await checkServesArea(db, userId, row.area_path, 'userId');
  const before = await repo.findMember(db, teamId, userId);
  await repo.upsertMember(db, teamId, userId, duty, actor.now());
  // Naming someone leader on the roster makes them the team's leader; demoting the leader clears it.
  if (duty === 'leader' && row.leader_user_id !== userId) {
    if (
      row.leader_user_id !== null &&
      (await repo.findMember(db, teamId, row.leader_user_id))?.duty === 'leader'
    )
      await repo.upsertMember(db, teamId, row.leader_user_id, 'member', actor.now());
    await repo.updateTeam(db, teamId, { leader_user_id: userId });
  } else if (duty !== 'leader' && row.leader_user_id === userId) {
    await repo.updateTeam(db, teamId, { leader_user_id: null });
  }
  await recordAudit(db, actor, {
    action: 'team.member.set',
    entityType: 'team',
    entityId: teamId,
    areaPath: row.area_path,
    before: before ? { userId, duty: before.duty } : null,
    after: { userId, duty },
  });
  return getTeamForManager(db, actor, teamId);
}

export async function removeMember(
  db: Db,
  actor: Actor,
  teamId: number,
  userId: number,
): Promise<TeamDetail> {
  const row = await teamInScope(db, actor, teamId, 'team.manage');
  checkActive(row);
  await repo.lockTeam(db, teamId);
  const before = await repo.findMember(db, teamId, userId);
  if (!before) throw notFound('TEAM_MEMBER_NOT_FOUND', `User ${userId} is not a member of team ${teamId}`);
  await repo.deleteMember(db, teamId, userId);
  if (row.leader_user_id === userId) await repo.updateTeam(db, teamId, { leader_user_id: null });
  await recordAudit(db, actor, {
    action: 'team.member.remove',
    entityType: 'team',
    entityId: teamId,
    areaPath: row.area_path,
    before: { userId, duty: before.duty },
  });
  return getTeamForManager(db, actor, teamId);
}

// ---- 包片包户 ----

export async function listResponsibilities(
  db: Db,
  actor: Actor,
  query: ResponsibilityQuery,
): Promise<PageOf<ResponsibilityView>> {
  let withinPath: string | undefined;
  if (query.areaId !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'area.read', query.areaId);
    if (!area) throw AREA_NOT_FOUND('areaId', query.areaId);
    withinPath = area.path;
  }
  const page = await repo.listResponsibilities(db, actor.viewer, {
    ...(withinPath ? { withinPath } : {}),
    ...(query.userId !== undefined ? { userId: query.userId } : {}),
    ...(query.page !== undefined ? { page: query.page } : {}),
    ...(query.pageSize !== undefined ? { pageSize: query.pageSize } : {}),
  });
  return { ...page, items: page.items.map(presentResponsibility) };
}

export async function createResponsibility(
  db: Db,
  actor: Actor,
  body: CreateResponsibilityBody,
): Promise<ResponsibilityView> {
  if ((body.areaId === undefined) === (body.houseId === undefined))
    throw invalid('VALIDATION_FAILED', 'Give either areaId (包片) or houseId (包户), not both', [
      {
        field: 'body.areaId',
        code: 'exactlyOne',
        params: { fields: 'areaId, houseId' },
        message: 'give either areaId or houseId',
      },
    ]);
  let areaId: number;
  let areaPath: string;
  let houseId: number | null = null;
  if (body.houseId !== undefined) {
    const house = await findHouseInScope(db, actor.viewer, 'team.manage', body.houseId);
    if (!house)
      throw notFound(
        'HOUSE_NOT_FOUND',
        `houseId: house ${body.houseId} does not exist or is outside your area`,
      );
    areaId = house.area_id;
    areaPath = house.area_path;
    houseId = house.id;
  } else {
    const area = await findAreaInScope(db, actor.viewer, 'team.manage', body.areaId!);
    if (!area) throw AREA_NOT_FOUND('areaId', body.areaId!);
    if (area.retired_at) throw conflict('AREA_RETIRED', `areaId: area ${area.id} is retired`);
    areaId = area.id;
    areaPath = area.path;
  }
  await checkServesArea(db, body.userId, areaPath, 'userId');
  if (await repo.existingResponsibility(db, body.userId, areaId, houseId))
    throw conflict(
      'RESPONSIBILITY_EXISTS',
      `User ${body.userId} already answers for this ${houseId ? 'household' : 'area'}`,
    );
  const id = await repo.insertResponsibility(db, {
    user_id: body.userId,
    area_id: areaId,
    area_path: areaPath,
    house_id: houseId,
    created_at: actor.now(),
  });
  await recordAudit(db, actor, {
    action: 'responsibility.create',
    entityType: 'responsibility',
    entityId: id,
    areaPath,
    after: { userId: body.userId, areaId, houseId },
  });
  return presentResponsibility(await repo.findResponsibility(db, id));
}

export async function deleteResponsibility(db: Db, actor: Actor, id: number): Promise<void> {
  const row = await repo.findResponsibilityInScope(db, actor.viewer, 'team.manage', id);
  if (!row)
    throw notFound('RESPONSIBILITY_NOT_FOUND', `Responsibility ${id} does not exist or is outside your area`);
  await repo.deleteResponsibility(db, id);
  await recordAudit(db, actor, {
    action: 'responsibility.delete',
    entityType: 'responsibility',
    entityId: id,
    areaPath: row.area_path,
    before: { userId: row.user_id, areaId: row.area_id, houseId: row.house_id },
  });
}

// ---- 1+1+N+K ----

const ROLE_BUCKET = {
  grid_leader: 'leaders',
  grid_worker: 'workers',
  police: 'police',
  doctor: 'doctors',
  volunteer: 'volunteers',
} as const;
const DUTY_BUCKET: Record<TeamDuty, keyof typeof EMPTY_BUCKETS | null> = {
  leader: 'leaders',
  grid_worker: 'workers',
  police: 'police',
  doctor: 'doctors',
  volunteer: 'volunteers',
  checkpoint: 'checkpoints',
  member: null,
};
const EMPTY_BUCKETS = { leaders: 0, workers: 0, police: 0, doctors: 0, volunteers: 0, checkpoints: 0 };
type Bucket = keyof typeof EMPTY_BUCKETS;

/** The grid of an area: itself, or the grid above a micro-grid or row cell. */
async function gridOf(db: Db, actor: Actor, areaId: number) {
  const area = await findAreaInScope(db, actor.viewer, 'area.read', areaId);
  if (!area) throw AREA_NOT_FOUND('id', areaId);
  const { grid } = await gridAndMicrogridOf(db, area.path);
  if (grid && ['grid', 'microgrid', 'cell'].includes(area.level)) return grid;
  throw invalid('AREA_LEVEL_INVALID', `id: area ${areaId} is a ${area.level}, not a grid or below one`, [
    { field: 'params.id', code: 'wrongLevel', message: 'must be a grid, micro-grid or row cell' },
  ]);
}

/**
 * The 1+1+N+K picture of a grid: who holds the grid roles there (and in its micro-grids), who is
 * named in its grid and checkpoint teams, how many households each volunteer covers, and the
 * service teams that serve it. Dispatch and the grid page read this.
 */
export async function gridTeam(db: Db, actor: Actor, areaId: number): Promise<GridTeamView> {
  const grid = await gridOf(db, actor, areaId);
  const [holders, members, households, serviceTeams, responsibilities] = await Promise.all([
    repo.gridRoleHolders(db, grid.path),
    repo.gridTeamMembers(db, grid.path),
    repo.householdCounts(db, grid.path),
    repo.serviceTeamsAround(db, grid.path),
    repo.gridResponsibilities(db, grid.path),
  ]);
  const buckets = new Map<Bucket, Map<number, GridPerson>>(
    (Object.keys(EMPTY_BUCKETS) as Bucket[]).map((b) => [b, new Map()]),
  );
  for (const row of holders) {
    const bucket = buckets.get(ROLE_BUCKET[row.role as keyof typeof ROLE_BUCKET])!;
    if (!bucket.has(row.user_id))
      bucket.set(row.user_id, {
        userId: row.user_id,
        name: row.display_name,
        area: { id: row.area_id, name: row.area_name, level: row.area_level },
        inTeam: false,
      });
  }
  for (const row of members) {
    const name = DUTY_BUCKET[row.duty];
    if (!name) continue;
    const bucket = buckets.get(name)!;
    const existing = bucket.get(row.user_id);
    if (existing) existing.inTeam = true;
    else bucket.set(row.user_id, { userId: row.user_id, name: row.display_name, area: null, inTeam: true });
  }
  const list = (b: Bucket) => [...buckets.get(b)!.values()];
  const volunteers: GridVolunteer[] = list('volunteers').map((v) => ({
    ...v,
    households: households.get(v.userId) ?? 0,
  }));
  const serviceMembers = await repo.membersOf(
    db,
    serviceTeams.map((t) => t.id),
  );
  return {
    grid: { id: grid.id, code: grid.code, name: grid.name, level: grid.level },
    leaders: list('leaders'),
    workers: list('workers'),
    police: list('police'),
    doctors: list('doctors'),
    volunteers,
    checkpoints: list('checkpoints'),
    serviceTeams: serviceTeams.map((t) => {
      const view = presentTeam(t);
      return {
        id: view.id,
        name: view.name,
        area: view.area,
        leader: view.leader,
        members: serviceMembers.filter((m) => m.team_id === t.id).map(presentMember),
      };
    }),
    responsibilities: responsibilities.map(presentResponsibility),
    counts: {
      workers: list('workers').length,
      police: list('police').length,
      doctors: list('doctors').length,
      volunteers: volunteers.length,
      checkpoints: list('checkpoints').length,
      coveredHouseholds: [...households.values()].reduce((sum, n) => sum + n, 0),
    },
  };
}
