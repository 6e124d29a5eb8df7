import { recordAudit } from '../audit/repository.js';
import { viewerName } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import { AppError, type FieldProblem, invalid, notFound } from '../core/errors.js';
import type { PageOf } from '../core/pagination.js';
import { findAreaInScope } from '../hierarchy/repository.js';
import { chinaMonth } from '../household-codes/dates.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { departPerson, registerPerson, updatePerson } from '../register/person-service.js';
import { findHouseInScope } from '../register/repository.js';
import type { PersonView } from '../register/schema.js';
import * as repo from './repository.js';
import type {
  Coverage,
  CoverageQuery,
  CoverageRow,
  VisitBody,
  VisitQuery,
  VisitResult,
  VisitView,
} from './schema.js';

const DAY_MS = 24 * 3600 * 1000;
const MAX_BACKDATE_DAYS = 31;

export function presentVisit(row: repo.VisitRow): VisitView {
  return {
    id: row.id,
    house: { id: row.house_id, address: row.house_address },
    area: { id: row.area_id, code: row.area_code, name: row.area_name },
    worker: { userId: row.worker_user_id, name: row.worker_name },
    visitedAt: row.visited_at.toISOString(),
    seenPersonIds: row.seen_person_ids,
    counts: {
      seen: row.seen_person_ids.length,
      arrivals: row.arrivals,
      departures: row.departures,
      phoneUpdates: row.phone_updates,
      tagUpdates: row.tag_updates,
    },
    notes: row.notes,
  };
}

/** Runs one register change, naming the visit field on failure ("body.changes.arrivals.0.documentNumber"). */
async function atField<T>(prefix: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const rename = (text: string) => text.replace(/\bbody\./g, `${prefix}.`);
    const message = rename(error.message);
    const details = Array.isArray(error.details)
      ? (error.details as FieldProblem[]).map((d) => ({ ...d, field: rename(d.field) }))
      : [{ field: prefix, code: 'invalid' as const, message }];
    throw new AppError(
      error.code,
      error.statusCode,
      message.startsWith(prefix) ? message : `${prefix}: ${message}`,
      details,
    );
  }
}

function notResident(field: string, personId: number) {
  return invalid(
    'VISIT_PERSON_NOT_RESIDENT',
    `${field}: person ${personId} is not an active resident of this house`,
    [{ field, code: 'notResident', message: 'is not a resident of this house' }],
  );
}

/**
 * 智慧走访: records a visit to a house and applies what the worker found (arrivals, departures,
 * phone and tag changes) through the register services, all in the caller's transaction.
 */
export async function recordVisit(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  body: VisitBody,
): Promise<VisitResult> {
  const house = await findHouseInScope(db, actor.viewer, 'person.write', body.houseId);
  if (!house)
    throw notFound(
      'HOUSE_NOT_FOUND',
      `body.houseId: house ${body.houseId} does not exist or is outside your area`,
    );
  const now = actor.now();
  const visitedAt = body.visitedAt ? new Date(body.visitedAt) : now;
  if (visitedAt.getTime() > now.getTime() + 5 * 60 * 1000) {
    throw invalid('VALIDATION_FAILED', 'body.visitedAt is in the future', [
      { field: 'body.visitedAt', code: 'timeInFuture', message: 'is in the future' },
    ]);
  }
  if (visitedAt.getTime() < now.getTime() - MAX_BACKDATE_DAYS * DAY_MS) {
    throw invalid('VALIDATION_FAILED', `body.visitedAt is more than ${MAX_BACKDATE_DAYS} days ago`, [
      {
        field: 'body.visitedAt',
        code: 'tooLongAgo',
        params: { days: MAX_BACKDATE_DAYS },
        message: `is more than ${MAX_BACKDATE_DAYS} days ago`,
      },
    ]);
  }

  // Every person named must live in this house: a visit changes only the visited household.
  const residents = await repo.activeResidentIds(db, house.id);
  const changes = body.changes ?? {};
  body.seenPersonIds.forEach((id, i) => {
    if (!residents.has(id)) throw notResident(`body.seenPersonIds.${i}`, id);
  });
  const lists = [
    ['departures', changes.departures ?? []],
    ['phoneUpdates', changes.phoneUpdates ?? []],
    ['tagUpdates', changes.tagUpdates ?? []],
  ] as const;
  for (const [name, list] of lists) {
    list.forEach((item, i) => {
      if (!residents.has(item.personId))
        throw notResident(`body.changes.${name}.${i}.personId`, item.personId);
    });
  }

  const arrived: PersonView[] = [];
  const departed: PersonView[] = [];
  const updated: PersonView[] = [];
  for (const [i, arrival] of (changes.arrivals ?? []).entries()) {
    const result = await atField(`body.changes.arrivals.${i}`, () =>
      registerPerson(db, actor, cipher, { ...arrival, houseId: house.id }, 'visit'),
    );
    arrived.push(result.person);
  }
  for (const [i, departure] of (changes.departures ?? []).entries()) {
    departed.push(
      await atField(`body.changes.departures.${i}`, () =>
        departPerson(
          db,
          actor,
          departure.personId,
          {
            departedOn: departure.departedOn,
            ...(departure.destination ? { destination: departure.destination } : {}),
          },
          'visit',
        ),
      ),
    );
  }
  for (const [i, update] of (changes.phoneUpdates ?? []).entries()) {
    updated.push(
      await atField(`body.changes.phoneUpdates.${i}`, () =>
        updatePerson(db, actor, cipher, update.personId, { phone: update.phone }),
      ),
    );
  }
  for (const [i, update] of (changes.tagUpdates ?? []).entries()) {
    updated.push(
      await atField(`body.changes.tagUpdates.${i}`, () =>
        updatePerson(db, actor, cipher, update.personId, { tags: update.tags }),
      ),
    );
  }

  const viewer = actor.viewer;
  const id = await repo.insertVisit(db, {
    house_id: house.id,
    area_id: house.area_id,
    area_path: house.area_path,
    worker_user_id: viewer.kind === 'user' ? viewer.userId : null,
    worker_name: viewer.kind === 'user' ? viewer.displayName : viewerName(viewer),
    visited_at: visitedAt,
    seen_person_ids: body.seenPersonIds,
    arrivals: arrived.length,
    departures: departed.length,
    phone_updates: changes.phoneUpdates?.length ?? 0,
    tag_updates: changes.tagUpdates?.length ?? 0,
    notes: body.notes?.trim() || null,
  });
  await recordAudit(db, actor, {
    action: 'visit.record',
    entityType: 'household_visit',
    entityId: id,
    areaPath: house.area_path,
    after: {
      houseId: house.id,
      seen: body.seenPersonIds.length,
      arrivals: arrived.length,
      departures: departed.length,
    },
  });
  return { visit: presentVisit(await repo.findVisit(db, id)), persons: { arrived, departed, updated } };
}

