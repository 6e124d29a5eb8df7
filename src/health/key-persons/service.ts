import { recordAudit } from '../../audit/repository.js';
import { loadAssignments } from '../../auth/repository.js';
import { rightsOf } from '../../auth/rights.js';
import { can, scopePaths, type Viewer, viewerName } from '../../auth/scope.js';
import type { Actor, Db } from '../../auth/context.js';
import { conflict, forbidden, invalid, notFound } from '../../core/errors.js';
import type { PageOf } from '../../core/pagination.js';
import { findAreaInScope } from '../../hierarchy/repository.js';
import { addDays, chinaDate } from '../../household-codes/dates.js';
import { findPersonInScope } from '../rounds/repository.js';
import { CATEGORY_DEFAULTS, type FollowUpPlan, MAX_PERIOD_DAYS, normalisePlan } from './plan.js';
import * as repo from './repository.js';
import type { KeyPersonRow } from './repository.js';
import type {
  CreateKeyPersonBody,
  EndKeyPersonBody,
  FollowUpView,
  KeyPersonDetail,
  KeyPersonQuery,
  KeyPersonView,
  RecordFollowUpBody,
  TaskQuery,
  TaskView,
  TransferKeyPersonBody,
  UpdateKeyPersonBody,
} from './schema.js';

const KEY_PERSON_NOT_FOUND = (id: number) =>
  notFound('KEY_PERSON_NOT_FOUND', `Key person ${id} does not exist or is outside your area`);

const readScope = (viewer: Viewer) => scopePaths(viewer, 'health.read');
const daysBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;

export function presentKeyPerson(row: KeyPersonRow): KeyPersonView {
  return {
    id: row.id,
    person: {
      id: row.person_id,
      name: row.person_name,
      documentMasked: row.document_masked,
      phoneMasked: row.phone_masked,
      address: row.address,
      area:
        row.area_id !== null && row.area_code !== null
          ? { id: row.area_id, code: row.area_code, name: row.area_name ?? '' }
          : null,
    },
    areaPath: row.area_path,
    category: row.category,
    status: row.status,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    responsible:
      row.responsible_user_id !== null
        ? { id: row.responsible_user_id, name: row.responsible_name ?? '' }
        : null,
    plan: row.plan as FollowUpPlan,
    reason: row.reason,
    reasonCode: row.reason_code,
    reasonParams: row.reason_params,
    source: row.source,
    createdAt: row.created_at.toISOString(),
    endedAt: row.ended_at?.toISOString() ?? null,
    endedBy: row.ended_by,
    endNote: row.end_note,
    followUps: { dueToday: row.due_today, doneToday: row.done_today, missing: row.missing },
  };
}

function presentFollowUp(row: repo.FollowUpRow): FollowUpView {
  return {
    id: row.id,
    dueOn: row.due_on,
    slot: row.slot,
    kind: row.kind,
    done: row.done_at !== null,
    doneAt: row.done_at?.toISOString() ?? null,
    doneBy: row.done_by,
    temperature: row.temperature === null ? null : Number(row.temperature),
    symptoms: row.symptoms,
    note: row.note,
  };
}

async function withinPath(db: Db, viewer: Viewer, areaId: number | undefined): Promise<string | undefined> {
  if (areaId === undefined) return undefined;
  const area = await findAreaInScope(db, viewer, 'health.read', areaId);
  if (!area) throw notFound('AREA_NOT_FOUND', `Area ${areaId} does not exist or is outside your area`);
  return area.path;
}

function responsibleFilter(viewer: Viewer, responsible: 'me' | number | undefined): number | undefined {
  if (responsible !== 'me') return responsible;
  return viewer.kind === 'user' ? viewer.userId : -1;
}

