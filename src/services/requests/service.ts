import { createHash, randomBytes, randomInt } from 'node:crypto';
import { recordAnonymousAudit, recordAudit } from '../../audit/repository.js';
import type { Actor, Db } from '../../auth/context.js';
import { AppError, conflict, forbidden, notFound } from '../../core/errors.js';
import type { PageOf } from '../../core/pagination.js';
import type { ResidentRequestStatus } from '../../db/schema.js';
import { findAreaInScope, gridAndMicrogridOf } from '../../hierarchy/repository.js';
import { chinaDate } from '../../household-codes/dates.js';
import { checkedName, checkedOptionalText, checkedText } from '../../household-codes/validation.js';
import { type Locale } from '../../i18n/locale.js';
import { requestKindName } from '../../i18n/messages.js';
import { notificationText } from '../../i18n/notifications.js';
import { notifyInTheirLanguage } from '../../notifications/notify.js';
import type { FieldCipher } from '../../privacy/field-crypto.js';
import { revealValue } from '../../privacy/present.js';
import { protectName, protectPhone } from '../../privacy/protect.js';
import { checkedPhone } from '../../register/person-service.js';
import { findHouseInScope } from '../../register/repository.js';
import { houseByToken } from '../../household-codes/house-by-token.js';
import * as repo from './repository.js';
import {
  isSet,
  type NoteBody,
  type PublicReceipt,
  type PublicRequestBody,
  type PublicRequestView,
  type ReassignBody,
  type RequestDetail,
  type RequestQuery,
  type RequestView,
  type WorkerRequestBody,
} from './schema.js';
import { holdsRoleInOrAbove } from '../../auth/repository.js';
import { isStaffAt, rolesWith, type Viewer } from '../../auth/scope.js';

const RESIDENT_ACTOR = '居民(一户一码)';
const OPEN_STATUSES: ResidentRequestStatus[] = ['open', 'accepted', 'delivered'];

const REQUEST_NOT_FOUND = (id: number | string) =>
  notFound('REQUEST_NOT_FOUND', `Request ${id} does not exist or is outside your area`);
/** The same answer for an unknown and a mistyped link: a guesser learns nothing. */
const FOLLOW_LINK_NOT_FOUND = () =>
  notFound('REQUEST_NOT_FOUND', 'No request belongs to this link (check that it was copied whole)');

/** A follow link's secret: 192 random bits; only its SHA-256 is stored. */
const newFollowToken = () => randomBytes(24).toString('base64url');
const followTokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export function presentRequest(row: repo.RequestRow, viewer: Viewer): RequestView {
  return {
    id: row.id,
    code: row.code,
    kind: row.kind,
    details: row.details,
    urgency: row.urgency,
    status: row.status,
    channel: row.channel,
    house: { id: row.house_id, address: row.house_address },
    area: { id: row.area_id, code: row.area_code, name: row.area_name },
    requesterName: row.requester_name_masked,
    contactMasked: row.contact_masked,
    volunteer:
      row.volunteer_user_id === null
        ? null
        : { userId: row.volunteer_user_id, name: row.volunteer_name ?? '' },
    createdBy: row.created_by_name ?? (row.channel === 'household_code' ? RESIDENT_ACTOR : null),
    note: row.note,
    createdAt: row.created_at.toISOString(),
    acceptedAt: row.accepted_at?.toISOString() ?? null,
    deliveredAt: row.delivered_at?.toISOString() ?? null,
    closedAt: row.closed_at?.toISOString() ?? null,
    allowedActions: allowedRequestActions(viewer, row),
  };
}

function presentPublic(row: repo.RequestRow, locale: Locale): PublicRequestView {
  return {
    code: row.code,
    kind: row.kind,
    kindLabel: requestKindName(locale, row.kind),
    details: row.details,
    urgency: row.urgency,
    status: row.status,
    volunteer: row.volunteer_name ? { name: row.volunteer_name } : null,
    createdAt: row.created_at.toISOString(),
    acceptedAt: row.accepted_at?.toISOString() ?? null,
    deliveredAt: row.delivered_at?.toISOString() ?? null,
    closedAt: row.closed_at?.toISOString() ?? null,
  };
}

