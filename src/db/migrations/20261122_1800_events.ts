import { type Kysely, sql } from 'kysely';

const TIERS = `'microgrid','grid','village','township','county'`;
const EVENT_STATUSES = `'collected','registered','dispatched','handling','reported','closed','evaluated','suspended','merged','rejected'`;

// Events and services: the working calendar, the category tree with time limits, events with
// every step, photos and device alerts, teams and responsibilities, volunteers' households,
// resident requests, the resource and service lists, announcements and notifications.
export async function up(db: Kysely<any>): Promise<void> {
  // Days that differ from the Monday–Friday rule: public holidays, and weekend days worked (调休).
  await sql`
    create table work_calendar_days (
      day date primary key,
      kind text not null check (kind in ('holiday','workday')),
      name text not null check (length(name) between 1 and 50),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table event_categories (
      id serial primary key,
      parent_id integer references event_categories(id),
      code text not null unique check (code ~ '^[A-Za-z0-9_.-]{1,40}$'),
      name_zh text not null check (length(name_zh) between 1 and 60),
      name_en text not null check (length(name_en) between 1 and 80),
      -- The lowest tier whose responders may handle events of this category.
      start_tier text not null default 'grid' check (start_tier in (${sql.raw(TIERS)})),
      -- Time limit per step: {"register": {"amount": 2, "unit": "work_hours"}, ...};
      -- units minutes (natural time), work_hours, work_days.
      limits jsonb not null default '{}',
      -- Offered to residents (随手拍) and Open311 clients as a service.
      public boolean not null default false,
      sort integer not null default 0,
      retired_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index event_categories_parent_idx on event_categories (parent_id)`.execute(db);

  // 1+1+N+K: the grid team (worker, police officer, doctor, volunteers, checkpoint staff) and
  // service teams with a leader.
  await sql`
    create table teams (
      id serial primary key,
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      name text not null check (length(name) between 1 and 60),
      kind text not null check (kind in ('grid','service','checkpoint','department')),
      leader_user_id integer references users(id),
      retired_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index teams_area_path_idx on teams (area_path)`.execute(db);
  await sql`
    create table team_members (
      team_id integer not null references teams(id),
      user_id integer not null references users(id),
      duty text not null check (duty in ('leader','grid_worker','police','doctor','volunteer','checkpoint','member')),
      created_at timestamptz not null default now(),
      primary key (team_id, user_id)
    )`.execute(db);
  await sql`create index team_members_user_idx on team_members (user_id)`.execute(db);
  // 包片包户: a leader answers for an area or for single households.
  await sql`
    create table responsibilities (
      id serial primary key,
      user_id integer not null references users(id),
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      house_id integer references houses(id),
      created_at timestamptz not null default now(),
      unique (user_id, area_id, house_id)
    )`.execute(db);
  await sql`create index responsibilities_area_path_idx on responsibilities (area_path)`.execute(db);

  await sql`alter table api_tokens add column camera_id integer references cameras(id)`.execute(db);

  await sql`
    create table events (
      id bigserial primary key,
      code text not null unique,
      category_id integer not null references event_categories(id),
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      -- Which tier holds the event now, and that tier's area (an ancestor of area_id, or itself).
      tier text not null check (tier in (${sql.raw(TIERS)})),
      tier_area_id integer not null references areas(id),
      source text not null check (source in ('citizen','patrol','hotline','resident_group','device','open311')),
      status text not null check (status in (${sql.raw(EVENT_STATUSES)})),
      title text not null check (length(title) between 1 and 100),
      description text check (length(description) <= 4000),
      address text check (length(address) <= 200),
      lng double precision check (lng between -180 and 180),
      lat double precision check (lat between -90 and 90),
      reporter_name text check (length(reporter_name) <= 50),
      reporter_phone_secret text,
      reporter_phone_masked text,
      reporter_user_id integer references users(id),
      camera_id integer references cameras(id),
      alert_kind text check (alert_kind in ('gathering','isolation_door_opened','fever_at_gate','loitering')),
      alert_count integer not null default 0,
      last_alert_at timestamptz,
      assignee_user_id integer references users(id),
      assignee_team_id integer references teams(id),
      assignee_department text check (length(assignee_department) <= 60),
      -- The step whose clock runs, when it started and when it is due.
      step text check (step in ('register','dispatch','handle','check')),
      step_started_at timestamptz,
      step_deadline timestamptz,
      escalation_count integer not null default 0,
      escalated_at timestamptz,
      suspended_status text check (suspended_status in (${sql.raw(EVENT_STATUSES)})),
      suspended_reason text check (length(suspended_reason) <= 500),
      merged_into_id bigint references events(id),
      -- Hash of the reporter's follow-and-rate link.
      feedback_token_hash text unique,
      rating integer check (rating between 1 and 5),
      rating_comment text check (length(rating_comment) <= 1000),
      rated_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      registered_at timestamptz,
      dispatched_at timestamptz,
      responded_at timestamptz,
      reported_at timestamptz,
      closed_at timestamptz
    )`.execute(db);
  await sql`create index events_area_path_created_idx on events (area_path, created_at desc, id desc)`.execute(
    db,
  );
  await sql`create index events_created_idx on events (created_at desc, id desc)`.execute(db);
  await sql`create index events_status_path_idx on events (status, area_path)`.execute(db);
  await sql`create index events_assignee_idx on events (assignee_user_id, status)`.execute(db);
  // The escalation timer reads the open events whose step is due.
  await sql`
    create index events_deadline_idx on events (step_deadline)
      where step_deadline is not null and status in ('collected','registered','dispatched','handling','reported')`.execute(
    db,
  );
  // Alert merging looks for the open event of the same device and kind.
  await sql`
    create index events_device_idx on events (camera_id, alert_kind, last_alert_at)
      where camera_id is not null`.execute(db);

  await sql`
    create table event_steps (
      id bigserial primary key,
      event_id bigint not null references events(id),
      at timestamptz not null,
      action text not null check (action in (
        'collect','alert','register','reject','dispatch','reassign','accept','report','return',
        'close','evaluate','suspend','resume','merge','escalate','comment')),
      from_status text,
      to_status text,
      from_tier text,
      to_tier text,
      actor_user_id integer references users(id),
      actor_name text not null,
      note text check (length(note) <= 2000),
      details jsonb
    )`.execute(db);
  await sql`create index event_steps_event_idx on event_steps (event_id, at, id)`.execute(db);
  await sql`create index event_steps_actor_idx on event_steps (actor_user_id, at)`.execute(db);

  await sql`
    create table event_photos (
      id bigserial primary key,
      event_id bigint not null references events(id),
      step_id bigint references event_steps(id),
      purpose text not null check (purpose in ('report','feedback')),
      mime text not null check (mime in ('image/jpeg','image/png','image/webp')),
      width integer not null,
      height integer not null,
      bytes integer not null,
      sha256 text not null,
      content bytea not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index event_photos_event_idx on event_photos (event_id)`.execute(db);

  // Every device alert as received; the device's own alert id makes retries idempotent.
  await sql`
    create table device_alerts (
      id bigserial primary key,
      camera_id integer not null references cameras(id),
      external_id text check (length(external_id) <= 100),
      kind text not null check (kind in ('gathering','isolation_door_opened','fever_at_gate','loitering')),
      occurred_at timestamptz not null,
      received_at timestamptz not null,
      event_id bigint not null references events(id),
      details jsonb,
      unique (camera_id, external_id)
    )`.execute(db);
  await sql`create index device_alerts_event_idx on device_alerts (event_id)`.execute(db);

  // Each volunteer covers 3–5 households, assigned per micro-grid.
  await sql`
    create table volunteer_households (
      house_id integer primary key references houses(id),
      volunteer_user_id integer not null references users(id),
      area_path text collate "C" not null,
      assigned_at timestamptz not null default now(),
      assigned_by text not null
    )`.execute(db);
  await sql`create index volunteer_households_volunteer_idx on volunteer_households (volunteer_user_id)`.execute(
    db,
  );
  await sql`create index volunteer_households_area_path_idx on volunteer_households (area_path)`.execute(db);

  await sql`
    create table resident_requests (
      id bigserial primary key,
      code text not null unique,
      house_id integer not null references houses(id),
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      kind text not null check (kind in ('medicine','groceries','gas','doctor_visit','transport','other')),
      details text not null check (length(details) between 1 and 1000),
      urgency text not null default 'normal' check (urgency in ('normal','urgent')),
      status text not null default 'open' check (status in ('open','accepted','delivered','closed','cancelled')),
      channel text not null check (channel in ('household_code','worker')),
      requester_name text check (length(requester_name) <= 50),
      contact_secret text,
      contact_masked text,
      volunteer_user_id integer references users(id),
      created_by_user_id integer references users(id),
      note text check (length(note) <= 1000),
      created_at timestamptz not null,
      accepted_at timestamptz,
      delivered_at timestamptz,
      closed_at timestamptz
    )`.execute(db);
  await sql`create index resident_requests_area_path_idx on resident_requests (area_path, status)`.execute(
    db,
  );
  await sql`create index resident_requests_volunteer_idx on resident_requests (volunteer_user_id, status)`.execute(
    db,
  );
  await sql`create index resident_requests_house_idx on resident_requests (house_id, created_at)`.execute(db);

  // 资源清单 and 服务清单, kept per community.
  await sql`
    create table service_resources (
      id serial primary key,
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      list text not null check (list in ('resource','service')),
      kind text not null check (kind ~ '^[a-z_]{1,30}$'),
      name text not null check (length(name) between 1 and 100),
      contact_name text check (length(contact_name) <= 50),
      phone_secret text,
      phone_masked text,
      address text check (length(address) <= 200),
      details text check (length(details) <= 1000),
      retired_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index service_resources_area_path_idx on service_resources (area_path)`.execute(db);

  await sql`
    create table announcements (
      id serial primary key,
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      kind text not null check (kind in ('policy','rumour_rebuttal','alert','notice')),
      title text not null check (length(title) between 1 and 100),
      body text not null check (length(body) between 1 and 10000),
      -- Empty: every household of the subtree; else households with a resident holding one of the tags.
      tags text[] not null default '{}',
      status text not null default 'draft' check (status in ('draft','published','withdrawn')),
      published_at timestamptz,
      expires_at timestamptz,
      created_by integer references users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index announcements_area_path_idx on announcements (area_path, published_at)`.execute(db);
  await sql`
    create table announcement_reads (
      announcement_id integer not null references announcements(id),
      house_id integer not null references houses(id),
      read_at timestamptz not null,
      primary key (announcement_id, house_id)
    )`.execute(db);

  await sql`
    create table notifications (
      id bigserial primary key,
      user_id integer not null references users(id),
      kind text not null check (kind ~ '^[a-z_.]{1,40}$'),
      priority text not null default 'normal' check (priority in ('normal','urgent')),
      title text not null check (length(title) between 1 and 200),
      body text check (length(body) <= 2000),
      link text check (length(link) <= 300),
      entity_type text,
      entity_id text,
      -- The same fact notified twice (a retried timer, two processes) is one notification.
      dedupe_key text unique,
      created_at timestamptz not null,
      read_at timestamptz
    )`.execute(db);
  await sql`create index notifications_user_idx on notifications (user_id, id desc)`.execute(db);
  await sql`create index notifications_unread_idx on notifications (user_id) where read_at is null`.execute(
    db,
  );
  await sql`
    create table notification_deliveries (
      id bigserial primary key,
      notification_id bigint not null references notifications(id),
      channel text not null check (channel in ('sms','webhook','voice')),
      status text not null default 'pending' check (status in ('pending','sent','failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null,
      locked_until timestamptz,
      last_error text,
      sent_at timestamptz,
      unique (notification_id, channel)
    )`.execute(db);
  await sql`
    create index notification_deliveries_due_idx on notification_deliveries (next_attempt_at)
      where status = 'pending'`.execute(db);
  await sql`
    create table notification_preferences (
      user_id integer not null references users(id),
      channel text not null check (channel in ('sms','webhook','voice')),
      enabled boolean not null,
      -- Only urgent notifications through this channel (e.g. voice calls).
      urgent_only boolean not null default false,
      -- Phone number or webhook URL, encrypted like every personal field; masked for display.
      address_secret text,
      address_masked text,
      updated_at timestamptz not null default now(),
      primary key (user_id, channel)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'notification_preferences',
    'notification_deliveries',
    'notifications',
    'announcement_reads',
    'announcements',
    'service_resources',
    'resident_requests',
    'volunteer_households',
    'device_alerts',
    'event_photos',
    'event_steps',
    'events',
  ]) {
    await sql`drop table if exists ${sql.raw(table)}`.execute(db);
  }
  await sql`alter table api_tokens drop column if exists camera_id`.execute(db);
  for (const table of [
    'responsibilities',
    'team_members',
    'teams',
    'event_categories',
    'work_calendar_days',
  ]) {
    await sql`drop table if exists ${sql.raw(table)}`.execute(db);
  }
}