/** A user may be responsible for a person if one of their roles gives health.write over the person's area. */
async function checkedResponsible(db: Db, userId: number, areaPath: string): Promise<number> {
  const user = await repo.findUserStanding(db, userId);
  const assignments = user && !user.disabled_at ? await loadAssignments(db, userId) : [];
  const fits = assignments.some(
    (a) => areaPath.startsWith(a.areaPath) && rightsOf(a.role, a.categories).includes('health.write'),
  );
  if (!fits) {
    throw invalid(
      'RESPONSIBLE_INVALID',
      `body.responsibleUserId: user ${userId} has no role for health work over this person’s area`,
      [
        {
          field: 'body.responsibleUserId',
          code: 'noRoleInArea',
          message: 'has no role over the person’s area',
        },
      ],
    );
  }
  return userId;
}

/** The key person, visible to the viewer (404) and, when `write`, writable (403). */
async function keyPersonFor(db: Db, actor: Actor, id: number, write: boolean): Promise<KeyPersonRow> {
  const row = await repo.findKeyPerson(db, id, chinaDate(actor.now()));
  if (!row || !can(actor.viewer, 'health.read', row.area_path)) throw KEY_PERSON_NOT_FOUND(id);
  if (write && !can(actor.viewer, 'health.write', row.area_path))
    throw forbidden('You may view this key person but not change the follow-up');
  return row;
}

async function present(db: Db, actor: Actor, id: number): Promise<KeyPersonView> {
  return presentKeyPerson((await repo.findKeyPerson(db, id, chinaDate(actor.now())))!);
}

/** Puts a person under follow-up (重点人员管控): period, responsible worker, plan, and the follow-ups it implies. */
export async function createKeyPerson(
  db: Db,
  actor: Actor,
  body: CreateKeyPersonBody,
): Promise<KeyPersonView> {
  const person = await findPersonInScope(db, readScope(actor.viewer), body.personId);
  if (!person?.area_path)
    throw notFound('PERSON_NOT_FOUND', `Person ${body.personId} does not exist or is outside your area`);
  if (!can(actor.viewer, 'health.manage', person.area_path))
    throw forbidden('You may view this person but not put them under follow-up');
  if (person.status !== 'active')
    throw conflict(
      'PERSON_NOT_ACTIVE',
      `Person ${body.personId} is ${person.status}; register their return first`,
    );
  const today = chinaDate(actor.now());
  const defaults = CATEGORY_DEFAULTS[body.category];
  const startsOn = body.startsOn ?? today;
  const endsOn = body.endsOn ?? addDays(startsOn, defaults.days - 1);
  checkPeriod(startsOn, endsOn);
  const responsible =
    body.responsibleUserId !== undefined
      ? await checkedResponsible(db, body.responsibleUserId, person.area_path)
      : await repo.defaultWorkerFor(db, person.area_path);
  const plan = normalisePlan(body.plan ?? defaults.plan);
  const id = await repo.insertKeyPerson(db, {
    person_id: person.id,
    area_path: person.area_path,
    category: body.category,
    starts_on: startsOn,
    ends_on: endsOn,
    responsible_user_id: responsible,
    plan: JSON.stringify(plan),
    reason: body.reason?.trim() || null,
    source: 'manual',
    created_at: actor.now(),
  });
  if (id === undefined)
    throw conflict(
      'KEY_PERSON_EXISTS',
      `Person ${body.personId} is already followed up as ${body.category}; change that entry instead`,
    );
  // Days already past are not asked for after the fact.
  await repo.generateFollowUps(db, [id], today);
  await recordAudit(db, actor, {
    action: 'key_person.create',
    entityType: 'key_person',
    entityId: id,
    areaPath: person.area_path,
    after: {
      personId: person.id,
      category: body.category,
      startsOn,
      endsOn,
      responsibleUserId: responsible,
      plan,
    },
  });
  return present(db, actor, id);
}

