import { createHash, randomBytes } from 'node:crypto';
import type { Right } from '../auth/rights.js';
import { can, type Viewer } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import { conflict, forbidden, invalid, notFound } from '../core/errors.js';
import type { Level } from '../core/vocabulary.js';
import type {
  AlertKind,
  CategoryAttribute,
  EventSource,
  EventStatus,
  EventStep,
  EventStepsTable,
  EventsTable,
  EventTier,
  StepLimits,
  TimeLimit,
} from '../db/schema.js';
import { findAreaById, findAreaInScope } from '../hierarchy/repository.js';
import { type NotificationText, notificationText } from '../i18n/notifications.js';
import { notifyInTheirLanguage } from '../notifications/notify.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { protectName, protectPhone } from '../privacy/protect.js';
import { normalisePhone } from '../register/protect.js';
import type { Insertable, Updateable } from 'kysely';
import { chinaDate, deadlineFor, resumedDeadline, timeLeft, type WorkCalendar } from './calendar.js';
import { listPhotos, storePhotos } from './photos/repository.js';
import type { PreparedPhoto } from './photos/photos.js';
import * as repo from './repository.js';
import { canHandleAt, isResponderWithin, respondersAt, startingTier, teamMembers } from './responders.js';
import type {
  AssignBody,
  EventBoard,
  EventBoardQuery,
  EventDetail,
  EventListItem,
  EventSummary,
  PublicEventView,
} from './schema.js';
import {
  canStart,
  isClocked,
  nextStatus,
  restartsClock,
  rightsFor,
  STEP_OF,
  WORKFLOW_ACTIONS,
  type WorkflowAction,
} from './transitions.js';

/** Limits of a step no category sets: what a city table gives an ordinary matter. */
export const DEFAULT_LIMITS: Readonly<Record<EventStep, TimeLimit>> = Object.freeze({
  register: { amount: 2, unit: 'work_hours' },
  dispatch: { amount: 2, unit: 'work_hours' },
  handle: { amount: 2, unit: 'work_days' },
  check: { amount: 4, unit: 'work_hours' },
});

/** Stands for the resident on the public report page and their follow-and-rate link. */
export const REPORTER_VIEWER: Viewer = Object.freeze({ kind: 'system', name: 'reporter' });

export const EVENT_NOT_FOUND = (id: number) =>
  notFound('EVENT_NOT_FOUND', `Event ${id} does not exist or is outside your area`);

export const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');

/** Who the timeline names: a user's display name, a device's token name, or the resident. */
export function actorLabel(viewer: Viewer): string {
  if (viewer.kind === 'user') return viewer.displayName;
  if (viewer.kind === 'token') return `设备/接口:${viewer.name}`;
  return viewer.name === 'reporter' ? '报告人' : `system:${viewer.name}`;
}
const actorUserId = (viewer: Viewer) => (viewer.kind === 'user' ? viewer.userId : null);

export async function stepLimit(db: Db, categoryId: number, step: EventStep): Promise<TimeLimit> {
  const limits = await repo.categoryLimits(db, categoryId);
  return limitOf(
    limits?.own as StepLimits | undefined,
    limits?.parent as StepLimits | null | undefined,
    step,
  );
}

/** A step's limit: the category's own, else its class's, else the default. */
export function limitOf(
  own: StepLimits | null | undefined,
  parent: StepLimits | null | undefined,
  step: EventStep,
): TimeLimit {
  return own?.[step] ?? parent?.[step] ?? DEFAULT_LIMITS[step];
}

/** The clock columns of a step starting now. */
export async function stepClock(
  db: Db,
  categoryId: number,
  step: EventStep,
  now: Date,
  calendar: WorkCalendar,
): Promise<Pick<Updateable<EventsTable>, 'step' | 'step_started_at' | 'step_deadline'>> {
  const limit = await stepLimit(db, categoryId, step);
  return { step, step_started_at: now, step_deadline: deadlineFor(now, limit, calendar) };
}

// ---- creating events ----

export interface NewEvent {
  source: EventSource;
  categoryId: number;
  areaId: number;
  title: string;
  description?: string | null;
  address?: string | null;
  lng?: number | null;
  lat?: number | null;
  /** GPS accuracy in metres; dropped when there is no point. */
  accuracyM?: number | null;
  reporterName?: string | null;
  /** Encrypted at rest with `options.cipher` (required when a phone is given), shown masked. */
  reporterPhone?: string | null;
  /**
   * 'mobile' (default): a Chinese mobile or landline, normalised. 'asGiven': any number a foreign
   * client sends (Open311), kept as typed; the caller bounds its length.
   */
  reporterPhoneRule?: 'mobile' | 'asGiven';
  /** A picture URL the reporter's client posted (Open311 media_url). */
  mediaUrl?: string | null;
  /** Answers to the category's attributes, by attribute code. */
  attributes?: Record<string, string | string[]> | null;
  /** The device alert that opened the event (source 'device'). */
  alert?: { cameraId: number; kind: AlertKind; at: Date } | null;
  /** Photos taken with the report (a patrol finding, a resident's photo sent to the hotline), already re-encoded. */
  photos?: readonly PreparedPhoto[];
}

