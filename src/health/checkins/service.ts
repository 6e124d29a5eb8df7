import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../audit/repository.js';
import type { Actor, Db } from '../../auth/context.js';
import { can, canAnywhere, scopePaths, type Viewer } from '../../auth/scope.js';
import { AppError, forbidden, invalid, notFound } from '../../core/errors.js';
import { type AreaRow, findAreaById, findAreaInScope } from '../../hierarchy/repository.js';
import { chinaDate } from '../../household-codes/dates.js';
import { CODE_NOT_FOUND, houseByToken } from '../../household-codes/house-by-token.js';
import { tokenHash } from '../../household-codes/tokens.js';
import type { FieldCipher } from '../../privacy/field-crypto.js';
import { maskName, maskPhone } from '../../privacy/masking.js';
import { normalisePhone } from '../../register/protect.js';
import type { InboundReport } from './channels.js';
import { feverFrom, TEMPERATURE_MAX, TEMPERATURE_MIN } from './parse.js';
import * as repo from './repository.js';
import type {
  CheckinAreaFigures,
  CheckinCounts,
  CheckinFigures,
  CheckinFiguresQuery,
  CheckinReceipt,
  DoorCheckinBody,
  DoorCheckinPage,
  InboundResult,
  InboxMessage,
  ProxyCheckinBody,
  ProxyHouseholdList,
  ResolveBody,
} from './schema.js';
import { applyHealthRules } from '../rules/service.js';

/** The most houses the proxy page lists at once; a grid worker narrows with an area. */
const PROXY_HOUSES_LIMIT = 200;
/** The most residents the figures list by name. */
const ATTENTION_LIMIT = 500;
const INBOX_LIMIT = 200;

/**
 * What follows new readings: the health rules (fever ≥ 37.3 °C → fever key person and task) run
 * in the same transaction. One call site for every channel.
 */
async function afterReadings(trx: Db, personIds: readonly number[], now: Date): Promise<void> {
  if (personIds.length === 0) return;
  await applyHealthRules(trx, personIds, now);
}

/** Stores check-ins and runs what follows new readings; answers the persons whose check-in changed. */
async function record(trx: Db, meta: repo.CheckinMeta, rows: readonly repo.CheckinInput[]) {
  const stored = await repo.storeCheckins(trx, meta, rows);
  await afterReadings(
    trx,
    rows.filter((r) => r.temperature !== null).map((r) => r.personId),
    meta.now,
  );
  return stored;
}

const decade = (year: number | null) => (year === null ? null : Math.floor(year / 10) * 10);

// ---------------------------------------------------------------- door page (一户一码)

/** The door page's check-in screen: members numbered, sex and birth decade only, never names. */
export async function doorCheckinPage(db: Db, now: Date, token: string): Promise<DoorCheckinPage> {
  const house = await houseByToken(db, token);
  const day = chinaDate(now);
  const members = await repo.householdMembers(db, [house.id]);
  const today = new Set(
    (
      await repo.checkinsOf(
        db,
        members.map((m) => m.id),
        day,
      )
    ).map((c) => c.person_id),
  );
  return {
    day,
    members: members.map((m, i) => ({
      slot: i + 1,
      sex: m.sex,
      birthDecade: decade(m.birth_year),
      reportedToday: today.has(m.id),
    })),
    temperature: { minimum: TEMPERATURE_MIN, maximum: TEMPERATURE_MAX },
  };
}

/**
 * A household's daily check-in from its door page: one row per member as numbered on the page.
 * The same Idempotency-Key sent again (the offline outbox retrying) changes nothing.
 */