async function withinPath(
  db: Db,
  actor: Actor,
  areaId: number | undefined,
  field: string,
): Promise<string | undefined> {
  if (areaId === undefined) return undefined;
  const area = await findAreaInScope(db, actor.viewer, 'person.read', areaId);
  if (!area)
    throw notFound('AREA_NOT_FOUND', `${field}: area ${areaId} does not exist or is outside your area`);
  return area.path;
}

export async function listVisits(db: Db, actor: Actor, query: VisitQuery): Promise<PageOf<VisitView>> {
  const page = await repo.listVisits(db, actor.viewer, {
    ...query,
    withinPath: await withinPath(db, actor, query.within, 'querystring.within'),
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
  });
  return { ...page, items: page.items.map(presentVisit) };
}

/** Ancestor paths of a path, itself included: "/1/5/9/" → "/1/", "/1/5/", "/1/5/9/". */
function pathsUp(path: string): string[] {
  const ids = path.split('/').filter(Boolean);
  return ids.map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`);
}

/**
 * Visit coverage per grid and micro-grid: houses, houses visited in the period, their share,
 * and per worker counts. Counts are aggregated per area path in SQL and rolled up the tree here.
 */
export async function visitCoverage(db: Db, actor: Actor, query: CoverageQuery): Promise<Coverage> {
  const root = await findAreaInScope(db, actor.viewer, 'person.read', query.areaId);
  if (!root)
    throw notFound(
      'AREA_NOT_FOUND',
      `querystring.areaId: area ${query.areaId} does not exist or is outside your area`,
    );
  const month = chinaMonth(actor.now());
  const from = query.from ? new Date(query.from) : month.from;
  const to = query.to ? new Date(query.to) : month.to;
  if (from >= to) {
    throw invalid('VALIDATION_FAILED', 'querystring.to must be after querystring.from', [
      { field: 'querystring.to', code: 'periodInvalid', message: 'is not after from' },
    ]);
  }
  const [areas, houses, visited, workers] = await Promise.all([
    repo.coverageAreas(db, root),
    repo.houseCountsByPath(db, root.path),
    repo.visitedHousesByPath(db, root.path, from, to),
    repo.visitCountsByPathAndWorker(db, root.path, from, to),
  ]);

  interface Tally {
    houses: number;
    visited: number;
    visits: number;
    workers: Map<string, { userId: number | null; name: string; visits: number; houses: number }>;
  }
  const tallies = new Map<string, Tally>(
    areas.map((a) => [a.path, { houses: 0, visited: 0, visits: 0, workers: new Map() }]),
  );
  const rollUp = (path: string, add: (tally: Tally) => void) => {
    for (const ancestor of pathsUp(path)) {
      const tally = tallies.get(ancestor);
      if (tally) add(tally);
    }
  };
  for (const h of houses) rollUp(h.area_path, (t) => (t.houses += Number(h.n)));
  for (const v of visited) rollUp(v.area_path, (t) => (t.visited += Number(v.n)));
  for (const w of workers) {
    rollUp(w.area_path, (t) => {
      t.visits += Number(w.visits);
      const key = `${w.worker_user_id ?? ''}:${w.worker_name}`;
      const entry = t.workers.get(key) ?? {
        userId: w.worker_user_id,
        name: w.worker_name,
        visits: 0,
        houses: 0,
      };
      entry.visits += Number(w.visits);
      entry.houses += Number(w.houses);
      t.workers.set(key, entry);
    });
  }

  const row = (area: (typeof areas)[number]): CoverageRow => {
    const t = tallies.get(area.path)!;
    return {
      area: { id: area.id, code: area.code, name: area.name, level: area.level },
      houses: t.houses,
      visitedHouses: t.visited,
      coverage: t.houses > 0 ? Math.round((t.visited / t.houses) * 10000) / 10000 : 0,
      visits: t.visits,
      workers: [...t.workers.values()].sort((a, b) => b.visits - a.visits || a.name.localeCompare(b.name)),
    };
  };
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    total: row(areas.find((a) => a.id === root.id)!),
    rows: areas.filter((a) => a.id !== root.id || a.level === 'grid' || a.level === 'microgrid').map(row),
  };
}
