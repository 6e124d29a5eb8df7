import { type Insertable, type Selectable, sql } from 'kysely';
import type { Db } from '../../auth/context.js';
import { inScope, inSubtrees, type Viewer } from '../../auth/scope.js';
import type { CheckinChannel, CheckinMessagesTable } from '../../db/schema.js';
import { advanceFrom } from '../feeds/repository.js';
import { feverFrom } from './parse.js';

// All SQL of the daily check-ins (平安报): set-based, one statement per report whatever its size.

/** The source of the health records a check-in's temperatures become. */
export const CHECKIN_SOURCE = 'checkin';

export interface MemberRow {
  id: number;
  name: string;
  sex: 'male' | 'female' | 'unknown';
  birth_year: number | null;
  house_id: number;
  area_path: string;
  phone_masked: string | null;
}

/** The active residents of a house, in a stable order (the door page numbers them 成员1, 成员2, …). */
export async function householdMembers(db: Db, houseIds: readonly number[]): Promise<MemberRow[]> {
  if (houseIds.length === 0) return [];
  return db
    .selectFrom('persons')
    .select(['id', 'name', 'sex', 'birth_year', 'area_path', 'phone_masked'])
    .select(sql<number>`house_id`.as('house_id'))
    .where('house_id', 'in', [...houseIds])
    .where('status', '=', 'active')
    .where('area_path', 'is not', null)
    .orderBy('house_id')
    .orderBy('id')
    .execute() as Promise<MemberRow[]>;
}

/**
 * The house an active household door code opens and its active residents (in door-page order),
 * in one statement: the door check-in is the busiest public form of the morning. Undefined when
 * the code is unknown, revoked, or its house retired.
 */
export async function doorHousehold(db: Db, tokenHash: string) {
  const rows = await sql<{ house_id: number; member: MemberRow | null }>`
    select h.id as house_id, case when p.id is null then null else json_build_object('id', p.id, 'name', p.name,
      'sex', p.sex, 'birth_year', p.birth_year, 'house_id', p.house_id, 'area_path', p.area_path,
      'phone_masked', p.phone_masked) end as member
    from access_codes c
    join houses h on h.id = c.house_id and h.retired_at is null
    left join persons p on p.house_id = h.id and p.status = 'active' and p.area_path is not null
    where c.token_hash = ${tokenHash} and c.kind = 'household' and c.status = 'active'
    order by p.id`.execute(db);
  const first = rows.rows[0];
  if (!first) return undefined;
  return { houseId: first.house_id, members: rows.rows.flatMap((r) => (r.member ? [r.member] : [])) };
}

/**
 * Residents whose phone has one of these keyed hashes (under `within`), and when they all live in
 * one house, that household's active residents: the SMS/voice sender and who they may speak for.
 */
export async function sendersAndHousehold(db: Db, hashes: readonly string[], within: string) {
  if (hashes.length === 0) return { senders: [], household: [] as MemberRow[] };
  const rows = await sql<MemberRow & { sender: boolean }>`
    with s as (
      select id, house_id from persons
      where phone_hash in (${sql.join([...hashes])}) and status = 'active' and house_id is not null
        and ${inSubtrees([within], 'area_path')}
    ), one as (select min(house_id) as house_id from s having count(distinct house_id) = 1)
    select s.id, null as name, null as sex, null as birth_year, s.house_id, null as area_path,
      null as phone_masked, true as sender
    from s
    union all
    select p.id, p.name, p.sex, p.birth_year, p.house_id, p.area_path, p.phone_masked, false
    from one join persons p on p.house_id = one.house_id and p.status = 'active' and p.area_path is not null
    order by sender desc, id`.execute(db);
  return {
    senders: rows.rows.filter((r) => r.sender).map((r) => ({ id: r.id, house_id: r.house_id })),
    household: rows.rows.filter((r) => !r.sender) as MemberRow[],
  };
}

