import { type Insertable, type RawBuilder, sql } from 'kysely';
import { assignmentGrants, inSubtrees } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import type { AlertKind, EventStepsTable, EventsTable, EventTier, StepLimits } from '../db/schema.js';
import type { SpecialDayKind } from './calendar.js';
import { TIERS } from './responders.js';
import { CLOCKED_STATUSES } from './transitions.js';

/**
 * A device alert in two statements inside its transaction (PGlite runs SQL on the event loop and a
 * PostgreSQL round trip costs a connection's time: a few statements, more alerts a second).
 * `alertContext` reads everything the alert may need and takes the camera's lock; `writeAlert`,
 * whose snapshot is taken after the lock, merges or opens the event with all its rows.
 */

export interface AlertContext {
  camera: {
    id: number;
    area_id: number;
    area_path: string;
    name: string;
    lng: number | null;
    lat: number | null;
    status: 'online' | 'offline' | 'retired';
  };
  /** The camera's area as an event would be filed in (null if it vanished). */
  area: { id: number; path: string; name: string; retired: boolean } | null;
  category: {
    id: number;
    retired: boolean;
    start_tier: EventTier;
    name_zh: string;
    name_en: string;
    own_limits: StepLimits | null;
    parent_limits: StepLimits | null;
  } | null;
  /** Special days from today on: all a deadline starting now can meet. */
  calendar: Array<{ day: string; kind: SpecialDayKind }>;
  /** Where a new event would start (startingTier) and who there may read it, with their language setting. */
  tier: { tier: EventTier; area_id: number; name: string } | null;
  recipients: Array<{ user_id: number; locale: string }>;
}

/**
 * The camera of that code inside the token's subtree (none: undefined), locked for this
 * transaction with `pg_advisory_xact_lock(lockSpace, camera id)`, with its area, the alert's
 * category, the calendar ahead, and the starting tier and responders of an event there: a role at
 * the tier area giving event.handle or event.dispatch, or a member of one of its live teams
 * (active accounts), among the candidate tiers at or above the category's start tier, the lowest
 * staffed one, else the highest (see responders.ts startingTier). Recipients are those of them who
 * hold event.read over the area (what the event's read rule asks of a notified user).
 */
export async function alertContext(
  db: Db,
  input: {
    code: string;
    tokenPath: string;
    categoryCode: string;
    lockSpace: number;
    today: string;
  },
): Promise<AlertContext | undefined> {
  const tiers = sql.val([...TIERS]);
  const handles = sql<boolean>`(${assignmentGrants('event.handle', 'r.role', 'r.categories')} or ${assignmentGrants('event.dispatch', 'r.role', 'r.categories')})`;
  const result = await sql<{
    camera: AlertContext['camera'];
    area: AlertContext['area'];
    category: AlertContext['category'];
    calendar: AlertContext['calendar'];
    tier: AlertContext['tier'];
    recipients: AlertContext['recipients'] | null;
  }>`
    with cam as (
      select c.id, c.area_id, c.area_path, c.name, c.lng, c.lat, c.status,
             pg_advisory_xact_lock(${input.lockSpace}::int4, c.id::int4)::text as locked
      from cameras c
      where c.code = ${input.code} and ${inSubtrees([input.tokenPath], 'c.area_path')}
    ),
    area as (
      select a.id, a.path, a.name, a.retired_at is not null as retired
      from areas a join cam on a.id = cam.area_id
    ),
    cat as (
      select c.id, c.retired_at is not null as retired, c.start_tier, c.name_zh, c.name_en,
             c.limits as own_limits, p.limits as parent_limits
      from event_categories c left join event_categories p on p.id = c.parent_id
      where c.code = ${input.categoryCode}
    ),
    chain as (
      select t.id, t.name, t.level, array_position(${tiers}::text[], t.level::text) as rank
      from area, areas t
      where t.id = any(string_to_array(trim(both '/' from area.path), '/')::int4[])
        and t.level = any(${tiers}::text[])
    ),
    candidates as (
      select chain.* from chain
      where chain.rank >= (select array_position(${tiers}::text[], cat.start_tier::text) from cat)
         or (not exists (
               select 1 from chain e
               where e.rank >= (select array_position(${tiers}::text[], cat.start_tier::text) from cat))
             and chain.rank = (select max(rank) from chain))
    ),
    responders as (
      select r.area_id, r.user_id
      from role_assignments r join users u on u.id = r.user_id
      where r.area_id in (select id from candidates) and u.disabled_at is null and ${handles}
      union
      select t.area_id, m.user_id
      from team_members m join teams t on t.id = m.team_id join users u on u.id = m.user_id
      where t.area_id in (select id from candidates) and t.retired_at is null and u.disabled_at is null
    ),
    chosen as (
      select c.id, c.name, c.level, exists (select 1 from responders x where x.area_id = c.id) as staffed
      from candidates c
      order by staffed desc, case when exists (select 1 from responders x where x.area_id = c.id)
                                  then c.rank else -c.rank end
      limit 1
    ),
    recipients as (
      select x.user_id, u.locale
      from responders x join chosen on x.area_id = chosen.id join users u on u.id = x.user_id
      where exists (
        select 1 from role_assignments r join areas a on a.id = r.area_id, area
        where r.user_id = x.user_id and a.retired_at is null
          and left(area.path, length(a.path)) = a.path
          and ${assignmentGrants('event.read', 'r.role', 'r.categories')})
    )
    select
      json_build_object('id', cam.id, 'area_id', cam.area_id, 'area_path', cam.area_path, 'name', cam.name,
                        'lng', cam.lng, 'lat', cam.lat, 'status', cam.status, 'locked', cam.locked) as camera,
      (select row_to_json(area) from area) as area,
      (select row_to_json(cat) from cat) as category,
      (select coalesce(json_agg(json_build_object('day', d.day::text, 'kind', d.kind)), '[]'::json)
         from work_calendar_days d where d.day >= ${input.today}::date) as calendar,
      (select json_build_object('tier', chosen.level, 'area_id', chosen.id, 'name', chosen.name) from chosen) as tier,
      (select json_agg(json_build_object('user_id', r.user_id, 'locale', r.locale) order by r.user_id)
         from recipients r) as recipients
    from cam`.execute(db);
  const row = result.rows[0];
  if (!row) return undefined;
  return { ...row, recipients: row.recipients ?? [] };
}