function checkPeriod(startsOn: string, endsOn: string) {
  const days = daysBetween(startsOn, endsOn);
  if (!(days >= 0) || days >= MAX_PERIOD_DAYS) {
    throw invalid(
      'PERIOD_INVALID',
      `body.endsOn must be on or after startsOn and within ${MAX_PERIOD_DAYS} days`,
      [
        {
          field: 'body.endsOn',
          code: days >= 0 ? 'periodTooLong' : 'periodInvalid',
          params: { days: MAX_PERIOD_DAYS },
          message: days >= 0 ? `is more than ${MAX_PERIOD_DAYS} days on` : 'is before startsOn',
        },
      ],
    );
  }
}

export async function listKeyPersons(
  db: Db,
  actor: Actor,
  query: KeyPersonQuery,
): Promise<PageOf<KeyPersonView>> {
  const page = await repo.listKeyPersons(
    db,
    readScope(actor.viewer),
    {
      ...query,
      withinPath: await withinPath(db, actor.viewer, query.within),
      responsibleUserId: responsibleFilter(actor.viewer, query.responsible),
    },
    chinaDate(actor.now()),
  );
  return { ...page, items: page.items.map(presentKeyPerson) };
}

export async function getKeyPerson(db: Db, actor: Actor, id: number): Promise<KeyPersonDetail> {
  const row = await keyPersonFor(db, actor, id, false);
  const schedule = await repo.followUpsOf(db, id);
  return { ...presentKeyPerson(row), schedule: schedule.map(presentFollowUp) };
}

function checkActive(row: KeyPersonRow) {
  if (row.status !== 'active')
    throw conflict(
      'KEY_PERSON_NOT_ACTIVE',
      `Key person ${row.id} is ${row.status}; nothing more to follow up`,
    );
}

/** Extends or shortens the period, hands the person to another worker, or changes the plan (from today on). */
export async function updateKeyPerson(
  db: Db,
  actor: Actor,
  id: number,
  body: UpdateKeyPersonBody,
): Promise<KeyPersonView> {
  const row = await keyPersonFor(db, actor, id, true);
  checkActive(row);
  const today = chinaDate(actor.now());
  const changes: Parameters<typeof repo.updateKeyPerson>[2] = {};
  if (body.endsOn !== undefined && body.endsOn !== row.ends_on) {
    checkPeriod(row.starts_on, body.endsOn);
    changes.ends_on = body.endsOn;
  }
  if (body.responsibleUserId !== undefined && body.responsibleUserId !== row.responsible_user_id)
    changes.responsible_user_id = await checkedResponsible(db, body.responsibleUserId, row.area_path);
  const plan = body.plan ? normalisePlan(body.plan) : undefined;
  if (plan && JSON.stringify(plan) !== JSON.stringify(row.plan)) changes.plan = JSON.stringify(plan);
  if (Object.keys(changes).length === 0) return presentKeyPerson(row);
  await repo.updateKeyPerson(db, id, changes);
  if (changes.plan) await repo.deleteOpenFollowUps(db, id, today);
  else if (changes.ends_on && changes.ends_on < row.ends_on)
    await repo.deleteOpenFollowUps(db, id, addDays(changes.ends_on, 1));
  if (changes.plan || changes.ends_on) await repo.generateFollowUps(db, [id], today);
  await recordAudit(db, actor, {
    action: 'key_person.update',
    entityType: 'key_person',
    entityId: id,
    areaPath: row.area_path,
    before: { endsOn: row.ends_on, responsibleUserId: row.responsible_user_id, plan: row.plan },
    after: {
      endsOn: changes.ends_on ?? row.ends_on,
      responsibleUserId: changes.responsible_user_id ?? row.responsible_user_id,
      plan: plan ?? row.plan,
    },
  });
  return present(db, actor, id);
}

async function finish(
  db: Db,
  actor: Actor,
  id: number,
  status: 'ended' | 'transferred',
  note: string | null,
): Promise<KeyPersonView> {
  const row = await keyPersonFor(db, actor, id, true);
  checkActive(row);
  const now = actor.now();
  await repo.updateKeyPerson(db, id, {
    status,
    ended_at: now,
    ended_by: viewerName(actor.viewer),
    end_note: note,
  });
  // Today's and earlier entries stay as the record; later ones will not happen.
  await repo.deleteOpenFollowUps(db, id, addDays(chinaDate(now), 1));
  await recordAudit(db, actor, {
    action: status === 'ended' ? 'key_person.end' : 'key_person.transfer',
    entityType: 'key_person',
    entityId: id,
    areaPath: row.area_path,
    before: { status: row.status },
    after: { status, note },
  });
  return present(db, actor, id);
}