export async function submitDoorCheckin(
  trx: Db,
  now: Date,
  token: string,
  body: DoorCheckinBody,
  idempotencyKey: string | null,
): Promise<CheckinReceipt> {
  const household = await repo.doorHousehold(trx, tokenHash(token));
  if (!household) throw CODE_NOT_FOUND();
  const members = household.members;
  const slots = new Set<number>();
  const rows = body.members.map((m, i) => {
    const member = members[m.slot - 1];
    if (!member || slots.has(m.slot))
      throw invalid('PERSON_NOT_FOUND', `body.members[${i}].slot is not a member of this household`, [
        { field: `body.members.${i}.slot`, code: 'invalid' },
      ]);
    slots.add(m.slot);
    return { personId: member.id, temperature: m.temperature, well: m.well };
  });
  const day = chinaDate(now);
  const stored = await record(
    trx,
    {
      channel: 'door',
      day,
      reportedAt: now,
      now,
      proxyBy: null,
      messageId: `door:${idempotencyKey ?? randomUUID()}`,
    },
    rows,
  );
  return { day, recorded: stored.length };
}

// ---------------------------------------------------------------- proxy (代报)

function userOf(viewer: Viewer) {
  if (viewer.kind !== 'user') throw forbidden('Proxy check-ins are reported by a signed-in user');
  return viewer;
}

/** Health staff of the house's area, or a volunteer who covers the house (志愿者包户). */
async function mayReportFor(db: Db, viewer: Viewer, house: { id: number; area_path: string }) {
  const user = userOf(viewer);
  return can(viewer, 'health.write', house.area_path) || repo.isCoveredBy(db, house.id, user.userId);
}

/** The households the caller reports for: covered ones (volunteers) and those of their health scope. */
export async function proxyHouseholds(
  db: Db,
  actor: Actor,
  areaId: number | undefined,
): Promise<ProxyHouseholdList> {
  const viewer = actor.viewer;
  const user = userOf(viewer);
  const day = chinaDate(actor.now());
  const covered = await repo.coveredHouses(db, user.userId);
  let scoped: Array<{ id: number; address: string; area_path: string }> = [];
  if (canAnywhere(viewer, 'health.write')) {
    const node = await areaOf(db, viewer, 'health.write', areaId);
    scoped = await repo.housesInScope(db, viewer, node.path, PROXY_HOUSES_LIMIT + 1);
  }
  const seen = new Set<number>();
  const houses = [...covered, ...scoped].filter((h) => !seen.has(h.id) && seen.add(h.id));
  const truncated = scoped.length > PROXY_HOUSES_LIMIT;
  const shown = houses.slice(0, PROXY_HOUSES_LIMIT + covered.length);
  const members = await repo.householdMembers(
    db,
    shown.map((h) => h.id),
  );
  const today = new Map(
    (
      await repo.checkinsOf(
        db,
        members.map((m) => m.id),
        day,
      )
    ).map((c) => [c.person_id, c]),
  );
  return {
    day,
    truncated,
    households: shown.map((h) => ({
      houseId: h.id,
      address: h.address,
      members: members
        .filter((m) => m.house_id === h.id)
        .map((m) => {
          const c = today.get(m.id);
          return {
            personId: m.id,
            name: can(viewer, 'person.read', m.area_path) ? m.name : maskName(m.name),
            sex: m.sex,
            birthYear: m.birth_year,
            phoneMasked: m.phone_masked,
            today: c
              ? {
                  temperature: c.temperature === null ? null : Number(c.temperature),
                  well: c.well,
                  channel: c.channel,
                }
              : null,
          };
        }),
    })),
  };
}