export interface CreatedEventResult {
  id: number;
  code: string;
  status: EventStatus;
  tier: EventsTable['tier'];
  tierAreaId: number;
  /** The reporter's follow-and-rate token (citizen, hotline, resident group, Open311); only its hash is kept. */
  feedbackToken: string | null;
}

/** Sources a worker has already verified: the event starts registered. */
const AUTO_REGISTERED: readonly EventSource[] = ['patrol', 'device'];
/** Sources with a reporter outside the staff, who gets a follow-and-rate link. */
const WITH_FEEDBACK: readonly EventSource[] = ['citizen', 'hotline', 'resident_group', 'open311'];

function checkSourceAllowed(viewer: Viewer, source: EventSource, areaPath: string): void {
  switch (source) {
    case 'citizen':
      return;
    case 'patrol':
    case 'hotline':
    case 'resident_group':
      if (viewer.kind === 'system') return;
      if (viewer.kind !== 'user') throw forbidden(`Events from ${source} are entered by staff`);
      if (!can(viewer, 'event.handle', areaPath) && !can(viewer, 'event.dispatch', areaPath))
        throw forbidden('Entering events here needs event.handle or event.dispatch over the area');
      return;
    case 'device':
    case 'open311':
      if (viewer.kind === 'system') return;
      if (
        viewer.kind !== 'token' ||
        viewer.capability !== (source === 'device' ? 'device.alerts' : 'open311') ||
        !areaPath.startsWith(viewer.areaPath)
      )
        throw forbidden(`Events from ${source} need a ${source} token of an area holding the event`);
      return;
  }
}

/** The columns of a new event but its id, code and tier (a device alert has those chosen in SQL). */
export function eventColumns(
  input: NewEvent,
  context: {
    category: { id: number };
    area: { id: number; path: string };
    status: EventStatus;
    clock: Pick<Insertable<EventsTable>, 'step' | 'step_started_at' | 'step_deadline'>;
    now: Date;
    name: { encrypted: string; masked: string } | null;
    phone: { encrypted: string; masked: string } | null;
    feedbackTokenHash: string | null;
  },
): Omit<Insertable<EventsTable>, 'id' | 'code' | 'tier' | 'tier_area_id'> {
  const { now, status } = context;
  return {
    category_id: context.category.id,
    area_id: context.area.id,
    area_path: context.area.path,
    source: input.source,
    status,
    title: input.title.trim(),
    description: input.description?.trim() || null,
    address: input.address?.trim() || null,
    lng: input.lng ?? null,
    lat: input.lat ?? null,
    accuracy_m:
      (input.lng ?? null) !== null && (input.lat ?? null) !== null ? (input.accuracyM ?? null) : null,
    reporter_name_secret: context.name?.encrypted ?? null,
    reporter_name_masked: context.name?.masked ?? null,
    reporter_phone_secret: context.phone?.encrypted ?? null,
    reporter_phone_masked: context.phone?.masked ?? null,
    reporter_user_id: null,
    camera_id: input.alert?.cameraId ?? null,
    alert_kind: input.alert?.kind ?? null,
    alert_count: input.alert ? 1 : 0,
    last_alert_at: input.alert?.at ?? null,
    feedback_token_hash: context.feedbackTokenHash,
    media_url: input.mediaUrl ?? null,
    attributes: input.attributes ? JSON.stringify(input.attributes) : null,
    created_at: now,
    updated_at: now,
    registered_at: status === 'registered' ? now : null,
    ...context.clock,
  };
}

/** The first steps of a new event, in timeline order: collected, and registered when it starts so. */
export function openingSteps(
  viewer: Viewer,
  source: EventSource,
  status: EventStatus,
  tier: { tier: EventTier; name: string },
  now: Date,
): Array<Omit<Insertable<EventStepsTable>, 'event_id'>> {
  const who = { actor_user_id: actorUserId(viewer), actor_name: actorLabel(viewer), at: now };
  const collect = {
    ...who,
    action: 'collect' as const,
    from_status: null,
    to_status: 'collected' as const,
    to_tier: tier.tier,
    details: JSON.stringify({ source, tierArea: tier.name }),
  };
  if (status !== 'registered') return [collect];
  return [
    collect,
    {
      ...who,
      action: 'register',
      from_status: 'collected',
      to_status: 'registered',
      // Same instant as the collect step: the id keeps them in order on the timeline.
      note: source === 'patrol' ? '巡查发现，自动立案' : '设备告警，自动立案',
      details: null,
    },
  ];
}

