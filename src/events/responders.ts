import { rightsOf, type Role } from '../auth/rights.js';
import type { Db } from '../auth/context.js';
import type { AreaLevel, EventTier } from '../db/schema.js';
import { invalid } from '../core/errors.js';
import * as repo from './repository.js';

/**
 * "Small matters stay in the micro-grid, ordinary ones in the community, big ones in the street":
 * an event is held by one tier (micro-grid → grid → community → street → district) and that tier's
 * area; the responders of a tier area are the people who act on events there.
 */
export const TIERS: readonly EventTier[] = ['microgrid', 'grid', 'village', 'township', 'county'];
export const tierRank = (tier: EventTier) => TIERS.indexOf(tier);

export interface TierArea {
  tier: EventTier;
  areaId: number;
  path: string;
  name: string;
}

/** The ancestors-or-self of an area at tier levels, lowest tier first. */
export async function tierChain(db: Db, areaPath: string): Promise<TierArea[]> {
  const ids = areaPath.split('/').filter(Boolean).map(Number);
  if (ids.length === 0) return [];
  const rows = await repo.areasAtLevels(db, ids, TIERS as AreaLevel[]);
  return rows
    .map((r) => ({ tier: r.level as EventTier, areaId: r.id, path: r.path, name: r.name }))
    .sort((a, b) => tierRank(a.tier) - tierRank(b.tier));
}

const handles = (role: string, categories: readonly string[]) => {
  const rights = rightsOf(role as Role, categories);
  return rights.includes('event.handle') || rights.includes('event.dispatch');
};

/**
 * Responders per area: active users with a role assignment exactly at the area whose role gives
 * event.handle or event.dispatch, and members of the area's teams that are not retired.
 */
export async function respondersOf(db: Db, areaIds: readonly number[]): Promise<Map<number, number[]>> {
  const result = new Map<number, Set<number>>(areaIds.map((id) => [id, new Set()]));
  if (areaIds.length === 0) return new Map();
  // One round trip: role holders at the areas, and members of the areas' teams (role null).
  const rows = await repo.responderRows(db, areaIds);
  const assignments = rows.filter((r) => r.role !== null);
  const members = rows.filter((r) => r.role === null);
  for (const a of assignments) if (handles(a.role, a.categories)) result.get(a.area_id)?.add(a.user_id);
  for (const m of members) result.get(m.area_id)?.add(m.user_id);
  return new Map([...result].map(([id, users]) => [id, [...users].sort((x, y) => x - y)]));
}

export async function respondersAt(db: Db, areaId: number): Promise<number[]> {
  return (await respondersOf(db, [areaId])).get(areaId) ?? [];
}

/**
 * Where a new event starts: the lowest tier at or above the category's start tier whose area (an
 * ancestor-or-self of the event's area) has responders; else the highest such tier area there is.
 */
export async function startingTier(
  db: Db,
  areaPath: string,
  startTier: EventTier,
): Promise<TierArea & { responders: number[] }> {
  const chain = await tierChain(db, areaPath);
  // An area above every tier (the city itself) has nobody to start an event with: the caller must
  // name a place lower down, which is a request error, not a server fault.
  if (chain.length === 0)
    throw invalid(
      'EVENT_AREA_TOO_HIGH',
      `Area ${areaPath} lies under no tier area; choose a district or lower`,
      [{ field: 'areaId', code: 'wrongLevel', message: 'lies under no tier area' }],
    );
  const eligible = chain.filter((t) => tierRank(t.tier) >= tierRank(startTier));
  const candidates = eligible.length > 0 ? eligible : [chain[chain.length - 1]!];
  const responders = await respondersOf(
    db,
    candidates.map((c) => c.areaId),
  );
  const chosen =
    candidates.find((c) => (responders.get(c.areaId)?.length ?? 0) > 0) ?? candidates[candidates.length - 1]!;
  // Returned with the tier, so the new event's notification needs no second lookup.
  return { ...chosen, responders: responders.get(chosen.areaId) ?? [] };
}

/** The next tier area above `current` in the event's chain, or null at the top. */
export function tierAbove(chain: readonly TierArea[], current: EventTier): TierArea | null {
  return chain.find((t) => tierRank(t.tier) > tierRank(current)) ?? null;
}

/** Whether the user responds to events somewhere in the subtree of `tierPath` (dispatch targets). */
export async function isResponderWithin(db: Db, userId: number, tierPath: string): Promise<boolean> {
  const [assignments, inTeam] = await Promise.all([
    repo.rolesWithin(db, userId, tierPath),
    repo.isTeamMemberWithin(db, userId, tierPath),
  ]);
  return inTeam || assignments.some((a) => handles(a.role, a.categories));
}

/** Active members of a team (dispatch to a team notifies them all). */
export async function teamMembers(db: Db, teamId: number): Promise<number[]> {
  return repo.activeTeamMemberIds(db, teamId);
}

/**
 * Whether the user may handle events in the area at `eventPath`: a role with event.handle at
 * that area or above it. A worker of a sibling micro-grid could not even read the event.
 */
export async function canHandleAt(db: Db, userId: number, eventPath: string): Promise<boolean> {
  const ids = eventPath.split('/').filter(Boolean);
  const ancestors = ids.map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`);
  if (ancestors.length === 0) return false;
  const roles = await repo.rolesAtPaths(db, userId, ancestors);
  return roles.some((r) => rightsOf(r.role as Role, r.categories).includes('event.handle'));
}
