import { recordAudit } from '../audit/repository.js';
import { can, type Viewer } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import { conflict, forbidden, invalid, notFound } from '../core/errors.js';
import type { StepLimits } from '../db/schema.js';
import * as repo from './repository.js';
import type {
  CalendarDayBody,
  CalendarDayView,
  CategoryClassView,
  CategoryView,
  CreateCategoryBody,
  PublicCategoryTree,
  UpdateCategoryBody,
} from './schema.js';

/**
 * Installation-wide event configuration: the category tree with its time limits and the working
 * calendar. Both apply to every area, so changing them needs event.configure over every top area.
 */
async function requireWholeTree(db: Db, viewer: Viewer): Promise<void> {
  const tops = await repo.topAreaPaths(db);
  const covered =
    tops.length > 0
      ? tops.every((path) => can(viewer, 'event.configure', path))
      : can(viewer, 'event.configure', '/');
  if (!covered)
    throw forbidden(
      'Categories and the working calendar apply everywhere: this needs event.configure over the whole tree',
    );
}

// ---- categories ----

export function presentCategory(row: repo.CategoryRow): CategoryView {
  return {
    id: row.id,
    parentId: row.parent_id,
    code: row.code,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    startTier: row.start_tier,
    limits: row.limits,
    public: row.public,
    sort: row.sort,
    retired: row.retired_at !== null,
  };
}

/** Classes with their sub-categories, in display order. */
export async function categoryTree(db: Db, includeRetired: boolean): Promise<{ items: CategoryClassView[] }> {
  const rows = await repo.listCategories(db, { includeRetired });
  return {
    items: rows
      .filter((r) => r.parent_id === null)
      .map((cls) => ({
        ...presentCategory(cls),
        children: rows.filter((r) => r.parent_id === cls.id).map(presentCategory),
      })),
  };
}

/** The categories a resident may choose on the report page. */
export async function publicCategoryTree(db: Db): Promise<PublicCategoryTree> {
  const rows = await repo.listCategories(db, { includeRetired: false, publicOnly: true });
  const brief = (r: repo.CategoryRow) => ({ code: r.code, nameZh: r.name_zh, nameEn: r.name_en });
  return {
    items: rows
      .filter((r) => r.parent_id === null)
      .map((cls) => ({ ...brief(cls), children: rows.filter((r) => r.parent_id === cls.id).map(brief) })),
  };
}

const CATEGORY_NOT_FOUND = (id: number) =>
  notFound('EVENT_CATEGORY_NOT_FOUND', `Event category ${id} does not exist`);

function checkLimits(limits: StepLimits): void {
  // A working-day limit of years is a typing error, not a policy.
  const ceilings = { minutes: 10080, work_hours: 400, work_days: 60 } as const;
  for (const [step, limit] of Object.entries(limits)) {
    if (limit && limit.amount > ceilings[limit.unit])
      throw invalid(
        'EVENT_LIMIT_INVALID',
        `limits.${step}.amount may be at most ${ceilings[limit.unit]} ${limit.unit}`,
        [
          {
            field: `limits.${step}.amount`,
            code: 'maximum',
            params: { limit: ceilings[limit.unit] },
            message: `at most ${ceilings[limit.unit]} ${limit.unit}`,
          },
        ],
      );
  }
}

export async function createCategory(db: Db, actor: Actor, body: CreateCategoryBody): Promise<CategoryView> {
  await requireWholeTree(db, actor.viewer);
  checkLimits(body.limits);
  if (body.parentId !== undefined) {
    const parent = await repo.findCategory(db, body.parentId);
    if (!parent || parent.retired_at)
      throw invalid(
        'EVENT_CATEGORY_INVALID',
        `parentId: category ${body.parentId} does not exist or is retired`,
        [{ field: 'parentId', code: 'inactiveCategory', message: 'is not an active category' }],
      );
    if (parent.parent_id !== null)
      throw invalid(
        'EVENT_CATEGORY_INVALID',
        'parentId must be a top-level class (the tree has two levels)',
        [{ field: 'parentId', code: 'topLevelCategory', message: 'must be a top-level class' }],
      );
  }
  if (await repo.findCategoryByCode(db, body.code))
    throw conflict('EVENT_CATEGORY_CODE_TAKEN', `code: a category with code ${body.code} already exists`);
  const row = await repo.insertCategory(db, {
    parent_id: body.parentId ?? null,
    code: body.code,
    name_zh: body.nameZh.trim(),
    name_en: body.nameEn.trim(),
    start_tier: body.startTier,
    limits: JSON.stringify(body.limits),
    public: body.public ?? false,
    sort: body.sort ?? 0,
    created_at: actor.now(),
  });
  await recordAudit(db, actor, {
    action: 'event_category.create',
    entityType: 'event_category',
    entityId: row.id,
    after: presentCategory(row),
  });
  return presentCategory(row);
}