/** The status a new event starts in: sources a worker has already verified start registered. */
export const startingStatus = (source: EventSource): EventStatus =>
  AUTO_REGISTERED.includes(source) ? 'registered' : 'collected';

/** The urgent-or-not of a new event's notification: device alerts are urgent. */
export const newEventPriority = (source: EventSource) => (source === 'device' ? 'urgent' : 'normal');

/**
 * Opens an event in the caller's transaction: picks its starting tier, starts the step clock,
 * writes the first steps and notifies the tier's responders. Callers: staff entry, the public
 * report page, device alerts and Open311. Checks the caller may report into the area.
 */
export async function createEvent(
  db: Db,
  actor: Actor,
  input: NewEvent,
  options: { cipher?: FieldCipher; category?: repo.CategoryRow } = {},
): Promise<CreatedEventResult> {
  const now = actor.now();
  // Device alerts have just read their category by code: no need to read it again.
  const category =
    options.category?.id === input.categoryId
      ? options.category
      : await repo.findCategory(db, input.categoryId);
  if (!category || category.retired_at)
    throw invalid(
      'EVENT_CATEGORY_INVALID',
      `categoryId: category ${input.categoryId} does not exist or is retired`,
      [{ field: 'categoryId', code: 'inactiveCategory', message: 'is not an active category' }],
    );
  const area = await findAreaById(db, input.areaId);
  if (
    !area ||
    area.retired_at ||
    (actor.viewer.kind === 'user' && !can(actor.viewer, 'event.read', area.path))
  )
    throw notFound('AREA_NOT_FOUND', `areaId: area ${input.areaId} does not exist or is outside your area`);
  checkSourceAllowed(actor.viewer, input.source, area.path);

  let phone: { encrypted: string; masked: string } | null = null;
  if (input.reporterPhone && input.reporterPhoneRule === 'asGiven') {
    if (!options.cipher) throw new Error('createEvent: a reporter phone needs options.cipher');
    phone = protectPhone(options.cipher, input.reporterPhone.trim());
  } else if (input.reporterPhone) {
    const normalised = normalisePhone(input.reporterPhone);
    if (!normalised.ok)
      throw invalid('PHONE_INVALID', `reporterPhone ${normalised.message}`, [
        { field: 'reporterPhone', code: 'phone', message: normalised.message },
      ]);
    if (!options.cipher) throw new Error('createEvent: a reporter phone needs options.cipher');
    phone = protectPhone(options.cipher, normalised.value);
  }
  let name: { encrypted: string; masked: string } | null = null;
  const reporterName = input.reporterName?.trim();
  if (reporterName) {
    if (!options.cipher) throw new Error('createEvent: a reporter name needs options.cipher');
    name = protectName(options.cipher, reporterName);
  }

  const tier = await startingTier(db, area.path, category.start_tier);
  const status = startingStatus(input.source);
  const calendar = await repo.loadCalendar(db);
  const clock = await stepClock(db, category.id, STEP_OF[status]!, now, calendar);
  const id = await repo.nextEventId(db);
  const code = `EV${chinaDate(now).replaceAll('-', '')}${String(id).padStart(6, '0')}`;
  const feedbackToken = WITH_FEEDBACK.includes(input.source) ? randomBytes(24).toString('base64url') : null;

  await repo.insertEvent(db, {
    id,
    code,
    tier: tier.tier,
    tier_area_id: tier.areaId,
    ...eventColumns(input, {
      category,
      area,
      status,
      clock,
      now,
      name,
      phone,
      feedbackTokenHash: feedbackToken ? sha256Hex(feedbackToken) : null,
    }),
  });
  await repo.insertSteps(
    db,
    openingSteps(actor.viewer, input.source, status, tier, now).map((step) => ({ ...step, event_id: id })),
  );
  if (input.photos?.length)
    await storePhotos(db, { eventId: id, stepId: null, purpose: 'report', photos: input.photos });

  await notifyInTheirLanguage(db, {
    userIds: tier.responders,
    kind: 'event.new',
    priority: newEventPriority(input.source),
    title: (locale) =>
      notificationText(locale, 'eventNew', { code, title: input.title.trim() }).slice(0, 200),
    body: (locale) => `${locale === 'en' ? category.name_en : category.name_zh} · ${area.name}`,
    link: `/events/${id}`,
    readRule: repo.EVENT_READ_RULE,
    entityId: id,
    dedupeKey: `event:${id}:new`,
    now,
  });
  return { id, code, status, tier: tier.tier, tierAreaId: tier.areaId, feedbackToken };
}

// ---- workflow actions ----