const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** RQ + the China date + 6 random characters: readable over the phone, not guessable. */
function newRequestCode(now: Date): string {
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `RQ${chinaDate(now).replaceAll('-', '')}${suffix}`;
}

interface CheckedInput {
  kind: PublicRequestBody['kind'];
  details: string;
  urgency: 'normal' | 'urgent';
  requesterName: { encrypted: string; masked: string } | null;
  contact: { encrypted: string; masked: string } | null;
}

function checkedInput(cipher: FieldCipher, body: PublicRequestBody): CheckedInput {
  const phone = checkedPhone(body.contactPhone, 'body.contactPhone');
  const name = checkedOptionalText(body.requesterName, 'body.requesterName');
  return {
    kind: body.kind,
    details: checkedText(body.details, 'body.details'),
    urgency: body.urgency ?? 'normal',
    requesterName: name === null ? null : protectName(cipher, checkedName(name, 'body.requesterName')),
    contact: phone === null ? null : protectPhone(cipher, phone),
  };
}

interface House {
  id: number;
  area_id: number;
  area_path: string;
  address: string;
}

/**
 * Stores the request and routes it: to the volunteer covering the house, or — when nobody covers
 * it — to the grid's responders, who see it as unassigned.
 */
async function createAndRoute(
  db: Db,
  house: House,
  input: CheckedInput,
  channel: 'household_code' | 'worker',
  createdBy: number | null,
  now: Date,
  followHash: string | null = null,
): Promise<{ id: number; code: string; volunteerId: number | null }> {
  const volunteer = await repo.coveringVolunteer(db, house.id);
  const code = newRequestCode(now);
  const id = await repo.insertRequest(db, {
    code,
    house_id: house.id,
    area_id: house.area_id,
    area_path: house.area_path,
    kind: input.kind,
    details: input.details,
    urgency: input.urgency,
    status: 'open',
    channel,
    requester_name_secret: input.requesterName?.encrypted ?? null,
    requester_name_masked: input.requesterName?.masked ?? null,
    contact_secret: input.contact?.encrypted ?? null,
    contact_masked: input.contact?.masked ?? null,
    volunteer_user_id: volunteer?.id ?? null,
    created_by_user_id: createdBy,
    follow_token_hash: followHash,
    created_at: now,
  });
  const common = {
    priority: input.urgency,
    title: (locale: Locale) =>
      notificationText(locale, input.urgency === 'urgent' ? 'requestNewUrgent' : 'requestNew', {
        kind: requestKindName(locale, input.kind),
      }),
    body: `${house.address}：${input.details.slice(0, 200)}`,
    link: `/service-requests/${id}`,
    readRule: repo.REQUEST_READ_RULE,
    entityId: id,
    now,
  } as const;
  if (volunteer) {
    await notifyInTheirLanguage(db, {
      ...common,
      userIds: [volunteer.id],
      kind: 'request.new',
      dedupeKey: `request:${id}:new`,
    });
  } else {
    await notifyInTheirLanguage(db, {
      ...common,
      userIds: await repo.responders(db, house.area_path),
      kind: 'request.unassigned',
      dedupeKey: `request:${id}:unassigned`,
    });
  }
  return { id, code, volunteerId: volunteer?.id ?? null };
}

function auditAfter(input: CheckedInput, volunteerId: number | null) {
  return {
    kind: input.kind,
    urgency: input.urgency,
    status: 'open',
    volunteerUserId: volunteerId,
    contact: input.contact ? input.contact.masked : null,
  };
}

// ---- residents, through the door code ----