/** The notifications outbox as our statement writes into it, handed in by the app (it knows both modules). */
export interface OutboxWriter {
  channel: string;
  /** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
  contentLimitBytes: number;
  /** The deliveries of the notifications the CTE `created` inserted. */
  deliveries: (created: string, now: Date) => RawBuilder<unknown>;
}

export interface AlertWrite {
  cameraId: number;
  kind: AlertKind;
  externalId: string | null;
  occurredAt: Date;
  now: Date;
  /** Alerts since then merge into the camera's open event of the kind. */
  mergeSince: Date;
  details: string | null;
  /** The merged alert's step. */
  alertStep: Pick<Insertable<EventStepsTable>, 'actor_name' | 'note' | 'details'>;
  /** What a new event is made of; null when none may be opened (the caller says why). */
  open: {
    /** 'EV' + the China date: the id follows, zero-padded to six digits. */
    codePrefix: string;
    tier: EventTier;
    tierAreaId: number;
    columns: Omit<Insertable<EventsTable>, 'id' | 'code' | 'tier' | 'tier_area_id'>;
    steps: Array<Omit<Insertable<EventStepsTable>, 'event_id'>>;
    /** One notification per recipient; `codeMarker` in a title stands for the event's code. */
    notice: {
      kind: string;
      priority: 'normal' | 'urgent';
      codeMarker: string;
      recipients: Array<{ userId: number; title: string; body: string | null }>;
      outbox: OutboxWriter;
    };
  } | null;
}

export type AlertOutcome =
  | { outcome: 'seen' | 'merged' | 'opened'; event_id: number; code: string; merged: boolean }
  | { outcome: 'cannot_open' };

const value = (v: unknown): RawBuilder<unknown> => (v instanceof Date ? sql`${v}::timestamptz` : sql`${v}`);

/**
 * One statement: answers a resent alert (same camera and external id) as the first time; else
 * counts it on the camera's open event of the kind within the window, with an alert step; else
 * opens the event with its first steps, its notifications (a delivery per enabled channel, the
 * announcement on commit). Every alert taken is kept in device_alerts.
 */