export type ActionInput =
  | { action: 'register' | 'accept' | 'close' | 'resume'; note?: string | undefined }
  | { action: 'reject' | 'return'; note: string }
  | { action: 'report'; note: string; photos?: readonly PreparedPhoto[] }
  | ({ action: 'dispatch' | 'reassign' } & AssignBody)
  | { action: 'evaluate'; rating: number; comment?: string | undefined }
  | { action: 'suspend'; reason: string }
  | { action: 'merge'; intoEventId: number; note?: string | undefined };

/** The assignee of the event is the user, one of their teams, or a department they act for. */
async function isAssignee(db: Db, event: repo.EventRow, viewer: Viewer): Promise<boolean> {
  if (viewer.kind !== 'user') return false;
  if (event.assignee_user_id !== null) return event.assignee_user_id === viewer.userId;
  if (event.assignee_team_id !== null) return repo.isTeamMember(db, event.assignee_team_id, viewer.userId);
  return event.assignee_department !== null && can(viewer, 'event.handle', event.area_path);
}

const hasAny = (viewer: Viewer, rights: readonly Right[], path: string) =>
  rights.some((r) => can(viewer, r, path));

interface Assignment {
  assignee_user_id: number | null;
  assignee_team_id: number | null;
  assignee_department: string | null;
  notifyUserIds: number[];
  label: string;
}

async function resolveAssignee(db: Db, event: repo.EventRow, body: AssignBody): Promise<Assignment> {
  const given = [body.userId, body.teamId, body.department].filter((v) => v !== undefined);
  if (given.length !== 1)
    throw invalid('EVENT_ASSIGNEE_INVALID', 'Give exactly one of userId, teamId, department', [
      {
        field: 'userId',
        code: 'exactlyOne',
        params: { fields: 'userId, teamId, department' },
        message: 'exactly one of userId, teamId, department',
      },
    ]);
  const tierArea = await findAreaById(db, event.tier_area_id);
  if (!tierArea) throw new Error(`Tier area ${event.tier_area_id} vanished`);
  if (body.userId !== undefined) {
    if (!(await isResponderWithin(db, body.userId, tierArea.path)))
      throw invalid(
        'EVENT_ASSIGNEE_INVALID',
        `userId: user ${body.userId} is not a responder within ${tierArea.name}, the tier holding the event`,
        [
          {
            field: 'userId',
            code: 'notResponder',
            message: 'is not a responder within the event’s tier area',
          },
        ],
      );
    if (!(await canHandleAt(db, body.userId, event.area_path)))
      throw invalid(
        'EVENT_ASSIGNEE_INVALID',
        `userId: user ${body.userId} does not handle events in the event's area; dispatch to someone whose area holds it`,
        [{ field: 'userId', code: 'notResponder', message: 'cannot handle events in the event’s area' }],
      );
    return {
      assignee_user_id: body.userId,
      assignee_team_id: null,
      assignee_department: null,
      notifyUserIds: [body.userId],
      label: (await repo.userName(db, body.userId)) ?? `#${body.userId}`,
    };
  }
  if (body.teamId !== undefined) {
    const team = await repo.findTeam(db, body.teamId);
    // A team of the tier's subtree, or one serving an area above the event (a community team).
    const fits =
      team &&
      !team.retired_at &&
      (team.area_path.startsWith(tierArea.path) || event.area_path.startsWith(team.area_path));
    if (!team || !fits)
      throw invalid(
        'EVENT_ASSIGNEE_INVALID',
        `teamId: team ${body.teamId} does not serve this event’s area`,
        [{ field: 'teamId', code: 'inactiveTeam', message: 'is not an active team of the event’s area' }],
      );
    return {
      assignee_user_id: null,
      assignee_team_id: team.id,
      assignee_department: null,
      notifyUserIds: await teamMembers(db, team.id),
      label: team.name,
    };
  }
  const department = body.department!.trim();
  if (!department)
    throw invalid('EVENT_ASSIGNEE_INVALID', 'department must not be blank', [
      { field: 'department', code: 'blank', message: 'must not be blank' },
    ]);
  return {
    assignee_user_id: null,
    assignee_team_id: null,
    assignee_department: department,
    notifyUserIds: [],
    label: department,
  };
}

const clearedClock = { step: null, step_started_at: null, step_deadline: null } as const;

/**
 * One workflow action: checks the transition, the caller's right and role in it, then in the
 * caller's transaction makes the guarded update, writes the step, stores photos and notifies.
 */
