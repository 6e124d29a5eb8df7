import type { Actor, Db } from '../../auth/context.js';
import { notFound } from '../../core/errors.js';
import { findAreaInScope } from '../../hierarchy/repository.js';
import { addDays, chinaDate } from '../../household-codes/dates.js';
import { clearanceCountsByArea } from '../clearance/service.js';
import { filingFigures } from '../filings/repository.js';
import { inspectionFiguresByArea } from '../inspections/repository.js';
import * as repo from './repository.js';
import type { EnterpriseBoard, EnterpriseCounts } from './schema.js';

const ZERO: EnterpriseCounts = {
  enterprises: 0,
  filed: 0,
  approved: 0,
  waiting: 0,
  returned: 0,
  suspended: 0,
  filingsOverdue: 0,
  employees: 0,
  cleared: 0,
  pending: 0,
  refused: 0,
  inspectionsDue: 0,
  inspectionsOverdue: 0,
  inspectedToday: 0,
  rectificationsOpen: 0,
  rectificationsOverdue: 0,
};

function sum(rows: readonly EnterpriseCounts[]): EnterpriseCounts {
  const total = { ...ZERO };
  for (const row of rows)
    for (const key of Object.keys(total) as Array<keyof EnterpriseCounts>) total[key] += row[key];
  return total;
}

/**
 * The return-to-work board of an area (复工复产一张表): per child area, enterprises filed, back at work,
 * waiting and overdue; employees cleared, pending and refused; inspections due and overdue, today's,
 * and open rectifications — each counted by the module that owns it, read with enterprise.read.
 */
export async function enterpriseBoard(db: Db, actor: Actor, areaId: number): Promise<EnterpriseBoard> {
  const node = await findAreaInScope(db, actor.viewer, 'enterprise.read', areaId);
  if (!node) throw notFound('AREA_NOT_FOUND', `Area ${areaId} does not exist or is outside your area`);
  const now = actor.now();
  const today = chinaDate(now);
  const children = await repo.childAreas(db, node.id);
  const [filings, clearance, inspections] = await Promise.all([
    Promise.all(children.map((child) => filingFigures(db, [child.path], now))),
    clearanceCountsByArea(db, actor, node.path),
    inspectionFiguresByArea(db, node.id, {
      since: new Date(`${today}T00:00:00+08:00`),
      until: new Date(`${addDays(today, 1)}T00:00:00+08:00`),
      now,
    }),
  ]);
  const inspectionsOf = new Map(inspections.map((row) => [row.area_id, row]));
  const areas = children.map((child, i) => {
    const f = filings[i]!;
    const people = clearance.filter((c) => c.areaPath.startsWith(child.path));
    const inspection = inspectionsOf.get(child.id);
    const counts: EnterpriseCounts = {
      enterprises: f.enterprises,
      filed: f.filed,
      approved: f.approved,
      waiting: f.submitted + f.inspected,
      returned: f.returned,
      suspended: f.suspended,
      filingsOverdue: f.overdue,
      employees: people.reduce((n, c) => n + c.total, 0),
      cleared: people.reduce((n, c) => n + c.cleared, 0),
      pending: people.reduce((n, c) => n + c.pending, 0),
      refused: people.reduce((n, c) => n + c.refused, 0),
      inspectionsDue: inspection?.due ?? 0,
      inspectionsOverdue: inspection?.overdue ?? 0,
      inspectedToday: inspection?.done ?? 0,
      rectificationsOpen: inspection?.rectifications_open ?? 0,
      rectificationsOverdue: inspection?.rectifications_overdue ?? 0,
    };
    return { area: { id: child.id, code: child.code, name: child.name }, counts };
  });
  return {
    area: { id: node.id, code: node.code, name: node.name },
    total: sum(areas.map((a) => a.counts)),
    areas,
  };
}