export async function submitPublicRequest(
  db: Db,
  cipher: FieldCipher,
  now: Date,
  ip: string | null,
  token: string,
  body: PublicRequestBody,
): Promise<PublicReceipt> {
  const house = await houseByToken(db, token);
  const input = checkedInput(cipher, body);
  const followToken = newFollowToken();
  const created = await createAndRoute(
    db,
    house,
    input,
    'household_code',
    null,
    now,
    followTokenHash(followToken),
  );
  await recordAnonymousAudit(
    db,
    { name: RESIDENT_ACTOR, userId: null, ip, at: now },
    {
      action: 'service_request.create',
      entityType: 'service_request',
      entityId: created.id,
      areaPath: house.area_path,
      after: auditAfter(input, created.volunteerId),
    },
  );
  return {
    code: created.code,
    status: 'open',
    routedToVolunteer: created.volunteerId !== null,
    message: created.volunteerId
      ? '已提交，包户志愿者会尽快联系您 (submitted; your volunteer will contact you soon)'
      : '已提交，网格员会尽快安排 (submitted; the grid worker will arrange help soon)',
    followToken,
  };
}

/** What whoever asked sees through the request's follow link. */
export async function followedRequest(
  db: Db,
  followToken: string,
  locale: Locale,
): Promise<PublicRequestView> {
  const row = await repo.findByFollowHash(db, followTokenHash(followToken));
  if (!row) throw FOLLOW_LINK_NOT_FOUND();
  return presentPublic(row, locale);
}

/** Whoever asked withdraws the request through its follow link, before it is delivered. */
export async function cancelFollowedRequest(
  db: Db,
  now: Date,
  ip: string | null,
  followToken: string,
  locale: Locale,
): Promise<PublicRequestView> {
  const row = await repo.findByFollowHash(db, followTokenHash(followToken));
  if (!row) throw FOLLOW_LINK_NOT_FOUND();
  await transition(db, row, 'cancel', { status: 'cancelled', closed_at: now });
  await recordAnonymousAudit(
    db,
    { name: RESIDENT_ACTOR, userId: null, ip, at: now },
    {
      action: 'service_request.cancel',
      entityType: 'service_request',
      entityId: row.id,
      areaPath: row.area_path,
      before: { status: row.status },
      after: { status: 'cancelled' },
    },
  );
  if (row.volunteer_user_id !== null)
    await notifyInTheirLanguage(db, {
      userIds: [row.volunteer_user_id],
      kind: 'request.cancelled',
      title: (locale) =>
        notificationText(locale, 'requestWithdrawn', { kind: requestKindName(locale, row.kind) }),
      body: row.house_address,
      link: `/service-requests/${row.id}`,
      readRule: repo.REQUEST_READ_RULE,
      entityId: row.id,
      dedupeKey: `request:${row.id}:cancelled`,
      now,
    });
  return presentPublic(await repo.findRequest(db, row.id), locale);
}

// ---- workers and volunteers ----

export async function createForHouse(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  body: WorkerRequestBody,
): Promise<RequestDetail> {
  const house = await findHouseInScope(db, actor.viewer, 'service.handle', body.houseId);
  if (!house)
    throw notFound(
      'HOUSE_NOT_FOUND',
      `houseId: house ${body.houseId} does not exist or is outside your area`,
    );
  const input = checkedInput(cipher, body);
  const userId = actor.viewer.kind === 'user' ? actor.viewer.userId : null;
  const created = await createAndRoute(db, house, input, 'worker', userId, actor.now());
  await recordAudit(db, actor, {
    action: 'service_request.create',
    entityType: 'service_request',
    entityId: created.id,
    areaPath: house.area_path,
    after: auditAfter(input, created.volunteerId),
  });
  return getRequest(db, actor, created.id);
}