export async function applyAction(
  db: Db,
  actor: Actor,
  id: number,
  input: ActionInput,
): Promise<EventDetail> {
  const viewer = actor.viewer;
  const event = await repo.findEventInScope(db, viewer, id);
  if (!event) throw EVENT_NOT_FOUND(id);
  const from = event.status;
  const to = nextStatus(input.action, from, event.suspended_status);
  if (!hasAny(viewer, rightsFor(input.action, from), event.area_path))
    throw forbidden(`Only ${rightsFor(input.action, from).join(' or ')} may ${input.action} this event`);

  const now = actor.now();
  const calendar = await repo.loadCalendar(db);
  const values: Updateable<EventsTable> = { status: to, updated_at: now };
  let note: string | null = 'note' in input ? (input.note?.trim() ?? null) : null;
  let details: Record<string, unknown> | null = null;
  let notifyUsers: number[] = [];
  let notifyKind = '';
  let notifyText: NotificationText | null = null;

  switch (input.action) {
    case 'register':
      values.registered_at = now;
      break;
    case 'reject':
    case 'close':
      Object.assign(values, clearedClock);
      if (input.action === 'close') values.closed_at = now;
      break;
    case 'dispatch':
    case 'reassign': {
      const assignment = await resolveAssignee(db, event, input);
      values.assignee_user_id = assignment.assignee_user_id;
      values.assignee_team_id = assignment.assignee_team_id;
      values.assignee_department = assignment.assignee_department;
      if (input.action === 'dispatch') values.dispatched_at = now;
      details = { assignee: assignment.label };
      notifyUsers = assignment.notifyUserIds;
      notifyKind = 'event.dispatched';
      notifyText = 'eventDispatched';
      break;
    }
    case 'accept':
      if (from === 'registered') {
        if (viewer.kind !== 'user') throw forbidden('Only a signed-in handler can take an event on');
        values.assignee_user_id = viewer.userId;
        values.assignee_team_id = null;
        values.assignee_department = null;
      } else if (!(await isAssignee(db, event, viewer))) {
        throw forbidden('Only the assignee (or a member of the assigned team) can accept this event');
      }
      values.responded_at = now;
      break;
    case 'report':
      if (!(await isAssignee(db, event, viewer)) && !can(viewer, 'event.dispatch', event.area_path))
        throw forbidden('Only the assignee can report this event back');
      values.reported_at = now;
      details = { photos: input.photos?.length ?? 0 };
      notifyUsers = await checkersOf(db, event);
      notifyKind = 'event.reported';
      notifyText = 'eventReported';
      break;
    case 'return':
      if (from === 'reported') {
        notifyUsers = await assigneeUsers(db, event);
        notifyText = 'eventReportReturned';
      } else {
        if (!(await isAssignee(db, event, viewer)) && !can(viewer, 'event.dispatch', event.area_path))
          throw forbidden('Only the assignee or a dispatcher can return this event');
        values.assignee_user_id = null;
        values.assignee_team_id = null;
        values.assignee_department = null;
        notifyUsers = await checkersOf(db, event);
        notifyText = 'eventReturned';
      }
      notifyKind = 'event.returned';
      break;
    case 'evaluate':
      values.rating = input.rating;
      values.rating_comment = input.comment?.trim() || null;
      values.rated_at = now;
      note = input.comment?.trim() || null;
      details = { rating: input.rating, by: 'staff' };
      Object.assign(values, clearedClock);
      break;
    case 'suspend': {
      values.suspended_status = from;
      values.suspended_reason = input.reason.trim();
      note = input.reason.trim();
      // The clock stops: what is left of the step is kept with the step and given back on resume.
      if (event.step && event.step_deadline) {
        const limit = await stepLimit(db, event.category_id, event.step);
        details = {
          step: event.step,
          unit: limit.unit,
          leftMs: timeLeft(limit.unit, now, event.step_deadline, calendar),
        };
      }
      break;
    }
    case 'resume': {
      values.suspended_status = null;
      values.suspended_reason = null;
      const suspension = await repo.lastStep(db, event.id, ['suspend']);
      const left = suspension?.details as { unit?: TimeLimit['unit']; leftMs?: number } | null | undefined;
      if (event.step && left?.unit && typeof left.leftMs === 'number') {
        values.step_deadline = resumedDeadline(left.unit, now, left.leftMs, calendar);
        details = { leftMs: left.leftMs };
      } else if (STEP_OF[to]) {
        Object.assign(values, await stepClock(db, event.category_id, STEP_OF[to], now, calendar));
      }
      break;
    }
    case 'merge': {
      if (input.intoEventId === event.id)
        throw conflict('EVENT_MERGE_INVALID', 'intoEventId: an event cannot be merged into itself');
      const target = await repo.findEventInScope(db, viewer, input.intoEventId);
      if (!target) throw EVENT_NOT_FOUND(input.intoEventId);
      if (!isClocked(target.status) && target.status !== 'suspended')
        throw conflict(
          'EVENT_MERGE_INVALID',
          `intoEventId: event ${target.code} is ${target.status}; merge only into an open event`,
        );
      values.merged_into_id = target.id;
      Object.assign(values, clearedClock);
      details = { into: target.code };
      await repo.insertStep(db, {
        event_id: target.id,
        at: now,
        action: 'merge',
        actor_user_id: actorUserId(viewer),
        actor_name: actorLabel(viewer),
        note: `合并重复事件 ${event.code}`,
        details: JSON.stringify({ merged: event.code, mergedId: event.id }),
      });
      break;
    }
  }

  if (restartsClock(input.action, from, to))
    Object.assign(values, await stepClock(db, event.category_id, STEP_OF[to]!, now, calendar));

  const updated = await repo.updateEventIfStatus(db, event.id, from, values);
  if (!updated)
    throw conflict('EVENT_CHANGED', `Event ${event.code} was changed by someone else meanwhile; reload it`);
  const stepId = await repo.insertStep(db, {
    event_id: event.id,
    at: now,
    action: input.action,
    from_status: from,
    to_status: to,
    actor_user_id: actorUserId(viewer),
    actor_name: actorLabel(viewer),
    note,
    details: details ? JSON.stringify(details) : null,
  });
  if (input.action === 'report' && input.photos?.length)
    await storePhotos(db, { eventId: event.id, stepId, purpose: 'feedback', photos: input.photos });
  const recipients = notifyUsers.filter((u) => u !== actorUserId(viewer));
  if (recipients.length > 0 && notifyText !== null) {
    const text = notifyText;
    await notifyInTheirLanguage(db, {
      userIds: recipients,
      kind: notifyKind,
      title: (locale) =>
        notificationText(locale, text, { code: event.code, title: event.title }).slice(0, 200),
      link: `/events/${event.id}`,
      readRule: repo.EVENT_READ_RULE,
      entityId: event.id,
      dedupeKey: `event:${event.id}:step:${stepId}`,
      now,
    });
  }
  return getEventDetail(db, actor, event.id);
}