/** An active resident living in a house. */
export async function activeResident(db: Db, personId: number) {
  const row = await db
    .selectFrom('persons')
    .select(['id', 'area_path', 'house_id'])
    .where('id', '=', personId)
    .where('status', '=', 'active')
    .where('house_id', 'is not', null)
    .where('area_path', 'is not', null)
    .executeTakeFirst();
  return row ? { id: row.id, area_path: row.area_path!, house_id: row.house_id! } : undefined;
}

export interface TodayRow {
  person_id: number;
  temperature: string | null;
  well: boolean;
  channel: CheckinChannel;
  reported_at: Date;
}

/** Today's check-ins of these persons. */
export async function checkinsOf(db: Db, personIds: readonly number[], day: string): Promise<TodayRow[]> {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('health_checkins')
    .select(['person_id', 'temperature', 'well', 'channel', 'reported_at'])
    .where('person_id', 'in', [...personIds])
    .where('day', '=', day)
    .execute();
}

export interface CheckinInput {
  personId: number;
  temperature: number | null;
  well: boolean;
}

export interface CheckinMeta {
  channel: CheckinChannel;
  day: string;
  reportedAt: Date;
  now: Date;
  proxyBy: number | null;
  /** The channel's message/call id or the door page's key: a replay of it changes nothing. */
  messageId: string;
}

/**
 * Stores the check-ins (a later report of the day replaces the earlier one, a replay of the same
 * message id changes nothing), turns every temperature into a health record of source `checkin`
 * and moves the persons' last temperature forward as a feed's temperatures do: one statement.
 * Persons who are not active residents are skipped; answers the persons stored.
 */
export async function storeCheckins(
  db: Db,
  meta: CheckinMeta,
  rows: readonly CheckinInput[],
): Promise<number[]> {
  if (rows.length === 0) return [];
  const result = await sql<{ person_id: number }>`
    with i as (
      select i.person_id, i.temperature, i.well, p.house_id, p.area_path
      from unnest(${rows.map((r) => r.personId)}::int[], ${rows.map((r) => (r.temperature === null ? null : Math.round(r.temperature * 10) / 10))}::numeric[],
        ${rows.map((r) => r.well)}::bool[]) as i(person_id, temperature, well)
      join persons p on p.id = i.person_id and p.status = 'active' and p.area_path is not null
    ), up as (
      insert into health_checkins (person_id, house_id, area_path, day, reported_at, temperature, well, channel,
        proxy_by, message_id, created_at)
      select person_id, house_id, area_path, ${meta.day}::date, ${meta.reportedAt}::timestamptz, temperature, well,
        ${meta.channel}, ${meta.proxyBy}::int, ${meta.messageId}, ${meta.now}::timestamptz
      from i
      on conflict (person_id, day) do update set house_id = excluded.house_id, area_path = excluded.area_path,
        reported_at = excluded.reported_at, temperature = excluded.temperature, well = excluded.well,
        channel = excluded.channel, proxy_by = excluded.proxy_by, message_id = excluded.message_id,
        created_at = excluded.created_at
      where health_checkins.message_id is distinct from excluded.message_id
        and health_checkins.reported_at <= excluded.reported_at
      returning person_id
    ), rec as (
      insert into health_records (kind, source, record_key, batch_id, person_id, area_path, occurred_at, value,
        details, created_at)
      select 'temperature', ${CHECKIN_SOURCE}, ${meta.channel} || ':' || ${meta.messageId} || ':' || person_id,
        null, person_id, area_path, ${meta.reportedAt}::timestamptz, temperature,
        jsonb_build_object('channel', ${meta.channel}::text, 'well', well), ${meta.now}::timestamptz
      from i where temperature is not null
      on conflict (kind, source, record_key) do nothing
      returning person_id, occurred_at, result, value
    ), advanced as (${advanceFrom('temperature', sql`rec`, meta.now)})
    select person_id from up`.execute(db);
  return result.rows.map((r) => r.person_id);
}