/** A worker or volunteer reports for members of a household they cover: marked proxy, with who did it. */
export async function submitProxyCheckin(
  trx: Db,
  actor: Actor,
  body: ProxyCheckinBody,
): Promise<CheckinReceipt> {
  const user = userOf(actor.viewer);
  const house = await repo.findHouse(trx, body.houseId);
  if (!house || !(await mayReportFor(trx, actor.viewer, house)))
    throw new AppError(
      'HOUSE_OUT_OF_SCOPE',
      403,
      'You neither cover this household nor hold health.write there',
    );
  const members = new Set((await repo.householdMembers(trx, [house.id])).map((m) => m.id));
  body.members.forEach((m, i) => {
    if (!members.has(m.personId))
      throw invalid('PERSON_NOT_FOUND', `body.members[${i}].personId is not a member of this household`, [
        { field: `body.members.${i}.personId`, code: 'invalid' },
      ]);
  });
  const now = actor.now();
  const day = chinaDate(now);
  const stored = await record(
    trx,
    { channel: 'proxy', day, reportedAt: now, now, proxyBy: user.userId, messageId: `proxy:${randomUUID()}` },
    body.members,
  );
  await recordAudit(trx, actor, {
    action: 'health.checkin.proxy',
    entityType: 'house',
    entityId: house.id,
    areaPath: house.area_path,
    after: { persons: body.members.map((m) => m.personId) },
  });
  return { day, recorded: stored.length };
}

// ---------------------------------------------------------------- inbound channels (SMS, voice)

/** The id space of a message: an SMS gateway's own (its token), the voice robot's for push and file alike. */
function sourceOf(actor: Actor, channel: 'sms' | 'voice'): string {
  if (channel === 'voice') return 'voice';
  if (actor.viewer.kind !== 'token') throw forbidden('SMS messages come from a gateway token');
  return `token:${actor.viewer.tokenId}`;
}

/** Where an inbound channel's unmatched messages land: the token's area, or the importer's health scope. */
function homeOf(viewer: Viewer): string {
  if (viewer.kind === 'token') return viewer.areaPath;
  return scopePaths(viewer, 'health.write')[0] ?? '/';
}

/**
 * Which residents a reading stands for, from the sender's phone: a temperature or "不舒服" is the
 * sender's own; "平安" (or "3人 平安" with the household's size) is the whole household's. Anything
 * less certain (a phone shared by several, a count that does not fit) goes to the inbox.
 */
function targetsOf(
  reading: Extract<InboundReport['reading'], { ok: true }>,
  senders: ReadonlyArray<{ id: number }>,
  household: readonly repo.MemberRow[],
): number[] | null {
  const sender = senders.length === 1 ? senders[0]!.id : null;
  const whole = household.map((m) => m.id);
  if (reading.temperature !== null || !reading.well) {
    if (reading.persons !== null && reading.persons > 1) return null;
    return sender === null ? null : [sender];
  }
  if (reading.persons === null || reading.persons === whole.length) return whole;
  if (reading.persons === 1 && sender !== null) return [sender];
  return null;
}

/**
 * One inbound message (SMS or voice result): kept once per channel message id, the sender matched
 * by the keyed hash of their phone among residents under the token's area, the reading recorded
 * for the persons it stands for; unreadable or unmatched messages open an inbox entry.
 */