/** Who checks a report: the dispatcher of the event, else the tier's responders. */
async function checkersOf(db: Db, event: repo.EventRow): Promise<number[]> {
  const dispatch = await repo.lastStep(db, event.id, ['dispatch', 'reassign']);
  if (dispatch?.actor_user_id) return [dispatch.actor_user_id];
  return respondersAt(db, event.tier_area_id);
}

async function assigneeUsers(db: Db, event: repo.EventRow): Promise<number[]> {
  if (event.assignee_user_id !== null) return [event.assignee_user_id];
  if (event.assignee_team_id !== null) return teamMembers(db, event.assignee_team_id);
  return [];
}

// ---- reading ----

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function isOverdue(row: { status: EventStatus; step_deadline: Date | null }, now: Date): boolean {
  return isClocked(row.status) && row.step_deadline !== null && row.step_deadline.getTime() <= now.getTime();
}

/** The one place an event row of a list becomes an API object. */
export function presentListItem(row: repo.EventListRow, now: Date): EventListItem {
  const assigned =
    row.assignee_user_id !== null || row.assignee_team_id !== null || row.assignee_department !== null;
  return {
    id: row.id,
    code: row.code,
    title: row.title,
    status: row.status,
    source: row.source,
    tier: row.tier,
    category: {
      id: row.category_id,
      code: row.category_code,
      nameZh: row.category_name_zh,
      nameEn: row.category_name_en,
    },
    area: { id: row.area_id, code: row.area_code, name: row.area_name, level: row.area_level },
    assignee: assigned
      ? {
          userId: row.assignee_user_id,
          userName: row.assignee_user_name,
          teamId: row.assignee_team_id,
          teamName: row.assignee_team_name,
          department: row.assignee_department,
        }
      : null,
    step: row.step,
    stepDeadline: iso(row.step_deadline),
    overdue: isOverdue(row, now),
    escalationCount: row.escalation_count,
    alertCount: row.alert_count,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Answers to a category's questions, labelled in both languages; list answers joined by "、" / ", ". */
export function presentAnswers(
  questions: readonly CategoryAttribute[],
  answers: Record<string, string | string[]>,
) {
  return questions.flatMap((question) => {
    const given = answers[question.code];
    if (given === undefined) return [];
    const values = Array.isArray(given) ? given : [given];
    const name = (key: string, english: boolean) => {
      const value = question.values?.find((v) => v.key === key);
      return value ? (english ? value.name_en : value.name_zh) : key;
    };
    return [
      {
        questionZh: question.description_zh,
        questionEn: question.description_en,
        answerZh: values.map((v) => name(v, false)).join('、'),
        answerEn: values.map((v) => name(v, true)).join(', '),
      },
    ];
  });
}

export async function getEventDetail(db: Db, actor: Actor, id: number): Promise<EventDetail> {
  const row = await repo.findEventListRow(db, id);
  const event = await repo.findEventInScope(db, actor.viewer, id);
  if (!row || !event) throw EVENT_NOT_FOUND(id);
  const now = actor.now();
  const pathIds = event.area_path.split('/').filter(Boolean).map(Number);
  const [steps, photos, areas, camera, mergedCode, allowedActions, category] = await Promise.all([
    repo.eventSteps(db, id),
    listPhotos(db, [id]),
    repo.areasByIds(db, [...pathIds, event.tier_area_id]),
    event.camera_id !== null ? repo.cameraBrief(db, event.camera_id) : Promise.resolve(undefined),
    event.merged_into_id !== null ? repo.eventCode(db, event.merged_into_id) : Promise.resolve(undefined),
    allowedActionsFor(db, event, actor.viewer),
    event.attributes ? repo.findCategory(db, event.category_id) : Promise.resolve(undefined),
  ]);
  const brief = (a: { id: number; code: string; name: string; level: Level }) => ({
    id: a.id,
    code: a.code,
    name: a.name,
    level: a.level,
  });
  const byId = new Map(areas.map((a) => [a.id, a]));
  const tierArea = byId.get(event.tier_area_id)!;
  return {
    ...presentListItem(row, now),
    description: event.description,
    address: event.address,
    lng: event.lng,
    lat: event.lat,
    accuracyM: event.accuracy_m,
    areaPath: pathIds.flatMap((a) => (byId.has(a) ? [brief(byId.get(a)!)] : [])),
    tierArea: brief(tierArea),
    reporterName: event.reporter_name_masked,
    reporterPhone: event.reporter_phone_masked,
    mediaUrl: event.media_url,
    answers: presentAnswers(category?.attributes ?? [], event.attributes ?? {}),
    camera: camera ?? null,
    alertKind: event.alert_kind,
    lastAlertAt: iso(event.last_alert_at),
    stepStartedAt: iso(event.step_started_at),
    escalatedAt: iso(event.escalated_at),
    suspendedReason: event.suspended_reason,
    mergedInto:
      event.merged_into_id !== null && mergedCode ? { id: event.merged_into_id, code: mergedCode } : null,
    rating: event.rating,
    ratingComment: event.rating_comment,
    ratedAt: iso(event.rated_at),
    registeredAt: iso(event.registered_at),
    dispatchedAt: iso(event.dispatched_at),
    respondedAt: iso(event.responded_at),
    reportedAt: iso(event.reported_at),
    closedAt: iso(event.closed_at),
    steps: steps.map((s) => ({
      id: s.id,
      at: s.at.toISOString(),
      action: s.action,
      fromStatus: s.from_status,
      toStatus: s.to_status,
      fromTier: s.from_tier,
      toTier: s.to_tier,
      actor: s.actor_name,
      note: s.note,
      details: s.details,
    })),
    photos: photos.map((p) => ({
      id: p.id,
      stepId: p.step_id,
      purpose: p.purpose,
      mime: p.mime,
      width: p.width,
      height: p.height,
      bytes: p.bytes,
    })),
    allowedActions,
  };
}

/** What the caller may do next, for the buttons of the detail page. */
async function allowedActionsFor(db: Db, event: repo.EventRow, viewer: Viewer): Promise<string[]> {
  const assignee = await isAssignee(db, event, viewer);
  const dispatcher = can(viewer, 'event.dispatch', event.area_path);
  return WORKFLOW_ACTIONS.filter((action: WorkflowAction) => {
    if (!canStart(action, event.status) || !hasAny(viewer, rightsFor(action, event.status), event.area_path))
      return false;
    if (action === 'accept' && event.status === 'dispatched') return assignee;
    if (action === 'report') return assignee || dispatcher;
    if (action === 'return' && event.status !== 'reported') return assignee || dispatcher;
    return true;
  });
}

function decodeCursor(cursor: string): { createdAt: Date; id: number } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)_(\d{1,15})$/.exec(text);
  const createdAt = match ? new Date(match[1]!) : null;
  if (!match || !createdAt || Number.isNaN(createdAt.getTime()))
    throw invalid('EVENT_CURSOR_INVALID', 'cursor is not one this board gave out', [
      { field: 'cursor', code: 'invalid', message: 'is invalid' },
    ]);
  return { createdAt, id: Number(match[2]) };
}
const encodeCursor = (row: { created_at: Date; id: number }) =>
  Buffer.from(`${row.created_at.toISOString()}_${row.id}`).toString('base64url');