export async function listRequests(db: Db, actor: Actor, query: RequestQuery): Promise<PageOf<RequestView>> {
  let withinPath: string | undefined;
  if (query.areaId !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'service.handle', query.areaId);
    if (!area)
      throw notFound('AREA_NOT_FOUND', `areaId: area ${query.areaId} does not exist or is outside your area`);
    withinPath = area.path;
  }
  const viewer = actor.viewer;
  const page = await repo.listRequests(db, viewer, {
    mineUserId: isSet(query.mine) ? (viewer.kind === 'user' ? viewer.userId : -1) : undefined,
    withinPath,
    statuses: query.status === 'active' ? OPEN_STATUSES : query.status ? [query.status] : undefined,
    kind: query.kind,
    urgency: query.urgency,
    unassigned: isSet(query.unassigned),
    page: query.page,
    pageSize: query.pageSize,
  });
  return { ...page, items: page.items.map((row) => presentRequest(row, actor.viewer)) };
}

export async function getRequest(db: Db, actor: Actor, id: number): Promise<RequestDetail> {
  const row = await repo.findVisible(db, actor.viewer, id);
  if (!row) throw REQUEST_NOT_FOUND(id);
  const history = await repo.historyOf(db, id);
  return {
    ...presentRequest(row, actor.viewer),
    history: history.map((h) => {
      const before = h.before as { status?: string } | null;
      const after = h.after as { status?: string } | null;
      return {
        at: h.at.toISOString(),
        action: h.action.replace(/^service_request\./, ''),
        actor: h.actor_name,
        fromStatus: before?.status ?? null,
        toStatus: after?.status ?? null,
        note: h.reason,
      };
    }),
  };
}

type Action = 'accept' | 'deliver' | 'close' | 'cancel' | 'reassign';
/** The statuses each action may start from: accept → delivered → closed; cancel and reassign before delivery. */
const ALLOWED_FROM: Record<Action, readonly ResidentRequestStatus[]> = {
  accept: ['open'],
  deliver: ['accepted'],
  close: ['delivered'],
  cancel: ['open', 'accepted'],
  reassign: ['open', 'accepted'],
};

const PAST: Record<Action, string> = {
  accept: 'accepted',
  deliver: 'delivered',
  close: 'closed',
  cancel: 'cancelled',
  reassign: 'reassigned',
};

function illegal(row: { id: number; status: string }, action: Action) {
  return conflict(
    'REQUEST_STATUS_CONFLICT',
    `Request ${row.id} is ${row.status}; it cannot be ${PAST[action]} now`,
    { status: row.status, allowedFrom: ALLOWED_FROM[action] },
  );
}

/** Applies a status change only from the allowed statuses; a concurrent change makes it a 409. */
async function transition(
  db: Db,
  row: repo.RequestRow,
  action: Action,
  changes: Parameters<typeof repo.guardedUpdate>[3],
): Promise<void> {
  if (!ALLOWED_FROM[action].includes(row.status)) throw illegal(row, action);
  if (!(await repo.guardedUpdate(db, row.id, ALLOWED_FROM[action], changes))) {
    const current = await repo.findRequest(db, row.id);
    throw illegal(current, action);
  }
}

async function visibleRow(db: Db, actor: Actor, id: number) {
  const row = await repo.findVisible(db, actor.viewer, id);
  if (!row) throw REQUEST_NOT_FOUND(id);
  return { row, ...roleIn(actor.viewer, row) };
}

function roleIn(viewer: Viewer, row: Pick<repo.RequestRow, 'volunteer_user_id' | 'area_path'>) {
  return {
    isAssignee: viewer.kind === 'user' && row.volunteer_user_id === viewer.userId,
    isStaff: isStaffAt(viewer, row.area_path),
    userId: viewer.kind === 'user' ? viewer.userId : null,
  };
}

type Move = Action | 'reveal';
const MOVES: readonly Move[] = ['accept', 'deliver', 'close', 'cancel', 'reassign', 'reveal'];