export async function receiveInbound(
  trx: Db,
  actor: Actor,
  cipher: FieldCipher,
  report: InboundReport,
): Promise<InboundResult> {
  const source = sourceOf(actor, report.channel);
  const now = actor.now();
  const phone = normalisePhone(report.phone);
  const hashes = phone.ok ? cipher.lookupHashes('phone', phone.value) : [];
  const home = homeOf(actor.viewer);
  const { senders, household } = await repo.sendersAndHousehold(trx, hashes, home);
  const houseId = household[0]?.house_id ?? null;
  const targets =
    houseId !== null && report.reading.ok ? targetsOf(report.reading, senders, household) : null;
  const outcome: InboundResult['outcome'] =
    houseId === null ? 'unmatched' : targets ? 'recorded' : 'unparsed';
  const message = await repo.insertMessage(trx, {
    channel: report.channel,
    source,
    token_id: actor.viewer.kind === 'token' ? actor.viewer.tokenId : null,
    imported_by: actor.viewer.kind === 'user' ? actor.viewer.userId : null,
    message_id: report.messageId,
    received_at: now,
    sent_at: report.sentAt,
    phone_hash: hashes[0] ?? null,
    phone_masked: phone.ok ? maskPhone(phone.value) : null,
    body: report.body,
    house_id: houseId,
    area_path: household[0]?.area_path ?? home,
    outcome,
    // The persons the message stands for (a replay answers it again).
    recorded: targets?.length ?? 0,
    inbox_status: outcome === 'recorded' ? null : 'open',
  });
  if (!message) {
    const kept = await repo.findMessageById(trx, report.channel, source, report.messageId);
    return {
      messageId: report.messageId,
      outcome: kept?.outcome ?? outcome,
      recorded: kept?.recorded ?? 0,
      duplicate: true,
    };
  }
  if (!targets || !report.reading.ok)
    return { messageId: report.messageId, outcome, recorded: 0, duplicate: false };
  const reading = report.reading;
  const reportedAt = report.sentAt && report.sentAt <= now ? report.sentAt : now;
  const stored = await record(
    trx,
    {
      channel: report.channel,
      day: chinaDate(reportedAt),
      reportedAt,
      now,
      proxyBy: null,
      messageId: `${source}:${report.messageId}`,
    },
    targets.map((personId) => ({ personId, temperature: reading.temperature, well: reading.well })),
  );
  return { messageId: report.messageId, outcome, recorded: stored.length, duplicate: false };
}

// ---------------------------------------------------------------- the worker's inbox

export async function inbox(
  db: Db,
  actor: Actor,
  areaId: number | undefined,
): Promise<{ items: InboxMessage[] }> {
  const node = await areaOf(db, actor.viewer, 'health.read', areaId);
  const rows = await repo.openInbox(db, actor.viewer, node.path, INBOX_LIMIT);
  return {
    items: rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      receivedAt: r.received_at.toISOString(),
      sentAt: r.sent_at ? r.sent_at.toISOString() : null,
      phoneMasked: r.phone_masked,
      text: r.body,
      outcome: r.outcome === 'unmatched' ? 'unmatched' : 'unparsed',
      house: r.house_id !== null && r.address !== null ? { id: r.house_id, address: r.address } : null,
      areaPath: r.area_path,
    })),
  };
}

/**
 * The grid worker of the matched house (or the area's staff) resolves an inbox message: as a
 * resident's check-in (channel staff) or with a note only.
 */
export async function resolveInbox(
  trx: Db,
  actor: Actor,
  id: number,
  body: ResolveBody,
): Promise<{ recorded: number }> {
  const message = await repo.findMessage(trx, id);
  if (!message || !can(actor.viewer, 'health.read', message.area_path))
    throw notFound('RECORD_NOT_IN_INBOX', `Message ${id} is not in your inbox`);
  if (!can(actor.viewer, 'health.write', message.area_path))
    throw forbidden('Resolving needs health.write in the message’s area');
  if (message.inbox_status !== 'open') throw new AppError('INBOX_NOT_OPEN', 409, 'The message was resolved');
  const now = actor.now();
  let recorded = 0;
  if (body.personId !== undefined) {
    const person = await repo.activeResident(trx, body.personId);
    if (!person || !can(actor.viewer, 'health.write', person.area_path))
      throw invalid('PERSON_NOT_FOUND', 'body.personId is no active resident in your area', [
        { field: 'body.personId', code: 'invalid' },
      ]);
    if (body.well === undefined && (body.temperature ?? null) === null)
      throw invalid('VALIDATION_FAILED', 'body.well or body.temperature is required with body.personId', [
        { field: 'body.well', code: 'required' },
      ]);
    const temperature = body.temperature ?? null;
    const reportedAt = message.sent_at ?? message.received_at;
    const stored = await record(
      trx,
      {
        channel: 'staff',
        day: chinaDate(reportedAt),
        reportedAt,
        now,
        proxyBy: null,
        messageId: `inbox:${message.id}`,
      },
      [
        {
          personId: person.id,
          temperature,
          well: (body.well ?? true) && (temperature === null || temperature < feverFrom()),
        },
      ],
    );
    recorded = stored.length;
  }
  const resolution = body.note?.trim() || (recorded ? 'recorded' : 'dismissed');
  if (!(await repo.resolveMessage(trx, id, { by: userOf(actor.viewer).userId, at: now, resolution })))
    throw new AppError('INBOX_NOT_OPEN', 409, 'The message was resolved');
  await recordAudit(trx, actor, {
    action: 'health.checkin.resolve',
    entityType: 'checkin_message',
    entityId: id,
    areaPath: message.area_path,
    after: { personId: body.personId ?? null, recorded },
  });
  return { recorded };
}