export async function updateCategory(
  db: Db,
  actor: Actor,
  id: number,
  body: UpdateCategoryBody,
): Promise<CategoryView> {
  await requireWholeTree(db, actor.viewer);
  const before = await repo.findCategory(db, id);
  if (!before) throw CATEGORY_NOT_FOUND(id);
  if (before.retired_at) throw conflict('EVENT_CATEGORY_RETIRED', `Event category ${before.code} is retired`);
  if (body.limits) checkLimits(body.limits);
  const row = await repo.updateCategory(db, id, {
    ...(body.nameZh !== undefined ? { name_zh: body.nameZh.trim() } : {}),
    ...(body.nameEn !== undefined ? { name_en: body.nameEn.trim() } : {}),
    ...(body.startTier !== undefined ? { start_tier: body.startTier } : {}),
    ...(body.limits !== undefined ? { limits: JSON.stringify(body.limits) } : {}),
    ...(body.public !== undefined ? { public: body.public } : {}),
    ...(body.sort !== undefined ? { sort: body.sort } : {}),
  });
  await recordAudit(db, actor, {
    action: 'event_category.update',
    entityType: 'event_category',
    entityId: id,
    before: presentCategory(before),
    after: presentCategory(row),
  });
  return presentCategory(row);
}

/** Retired categories are offered no more; events filed under them keep them. */
export async function retireCategory(db: Db, actor: Actor, id: number): Promise<CategoryView> {
  await requireWholeTree(db, actor.viewer);
  const before = await repo.findCategory(db, id);
  if (!before) throw CATEGORY_NOT_FOUND(id);
  if (!before.retired_at) {
    await repo.retireCategory(db, id, actor.now());
    await recordAudit(db, actor, {
      action: 'event_category.retire',
      entityType: 'event_category',
      entityId: id,
      before: presentCategory(before),
    });
  }
  return presentCategory((await repo.findCategory(db, id))!);
}

// ---- working calendar ----

const presentDay = (row: {
  day: string;
  kind: 'holiday' | 'workday';
  name: string;
  updated_at: Date;
}): CalendarDayView => ({
  day: row.day,
  kind: row.kind,
  name: row.name,
  updatedAt: row.updated_at.toISOString(),
});

export async function calendarYear(db: Db, year: number) {
  return { year, items: (await repo.calendarYear(db, year)).map(presentDay) };
}

function checkDay(day: string): void {
  const parsed = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== day)
    throw invalid('CALENDAR_DAY_INVALID', `day ${day} is not a calendar date`, [
      { field: 'day', code: 'date', message: 'is not a date' },
    ]);
}

export async function setCalendarDay(
  db: Db,
  actor: Actor,
  day: string,
  body: CalendarDayBody,
): Promise<CalendarDayView> {
  checkDay(day);
  await requireWholeTree(db, actor.viewer);
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  if (body.kind === 'workday' && weekday !== 0 && weekday !== 6)
    throw invalid(
      'CALENDAR_DAY_INVALID',
      `day ${day} is a weekday already: only a weekend day can be a swapped working day`,
      [{ field: 'kind', code: 'weekendOnly', message: 'workday only on a Saturday or Sunday' }],
    );
  const before = await repo.findCalendarDay(db, day);
  const row = await repo.upsertCalendarDay(db, {
    day,
    kind: body.kind,
    name: body.name.trim(),
    now: actor.now(),
  });
  await recordAudit(db, actor, {
    action: 'work_calendar.set',
    entityType: 'work_calendar_day',
    entityId: day,
    before: before ? { kind: before.kind, name: before.name } : null,
    after: { kind: row.kind, name: row.name },
  });
  return presentDay(row);
}

export async function deleteCalendarDay(db: Db, actor: Actor, day: string): Promise<void> {
  checkDay(day);
  await requireWholeTree(db, actor.viewer);
  const before = await repo.findCalendarDay(db, day);
  if (!before || !(await repo.deleteCalendarDay(db, day)))
    throw notFound('CALENDAR_DAY_NOT_FOUND', `${day} is not a special day of the calendar`);
  await recordAudit(db, actor, {
    action: 'work_calendar.delete',
    entityType: 'work_calendar_day',
    entityId: day,
    before: { kind: before.kind, name: before.name },
  });
}
