import type { Db } from '../../auth/context.js';
import type { AreaRow } from '../../hierarchy/repository.js';
import * as repo from './repository.js';

/** Levels at or above a community: an import there keeps its unmatched leads in its own inbox. */
const INBOX_LEVELS = new Set(['city', 'county', 'township', 'village']);

/**
 * Where leads are matched and where the unmatched wait. Matching stays inside the importing
 * area's subtree (graded authority: a lead list is distributed by the level that received it);
 * the inbox is the importing area when it is a community or above, else its community.
 */
export interface RoutingScope {
  area: AreaRow;
  inbox: AreaRow;
}

export async function routingScopeOf(db: Db, area: AreaRow): Promise<RoutingScope> {
  if (INBOX_LEVELS.has(area.level)) return { area, inbox: area };
  const chain = await repo.areasOnPath(db, area.path);
  const village = [...chain].reverse().find((a) => a.level === 'village');
  return { area, inbox: village ?? area };
}

export interface RoutingInput {
  idHash: string | null;
  phoneHash: string | null;
  address: string | null;
}

export interface RoutingTarget {
  areaId: number;
  areaPath: string;
  personId: number | null;
  routedBy: 'person' | 'address' | 'inbox';
}

/**
 * Routes a batch of leads, a few set-based queries per batch:
 * 1. by ID number: the registered person with that number (an active one before a departed
 *    one, whose old grid can still tell where they went);
 * 2. by phone: the active persons with that phone, when they all live in one area (a shared
 *    family phone still names the grid); the person only when there is exactly one;
 * 3. by address: the longest house or current address that the lead's address ends with (see
 *    repository.addressMatches), when all such matches lie in one area;
 * 4. otherwise the community inbox, for routing by hand.
 */
export async function routeLeads(
  db: Db,
  scope: RoutingScope,
  inputs: readonly RoutingInput[],
): Promise<RoutingTarget[]> {
  const within = scope.area.path;
  const targets: Array<RoutingTarget | undefined> = inputs.map(() => undefined);

  const byDocument = new Map<string, { id: number; area_id: number; area_path: string }>();
  for (const p of await repo.personsByDocumentHash(
    db,
    inputs.flatMap((x) => (x.idHash ? [x.idHash] : [])),
    within,
  )) {
    // Ordered active first: the first seen wins.
    if (!byDocument.has(p.document_hash))
      byDocument.set(p.document_hash, { id: p.id, area_id: p.area_id!, area_path: p.area_path! });
  }
  inputs.forEach((x, i) => {
    const person = x.idHash ? byDocument.get(x.idHash) : undefined;
    if (person)
      targets[i] = {
        areaId: person.area_id,
        areaPath: person.area_path,
        personId: person.id,
        routedBy: 'person',
      };
  });

  const phoneHashes = inputs.flatMap((x, i) => (!targets[i] && x.phoneHash ? [x.phoneHash] : []));
  const byPhone = new Map<string, Array<{ id: number; area_id: number; area_path: string }>>();
  for (const p of await repo.personsByPhoneHash(db, phoneHashes, within)) {
    const list = byPhone.get(p.phone_hash!) ?? [];
    list.push({ id: p.id, area_id: p.area_id!, area_path: p.area_path! });
    byPhone.set(p.phone_hash!, list);
  }
  inputs.forEach((x, i) => {
    if (targets[i] || !x.phoneHash) return;
    const persons = byPhone.get(x.phoneHash) ?? [];
    const areas = new Set(persons.map((p) => p.area_id));
    if (areas.size !== 1) return;
    targets[i] = {
      areaId: persons[0]!.area_id,
      areaPath: persons[0]!.area_path,
      personId: persons.length === 1 ? persons[0]!.id : null,
      routedBy: 'person',
    };
  });

  const byAddress = inputs.flatMap((x, i) =>
    !targets[i] && x.address ? [{ index: i, address: x.address }] : [],
  );
  const best = new Map<number, { len: number; areas: Map<number, string> }>();
  for (const m of await repo.addressMatches(db, byAddress, within)) {
    const current = best.get(m.i);
    if (!current || m.len > current.len)
      best.set(m.i, { len: m.len, areas: new Map([[m.area_id, m.area_path]]) });
    else if (m.len === current.len) current.areas.set(m.area_id, m.area_path);
  }
  for (const [i, match] of best) {
    if (match.areas.size !== 1) continue;
    const [areaId, areaPath] = [...match.areas][0]!;
    targets[i] = { areaId, areaPath, personId: null, routedBy: 'address' };
  }

  return targets.map(
    (t) => t ?? { areaId: scope.inbox.id, areaPath: scope.inbox.path, personId: null, routedBy: 'inbox' },
  );
}