// ---------------------------------------------------------------- figures

async function areaOf(
  db: Db,
  viewer: Viewer,
  right: 'health.read' | 'health.write',
  areaId: number | undefined,
) {
  let area: AreaRow | undefined;
  if (areaId !== undefined) area = await findAreaInScope(db, viewer, right, areaId);
  else {
    const id = scopePaths(viewer, right)[0]?.split('/').filter(Boolean).pop();
    area = id ? await findAreaById(db, Number(id)) : undefined;
  }
  if (!area) throw notFound('AREA_NOT_FOUND', `Area ${areaId ?? ''} does not exist or is outside your area`);
  return area;
}

const zero = (): CheckinCounts => ({
  households: 0,
  householdsReported: 0,
  persons: 0,
  reported: 0,
  notReported: 0,
  fevers: 0,
  unwell: 0,
});

function addCounts(into: CheckinCounts, row: repo.PathCounts): void {
  into.households += row.households;
  into.householdsReported += row.households_reported;
  into.persons += row.persons;
  into.reported += row.reported;
  into.notReported += row.persons - row.reported;
  into.fevers += row.fevers;
  into.unwell += row.unwell;
}

/**
 * Today's check-ins under an area: totals, per grid and per row (埭/楼栋, the cell areas), and the
 * residents to look at (not reported, fever, unwell), in the caller's health.read scope.
 */
export async function checkinFigures(
  db: Db,
  actor: Actor,
  query: CheckinFiguresQuery,
): Promise<CheckinFigures> {
  const viewer = actor.viewer;
  const node = await areaOf(db, viewer, 'health.read', query.areaId);
  const date = query.date ?? chinaDate(actor.now());
  const [counts, areas, attention, inboxOpen] = await Promise.all([
    repo.countsByPath(db, viewer, node.path, date),
    repo.areasUnder(db, node.path, ['grid', 'cell']),
    repo.attentionList(db, viewer, node.path, date, ATTENTION_LIMIT + 1),
    repo.countOpenInbox(db, viewer, node.path),
  ]);
  const total = zero();
  for (const row of counts) addCounts(total, row);
  const rowsOf = (level: 'grid' | 'cell'): CheckinAreaFigures[] =>
    areas
      .filter((a) => a.level === level)
      .map((a) => {
        const sum = zero();
        for (const row of counts) if (row.area_path.startsWith(a.path)) addCounts(sum, row);
        return { area: { id: a.id, code: a.code, name: a.name, path: a.path }, level, ...sum };
      });
  return {
    area: { id: node.id, code: node.code, name: node.name, path: node.path },
    date,
    total,
    grids: rowsOf('grid'),
    cells: rowsOf('cell'),
    attention: attention.slice(0, ATTENTION_LIMIT).map((r) => ({
      personId: r.person_id,
      name: can(viewer, 'person.read', r.area_path ?? '') ? r.name : maskName(r.name),
      phoneMasked: r.phone_masked,
      houseId: r.house_id,
      address: r.address,
      state: r.state,
      temperature: r.temperature === null ? null : Number(r.temperature),
      channel: r.channel,
      reportedAt: r.reported_at ? r.reported_at.toISOString() : null,
    })),
    attentionTruncated: attention.length > ATTENTION_LIMIT,
    inboxOpen,
  };
}