async function withinPath(db: Db, viewer: Viewer, areaId: number | undefined): Promise<string | undefined> {
  if (areaId === undefined) return undefined;
  const area = await findAreaInScope(db, viewer, 'event.read', areaId);
  if (!area)
    throw notFound('AREA_NOT_FOUND', `areaId: area ${areaId} does not exist or is outside your area`);
  return area.path;
}

export async function listEvents(db: Db, actor: Actor, query: EventBoardQuery): Promise<EventBoard> {
  const viewer = actor.viewer;
  const limit = query.limit ?? 50;
  if (query.assignee === 'me' && viewer.kind !== 'user')
    throw forbidden('assignee=me needs a signed-in user');
  const { areaId, cursor, assignee, ...filters } = query;
  const rows = await repo.listBoard(
    db,
    viewer,
    {
      ...filters,
      ...(areaId !== undefined ? { withinPath: await withinPath(db, viewer, areaId) } : {}),
      ...(assignee === 'me' && viewer.kind === 'user' ? { assigneeUserId: viewer.userId } : {}),
      ...(cursor ? { after: decodeCursor(cursor) } : {}),
    },
    actor.now(),
    limit + 1,
  );
  const page = rows.slice(0, limit);
  const now = actor.now();
  return {
    items: page.map((r) => presentListItem(r, now)),
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null,
  };
}