/** Why the viewer may not make this move on the request (null: they may). The one rule the actions and allowedActions use. */
function refusal(viewer: Viewer, row: Pick<repo.RequestRow, 'volunteer_user_id' | 'area_path'>, move: Move) {
  const { isAssignee, isStaff, userId } = roleIn(viewer, row);
  switch (move) {
    case 'accept':
      return isAssignee || (isStaff && userId !== null)
        ? null
        : 'Only the volunteer it is routed to, or a grid worker, may accept it';
    case 'deliver':
      return isAssignee || isStaff
        ? null
        : 'Only the volunteer it is routed to, or a grid worker, may report delivery';
    case 'close':
      return isAssignee || isStaff
        ? null
        : 'Only the volunteer it is routed to, or a grid worker, may close it';
    case 'cancel':
      return isStaff ? null : 'Only a grid worker or the resident may cancel a request';
    case 'reassign':
      return isStaff ? null : 'Only a grid worker or leader may reassign a request';
    case 'reveal':
      return isAssignee || isStaff ? null : 'Only the volunteer or a grid worker may see the contact';
  }
}

function refuseUnless(viewer: Viewer, row: repo.RequestRow, move: Move): void {
  const reason = refusal(viewer, row, move);
  if (reason) throw forbidden(reason);
}

/** The moves open to the viewer now: allowed to them, from this status, and not already someone else's to accept. */
export function allowedRequestActions(viewer: Viewer, row: repo.RequestRow): Move[] {
  const { isAssignee } = roleIn(viewer, row);
  return MOVES.filter((move) => {
    if (refusal(viewer, row, move)) return false;
    if (move === 'reveal') return row.contact_masked !== null;
    if (!ALLOWED_FROM[move].includes(row.status)) return false;
    // Staff accept only what is routed to nobody (else 409 REQUEST_ASSIGNED_TO_OTHER: reassign first).
    return move !== 'accept' || isAssignee || row.volunteer_user_id === null;
  });
}

async function audit(
  db: Db,
  actor: Actor,
  row: repo.RequestRow,
  action: Action,
  after: object,
  note?: string,
) {
  await recordAudit(db, actor, {
    action: `service_request.${action}`,
    entityType: 'service_request',
    entityId: row.id,
    areaPath: row.area_path,
    before: { status: row.status, volunteerUserId: row.volunteer_user_id },
    after,
    reason: note?.trim() || null,
  });
}

export async function acceptRequest(
  db: Db,
  actor: Actor,
  id: number,
  body: NoteBody,
): Promise<RequestDetail> {
  const { row, isAssignee, userId } = await visibleRow(db, actor, id);
  refuseUnless(actor.viewer, row, 'accept');
  if (!isAssignee) {
    if (row.volunteer_user_id !== null)
      throw conflict(
        'REQUEST_ASSIGNED_TO_OTHER',
        `Request ${id} is routed to ${row.volunteer_name ?? `user ${row.volunteer_user_id}`}; reassign it first`,
      );
  }
  // A worker accepting an unassigned request takes it on.
  const volunteer = row.volunteer_user_id ?? userId;
  await transition(db, row, 'accept', {
    status: 'accepted',
    accepted_at: actor.now(),
    volunteer_user_id: volunteer,
  });
  await audit(db, actor, row, 'accept', { status: 'accepted', volunteerUserId: volunteer }, body.note);
  return getRequest(db, actor, id);
}

export async function deliverRequest(
  db: Db,
  actor: Actor,
  id: number,
  body: NoteBody,
): Promise<RequestDetail> {
  const { row } = await visibleRow(db, actor, id);
  refuseUnless(actor.viewer, row, 'deliver');
  const note = body.note?.trim() || undefined;
  await transition(db, row, 'deliver', {
    status: 'delivered',
    delivered_at: actor.now(),
    ...(note ? { note } : {}),
  });
  await audit(db, actor, row, 'deliver', { status: 'delivered' }, body.note);
  return getRequest(db, actor, id);
}

export async function closeRequest(db: Db, actor: Actor, id: number, body: NoteBody): Promise<RequestDetail> {
  const { row } = await visibleRow(db, actor, id);
  refuseUnless(actor.viewer, row, 'close');
  await transition(db, row, 'close', { status: 'closed', closed_at: actor.now() });
  await audit(db, actor, row, 'close', { status: 'closed' }, body.note);
  return getRequest(db, actor, id);
}