// ---------------------------------------------------------------- inbound messages

export type CheckinMessageRow = Selectable<CheckinMessagesTable>;

/** Keeps an inbound message once per gateway and message id; undefined when it was kept before. */
export async function insertMessage(
  db: Db,
  row: Insertable<CheckinMessagesTable>,
): Promise<CheckinMessageRow | undefined> {
  return db
    .insertInto('checkin_messages')
    .values(row)
    .onConflict((oc) => oc.columns(['channel', 'source', 'message_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findMessageById(db: Db, channel: 'sms' | 'voice', source: string, messageId: string) {
  return db
    .selectFrom('checkin_messages')
    .selectAll()
    .where('channel', '=', channel)
    .where('source', '=', source)
    .where('message_id', '=', messageId)
    .executeTakeFirst();
}

/** The open inbox in the viewer's scope (health.read), under the node, newest first. */
export async function openInbox(db: Db, viewer: Viewer, nodePath: string, limit: number) {
  return db
    .selectFrom('checkin_messages as m')
    .leftJoin('houses as h', 'h.id', 'm.house_id')
    .select([
      'm.id',
      'm.channel',
      'm.received_at',
      'm.sent_at',
      'm.phone_masked',
      'm.body',
      'm.outcome',
      'm.house_id',
      'm.area_path',
      'h.address',
    ])
    .where('m.inbox_status', '=', 'open')
    .where(inSubtrees([nodePath], 'm.area_path'))
    .where(inScope(viewer, 'health.read', 'm.area_path'))
    .orderBy('m.received_at', 'desc')
    .orderBy('m.id', 'desc')
    .limit(limit)
    .execute();
}

export async function countOpenInbox(db: Db, viewer: Viewer, nodePath: string): Promise<number> {
  const row = await db
    .selectFrom('checkin_messages as m')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('m.inbox_status', '=', 'open')
    .where(inSubtrees([nodePath], 'm.area_path'))
    .where(inScope(viewer, 'health.read', 'm.area_path'))
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function findMessage(db: Db, id: number) {
  return db.selectFrom('checkin_messages').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function resolveMessage(
  db: Db,
  id: number,
  change: { by: number | null; at: Date; resolution: string },
): Promise<boolean> {
  const row = await db
    .updateTable('checkin_messages')
    .set({
      inbox_status: 'resolved',
      resolved_by: change.by,
      resolved_at: change.at,
      resolution: change.resolution,
    })
    .where('id', '=', id)
    .where('inbox_status', '=', 'open')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

// ---------------------------------------------------------------- proxy reports

/** Houses a volunteer covers (志愿者包户), and their area. */
export async function coveredHouses(db: Db, volunteerUserId: number) {
  return db
    .selectFrom('volunteer_households as v')
    .innerJoin('houses as h', 'h.id', 'v.house_id')
    .select(['h.id', 'h.address', 'h.area_path'])
    .where('v.volunteer_user_id', '=', volunteerUserId)
    .where('h.retired_at', 'is', null)
    .orderBy('h.id')
    .execute();
}

export async function isCoveredBy(db: Db, houseId: number, volunteerUserId: number): Promise<boolean> {
  const row = await db
    .selectFrom('volunteer_households')
    .select('house_id')
    .where('house_id', '=', houseId)
    .where('volunteer_user_id', '=', volunteerUserId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Live houses with residents under the node and where the viewer holds health.write, by address. */
export async function housesInScope(db: Db, viewer: Viewer, nodePath: string, limit: number) {
  return db
    .selectFrom('houses as h')
    .select(['h.id', 'h.address', 'h.area_path'])
    .where('h.retired_at', 'is', null)
    .where(inSubtrees([nodePath], 'h.area_path'))
    .where(inScope(viewer, 'health.write', 'h.area_path'))
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('persons as p')
          .select('p.id')
          .whereRef('p.house_id', '=', 'h.id')
          .where('p.status', '=', 'active'),
      ),
    )
    .orderBy('h.area_path')
    .orderBy('h.address')
    .limit(limit)
    .execute();
}

export async function findHouse(db: Db, id: number) {
  return db
    .selectFrom('houses')
    .select(['id', 'address', 'area_path'])
    .where('id', '=', id)
    .where('retired_at', 'is', null)
    .executeTakeFirst();
}

// ---------------------------------------------------------------- figures

export interface PathCounts {
  area_path: string;
  households: number;
  households_reported: number;
  persons: number;
  reported: number;
  fevers: number;
  unwell: number;
}

/**
 * Today's counts per area path of the residents (active, with a house) under the node and in the
 * viewer's health.read scope: one grouped scan, rolled up to grids and cells by the caller.
 */
export async function countsByPath(db: Db, viewer: Viewer, nodePath: string, day: string) {
  const rows = await db
    .selectFrom('persons as p')
    .leftJoin('health_checkins as c', (join) => join.onRef('c.person_id', '=', 'p.id').on('c.day', '=', day))
    .select([
      'p.area_path',
      sql<number>`count(distinct p.house_id)::int`.as('households'),
      sql<number>`count(distinct p.house_id) filter (where c.id is not null)::int`.as('households_reported'),
      sql<number>`count(*)::int`.as('persons'),
      sql<number>`count(c.id)::int`.as('reported'),
      sql<number>`count(*) filter (where c.temperature >= ${feverFrom()})::int`.as('fevers'),
      sql<number>`count(*) filter (where c.well = false)::int`.as('unwell'),
    ])
    .where('p.status', '=', 'active')
    .where('p.house_id', 'is not', null)
    .where(inSubtrees([nodePath], 'p.area_path'))
    .where(inScope(viewer, 'health.read', 'p.area_path'))
    .groupBy('p.area_path')
    .execute();
  return rows as PathCounts[];
}

export type PersonState = 'not_reported' | 'fever' | 'unwell';

/** The residents the worker must look at today: fevers and unwell first, then those not reported. */
export async function attentionList(db: Db, viewer: Viewer, nodePath: string, day: string, limit: number) {
  return db
    .selectFrom('persons as p')
    .innerJoin('houses as h', 'h.id', 'p.house_id')
    .leftJoin('health_checkins as c', (join) => join.onRef('c.person_id', '=', 'p.id').on('c.day', '=', day))
    .select([
      'p.id as person_id',
      'p.name',
      'p.area_path',
      'p.phone_masked',
      'h.id as house_id',
      'h.address',
      'c.temperature',
      'c.well',
      'c.channel',
      'c.reported_at',
      sql<PersonState>`case when c.id is null then 'not_reported' when c.temperature >= ${feverFrom()} then 'fever'
        else 'unwell' end`.as('state'),
    ])
    .where('p.status', '=', 'active')
    .where(inSubtrees([nodePath], 'p.area_path'))
    .where(inScope(viewer, 'health.read', 'p.area_path'))
    .where((eb) =>
      eb.or([
        eb('c.id', 'is', null),
        eb('c.well', '=', false),
        eb('c.temperature', '>=', String(feverFrom())),
      ]),
    )
    .orderBy(sql`case when c.id is null then 1 else 0 end`)
    .orderBy('p.area_path')
    .orderBy('h.address')
    .orderBy('p.id')
    .limit(limit)
    .execute();
}

/** Areas of these levels under the node (the node itself included), for the rows of the figures. */
export async function areasUnder(db: Db, nodePath: string, levels: ReadonlyArray<'grid' | 'cell'>) {
  return db
    .selectFrom('areas')
    .select(['id', 'name', 'code', 'level', 'path'])
    .where(inSubtrees([nodePath], 'path'))
    .where('level', 'in', [...levels])
    .where('retired_at', 'is', null)
    .orderBy('path')
    .execute();
}