export async function writeAlert(db: Db, input: AlertWrite): Promise<AlertOutcome> {
  const open = input.open;
  const columns = open ? Object.entries(open.columns) : [];
  const recipients = open?.notice.recipients ?? [];
  const createdAt = input.now.toISOString();
  const opening = open
    ? sql`
    fresh as (
      select nextval(pg_get_serial_sequence('events', 'id'))::int8 as id
      where not exists (select 1 from seen) and not exists (select 1 from open)
    ),
    inserted as (
      insert into events (id, code, tier, tier_area_id, ${sql.join(columns.map(([c]) => sql.ref(c)))})
      select fresh.id, ${open.codePrefix} || lpad(fresh.id::text, greatest(6, length(fresh.id::text)), '0'),
             ${open.tier}, ${open.tierAreaId}::int4, ${sql.join(columns.map(([, v]) => value(v)))}
      from fresh
      returning id, code
    ),
    first_steps as (
      insert into event_steps (event_id, at, action, from_status, to_status, to_tier, actor_user_id, actor_name, note, details)
      select i.id, s.at, s.action, s.from_status, s.to_status, s.to_tier, s.actor_user_id, s.actor_name, s.note, s.details
      from inserted i cross join (values ${sql.join(
        open.steps.map(
          (step, index) =>
            sql`(${index}::int4, ${step.at}::timestamptz, ${step.action}::text, ${step.from_status ?? null}::text,
                 ${step.to_status ?? null}::text, ${step.to_tier ?? null}::text, ${step.actor_user_id ?? null}::int4,
                 ${step.actor_name}::text, ${step.note ?? null}::text, ${step.details ?? null}::jsonb)`,
        ),
      )}) s(ord, at, action, from_status, to_status, to_tier, actor_user_id, actor_name, note, details)
      order by s.ord
    ),
    created as (
      insert into notifications (user_id, kind, priority, title, body, link, entity_type, entity_id, dedupe_key, created_at)
      select r.user_id, ${open.notice.kind}, ${open.notice.priority},
             left(replace(r.title, ${open.notice.codeMarker}, i.code), 200), r.body,
             '/events/' || i.id, 'event', i.id::text, 'event:' || i.id || ':new:' || r.user_id,
             ${input.now}::timestamptz
      from inserted i
      cross join unnest(${recipients.map((r) => r.userId)}::int4[], ${recipients.map((r) => r.title)}::text[],
                        ${recipients.map((r) => r.body)}::text[]) as r(user_id, title, body)
      order by r.user_id
      on conflict (dedupe_key) do nothing
      returning id, user_id, priority, title, body, link, entity_type, entity_id
    ),
    queued as (${open.notice.outbox.deliveries('created', input.now)}),
    announced as (
      select pg_notify(${open.notice.outbox.channel}, json_build_array(
        case when octet_length(content::text) < ${open.notice.outbox.contentLimitBytes}
             then json_build_array(id, user_id, content) else json_build_array(id, user_id) end)::text)
      from (
        select id, user_id, json_build_object('kind', ${open.notice.kind}::text, 'priority', priority,
          'title', title, 'body', body, 'link', link, 'entityType', entity_type, 'entityId', entity_id,
          'createdAt', ${createdAt}::text) as content
        from created order by id
      ) n
    ),`
    : sql`
    inserted as (select null::int8 as id, null::text as code where false),
    announced as (select null where false),`;
  const result = await sql<{
    outcome: 'seen' | 'merged' | 'opened' | 'cannot_open';
    event_id: number | null;
    code: string | null;
    merged: boolean | null;
  }>`
    with seen as (
      select e.id, e.code, exists (
        select 1 from device_alerts earlier where earlier.event_id = d.event_id and earlier.id < d.id
      ) as merged
      from device_alerts d join events e on e.id = d.event_id
      where d.camera_id = ${input.cameraId}::int4 and d.external_id = ${input.externalId}::text
    ),
    open as (
      select id, code from events
      where camera_id = ${input.cameraId}::int4 and alert_kind = ${input.kind}::text
        and status in (${sql.join([...CLOCKED_STATUSES])})
        and last_alert_at >= ${input.mergeSince}::timestamptz
        and not exists (select 1 from seen)
      order by last_alert_at desc
      limit 1
    ),
    bumped as (
      update events e
      set alert_count = e.alert_count + 1,
          last_alert_at = greatest(e.last_alert_at, ${input.occurredAt}::timestamptz),
          updated_at = ${input.now}::timestamptz
      from open where e.id = open.id
      returning e.id, e.code
    ),
    alert_step as (
      insert into event_steps (event_id, at, action, actor_user_id, actor_name, note, details)
      select id, ${input.now}::timestamptz, 'alert', null, ${input.alertStep.actor_name}::text,
             ${input.alertStep.note ?? null}::text, ${input.alertStep.details ?? null}::jsonb
      from bumped
    ),
    ${opening}
    recorded as (
      insert into device_alerts (camera_id, external_id, kind, occurred_at, received_at, event_id, details)
      select ${input.cameraId}::int4, ${input.externalId}::text, ${input.kind}::text,
             ${input.occurredAt}::timestamptz, ${input.now}::timestamptz, t.id, ${input.details}::jsonb
      from (select id from bumped union all select id from inserted) t
    )
    select o.outcome, o.event_id, o.code, o.merged
    from (
      select 'seen' as outcome, id as event_id, code, merged from seen
      union all select 'merged', id, code, true from bumped
      union all select 'opened', id, code, false from inserted
      union all select 'cannot_open', null::int8, null::text, null::boolean
        where not exists (select 1 from seen) and not exists (select 1 from bumped)
          and not exists (select 1 from inserted)
    ) o
    -- Counting the announcements makes them run: a plain SELECT in WITH runs only when read.
    cross join (select count(*) from announced) a`.execute(db);
  const row = result.rows[0];
  if (!row || row.outcome === 'cannot_open') return { outcome: 'cannot_open' };
  return {
    outcome: row.outcome,
    event_id: Number(row.event_id),
    code: row.code!,
    merged: Boolean(row.merged),
  };
}