export async function eventSummary(db: Db, actor: Actor, areaId: number | undefined): Promise<EventSummary> {
  const rows = await repo.summaryCounts(
    db,
    actor.viewer,
    await withinPath(db, actor.viewer, areaId),
    actor.now(),
  );
  const byStatus = { collected: 0, registered: 0, dispatched: 0, handling: 0, reported: 0, suspended: 0 };
  let overdue = 0;
  for (const row of rows) {
    byStatus[row.status as keyof typeof byStatus] = Number(row.n);
    overdue += Number(row.overdue);
  }
  return { byStatus, open: Object.values(byStatus).reduce((a, b) => a + b, 0), overdue };
}

export async function myEvents(db: Db, actor: Actor): Promise<{ items: EventListItem[] }> {
  if (actor.viewer.kind !== 'user') throw forbidden('This needs a signed-in user');
  const now = actor.now();
  const rows = await repo.listAssigned(db, actor.viewer, actor.viewer.userId);
  return { items: rows.map((r) => presentListItem(r, now)) };
}

// ---- the reporter's follow-and-rate link ----

const FOLLOW_NOT_FOUND = () =>
  notFound('EVENT_NOT_FOUND', 'No report belongs to this link (check that it was copied whole)');

/** What the reporter sees: status and a timeline without names or notes. */
export async function publicEventView(db: Db, token: string): Promise<PublicEventView> {
  const event = await repo.findEventByFeedbackHash(db, sha256Hex(token));
  if (!event) throw FOLLOW_NOT_FOUND();
  const [category, steps, photos] = await Promise.all([
    repo.findCategory(db, event.category_id),
    repo.eventSteps(db, event.id),
    listPhotos(db, [event.id]),
  ]);
  return {
    code: event.code,
    category: { nameZh: category?.name_zh ?? '', nameEn: category?.name_en ?? '' },
    status: event.status,
    createdAt: event.created_at.toISOString(),
    closedAt: iso(event.closed_at),
    timeline: steps
      .filter((s) => s.to_status !== null || s.action === 'escalate')
      .map((s) => ({ at: s.at.toISOString(), action: s.action, status: s.to_status })),
    photos: photos.map((p) => ({ id: p.id, purpose: p.purpose })),
    canRate: event.status === 'closed',
    rating: event.rating,
    ratingComment: event.rating_comment,
  };
}

/** The reporter rates a closed event (综合评价) through their link. */
export async function rateByToken(
  db: Db,
  now: Date,
  token: string,
  body: { rating: number; comment?: string | undefined },
): Promise<PublicEventView> {
  const event = await repo.findEventByFeedbackHash(db, sha256Hex(token));
  if (!event) throw FOLLOW_NOT_FOUND();
  if (event.status !== 'closed')
    throw conflict(
      'EVENT_TRANSITION_INVALID',
      event.status === 'evaluated'
        ? 'This report has already been rated'
        : `Cannot evaluate an event that is ${event.status} (allowed from: closed)`,
      { action: 'evaluate', status: event.status, allowedFrom: ['closed'] },
    );
  const comment = body.comment?.trim() || null;
  const updated = await repo.updateEventIfStatus(db, event.id, 'closed', {
    status: 'evaluated',
    rating: body.rating,
    rating_comment: comment,
    rated_at: now,
    updated_at: now,
  });
  if (!updated) throw conflict('EVENT_CHANGED', 'This report was changed meanwhile; reload it');
  await repo.insertStep(db, {
    event_id: event.id,
    at: now,
    action: 'evaluate',
    from_status: 'closed',
    to_status: 'evaluated',
    actor_user_id: null,
    actor_name: actorLabel(REPORTER_VIEWER),
    note: comment,
    details: JSON.stringify({ rating: body.rating, by: 'reporter' }),
  });
  return publicEventView(db, token);
}