/** 解除管控: the follow-up is over. */
export async function endKeyPerson(db: Db, actor: Actor, id: number, body: EndKeyPersonBody) {
  return finish(db, actor, id, 'ended', body.note?.trim() || null);
}

/** 转运/移交: the person left for central quarantine, a hospital or another district. */
export async function transferKeyPerson(db: Db, actor: Actor, id: number, body: TransferKeyPersonBody) {
  return finish(db, actor, id, 'transferred', body.destination.trim());
}

/** Records one follow-up (a temperature, a test done, a call, a visit) for today or an earlier day. */
export async function recordFollowUp(
  db: Db,
  actor: Actor,
  id: number,
  followUpId: number,
  body: RecordFollowUpBody,
): Promise<FollowUpView> {
  const row = await keyPersonFor(db, actor, id, true);
  checkActive(row);
  const followUp = await repo.findFollowUp(db, id, followUpId);
  if (!followUp) throw notFound('FOLLOW_UP_NOT_FOUND', `Key person ${id} has no follow-up ${followUpId}`);
  const now = actor.now();
  if (followUp.due_on > chinaDate(now))
    throw conflict('FOLLOW_UP_NOT_DUE', `Follow-up ${followUpId} is due on ${followUp.due_on}, not yet`);
  if (followUp.done_at) throw conflict('FOLLOW_UP_DONE', `Follow-up ${followUpId} was already recorded`);
  if (followUp.kind === 'temperature' && body.temperature === undefined)
    throw invalid('VALIDATION_FAILED', 'body.temperature is required for a temperature follow-up', [
      { field: 'body.temperature', code: 'required', message: 'is required' },
    ]);
  const saved = await repo.recordFollowUp(db, followUpId, {
    done_at: now,
    done_by: viewerName(actor.viewer),
    temperature: body.temperature ?? null,
    symptoms: body.symptoms?.trim() || null,
    note: body.note?.trim() || null,
  });
  return presentFollowUp(saved);
}

/** What needs doing: missing follow-ups and ended periods, for the responsible worker and those above. */
export async function listTasks(db: Db, actor: Actor, query: TaskQuery): Promise<PageOf<TaskView>> {
  const filter = {
    ...query,
    withinPath: await withinPath(db, actor.viewer, query.within),
    responsibleUserId: responsibleFilter(actor.viewer, query.responsible),
  };
  const today = chinaDate(actor.now());
  const scope = readScope(actor.viewer);
  const result = await repo.tasks(db, scope, filter, today);
  // The total comes with the rows; a page past the end asks for it alone.
  const total =
    result.rows[0]?.total ??
    (result.page > 1
      ? ((await repo.tasks(db, scope, { ...filter, page: 1, pageSize: 1 }, today)).rows[0]?.total ?? 0)
      : 0);
  return {
    page: result.page,
    pageSize: result.pageSize,
    total,
    items: result.rows.map((r) => ({
      kind: r.kind,
      keyPersonId: r.key_person_id,
      category: r.category,
      person: {
        id: r.person_id,
        name: r.person_name,
        documentMasked: r.document_masked,
        phoneMasked: r.phone_masked,
        address: r.address,
        area:
          r.area_id !== null && r.area_code !== null
            ? { id: r.area_id, code: r.area_code, name: r.area_name ?? '' }
            : null,
      },
      responsible:
        r.responsible_user_id !== null ? { id: r.responsible_user_id, name: r.responsible_name ?? '' } : null,
      since: r.since,
      missing: r.missing,
      endsOn: r.ends_on,
    })),
  };
}