export async function cancelRequest(
  db: Db,
  actor: Actor,
  id: number,
  body: NoteBody,
): Promise<RequestDetail> {
  const { row } = await visibleRow(db, actor, id);
  refuseUnless(actor.viewer, row, 'cancel');
  await transition(db, row, 'cancel', { status: 'cancelled', closed_at: actor.now() });
  await audit(db, actor, row, 'cancel', { status: 'cancelled' }, body.note);
  if (
    row.volunteer_user_id !== null &&
    row.volunteer_user_id !== (actor.viewer.kind === 'user' ? actor.viewer.userId : null)
  )
    await notifyInTheirLanguage(db, {
      userIds: [row.volunteer_user_id],
      kind: 'request.cancelled',
      title: (locale) =>
        notificationText(locale, 'requestCancelled', { kind: requestKindName(locale, row.kind) }),
      body: row.house_address,
      link: `/service-requests/${row.id}`,
      readRule: repo.REQUEST_READ_RULE,
      entityId: row.id,
      dedupeKey: `request:${row.id}:cancelled`,
      now: actor.now(),
    });
  return getRequest(db, actor, id);
}

/** Staff hand the request to another volunteer (or worker) serving the house; it starts again as open. */
export async function reassignRequest(
  db: Db,
  actor: Actor,
  id: number,
  body: ReassignBody,
): Promise<RequestDetail> {
  const { row } = await visibleRow(db, actor, id);
  refuseUnless(actor.viewer, row, 'reassign');
  if (body.volunteerUserId === row.volunteer_user_id)
    throw conflict(
      'REQUEST_ALREADY_ASSIGNED',
      `Request ${id} is already routed to user ${body.volunteerUserId}`,
    );
  const { microgrid, grid } = await gridAndMicrogridOf(db, row.area_path);
  const servingPath = microgrid?.path ?? grid?.path ?? row.area_path;
  if (!(await holdsRoleInOrAbove(db, body.volunteerUserId, servingPath, rolesWith('service.handle'))))
    throw new AppError(
      'VOLUNTEER_NOT_IN_AREA',
      400,
      `volunteerUserId: user ${body.volunteerUserId} holds no volunteer or worker role in or above this house’s micro-grid`,
      [
        {
          field: 'body.volunteerUserId',
          code: 'volunteerRole',
          message: 'holds no volunteer or worker role near the house',
        },
      ],
    );
  await transition(db, row, 'reassign', {
    status: 'open',
    accepted_at: null,
    volunteer_user_id: body.volunteerUserId,
  });
  await audit(
    db,
    actor,
    row,
    'reassign',
    { status: 'open', volunteerUserId: body.volunteerUserId },
    body.note,
  );
  await notifyInTheirLanguage(db, {
    userIds: [body.volunteerUserId],
    kind: 'request.assigned',
    priority: row.urgency,
    title: (locale) =>
      notificationText(locale, row.urgency === 'urgent' ? 'requestReassignedUrgent' : 'requestReassigned', {
        kind: requestKindName(locale, row.kind),
      }),
    body: `${row.house_address}：${row.details.slice(0, 200)}`,
    link: `/service-requests/${row.id}`,
    readRule: repo.REQUEST_READ_RULE,
    entityId: row.id,
    now: actor.now(),
  });
  return getRequest(db, actor, id);
}

/** The resident's phone, for the volunteer or worker who must call back; audit-logged with the reason. */
export async function revealContact(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  id: number,
  reason: string,
): Promise<{ phone: string | null }> {
  const { row } = await visibleRow(db, actor, id);
  refuseUnless(actor.viewer, row, 'reveal');
  const phone = row.contact_secret ? revealValue(cipher, row.contact_secret) : null;
  await recordAudit(db, actor, {
    action: 'service_request.contact.reveal',
    entityType: 'service_request',
    entityId: row.id,
    areaPath: row.area_path,
    reason: reason.trim(),
  });
  return { phone };
}
