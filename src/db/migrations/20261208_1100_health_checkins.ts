import { type Kysely, sql } from 'kysely';

// Daily check-ins (平安报/体温日报, #13): one current check-in per person and China day, whatever the
// channel (door page, proxy, SMS, voice robot, staff); and the inbound SMS/voice messages, kept once
// per channel message id (webhook retries) with the unparsed or unmatched ones as a worker's inbox.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table health_checkins (
      id bigserial primary key,
      person_id integer not null references persons(id),
      house_id integer references houses(id),
      area_path text collate "C" not null,
      day date not null,
      reported_at timestamptz not null,
      temperature numeric(3,1) check (temperature between 34 and 43),
      well boolean not null,
      channel text not null check (channel in ('door','proxy','sms','voice','staff')),
      proxy_by integer references users(id),
      -- The channel's message or call id, or the door page's Idempotency-Key: a replay changes nothing.
      message_id text,
      created_at timestamptz not null,
      check ((channel = 'proxy') = (proxy_by is not null)),
      unique (person_id, day)
    )`.execute(db);
  await sql`create index health_checkins_day_path_idx on health_checkins (day, area_path)`.execute(db);
  await sql`
    create table checkin_messages (
      id bigserial primary key,
      channel text not null check (channel in ('sms','voice')),
      -- Whose id space message_id is in: an SMS gateway's ('token:<id>', ids are unique per gateway),
      -- or the voice robot's ('voice', whether its call results are pushed or uploaded as a file).
      source text not null,
      token_id integer references api_tokens(id),
      imported_by integer references users(id),
      message_id text not null,
      received_at timestamptz not null,
      sent_at timestamptz,
      phone_hash text,
      phone_masked text,
      body text,
      house_id integer references houses(id),
      -- The matched house's area, else the token's: the scope of the message and its inbox entry.
      area_path text collate "C" not null,
      outcome text not null check (outcome in ('recorded','unparsed','unmatched')),
      recorded integer not null default 0,
      inbox_status text check (inbox_status in ('open','resolved')),
      resolved_by integer references users(id),
      resolved_at timestamptz,
      resolution text,
      unique (channel, source, message_id)
    )`.execute(db);
  await sql`create index checkin_messages_inbox_idx on checkin_messages (area_path, received_at)
    where inbox_status = 'open'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists checkin_messages`.execute(db);
  await sql`drop table if exists health_checkins`.execute(db);
}
