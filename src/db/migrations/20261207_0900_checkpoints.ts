import { type Kysely, sql } from 'kysely';

// Checkpoints (#12): the registry of gates (卡口), every crossing of a person or vehicle, the passes
// (通行证) a gate verifies and the keys that sign them; cameras learn plate and face-gate kinds and
// which checkpoint they stand at.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table checkpoints (
      id serial primary key,
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      code text not null unique check (code ~ '^[A-Za-z0-9_-]{1,40}$'),
      name text not null check (length(name) between 1 and 100),
      kind text not null check (kind in ('traffic','compound_gate','village_entrance','access_hut','station')),
      lng double precision check (lng between -180 and 180),
      lat double precision check (lat between -90 and 90),
      team_id integer references teams(id),
      -- Opening hours as [{"from":"07:00","to":"22:00"}]; null = around the clock.
      hours jsonb,
      check_temperature boolean not null default true,
      check_health_code boolean not null default true,
      -- A negative test within this many hours is required; null = no test required.
      test_within_hours integer check (test_within_hours between 1 and 720),
      pass_required boolean not null default false,
      residents_only boolean not null default false,
      -- The place (场所码) visitors scan at this gate.
      place_id integer references places(id),
      retired_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index checkpoints_area_path_idx on checkpoints (area_path)`.execute(db);

  // The rota: who is due at a checkpoint when (a team, named people, or both), and how many at least.
  await sql`
    create table checkpoint_shifts (
      id serial primary key,
      checkpoint_id integer not null references checkpoints(id),
      starts_at timestamptz not null,
      ends_at timestamptz not null check (ends_at > starts_at),
      team_id integer references teams(id),
      user_ids integer[] not null default '{}',
      min_staff integer not null default 1 check (min_staff between 1 and 50),
      note text check (length(note) <= 200),
      created_by text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index checkpoint_shifts_checkpoint_idx on checkpoint_shifts (checkpoint_id, starts_at)`.execute(
    db,
  );
  await sql`create index checkpoint_shifts_time_idx on checkpoint_shifts (starts_at, ends_at)`.execute(db);

  // Who actually stood there: sign-in and sign-out from the phone, with position and a hand-over note.
  await sql`
    create table checkpoint_duty (
      id serial primary key,
      checkpoint_id integer not null references checkpoints(id),
      user_id integer not null references users(id),
      user_name text not null,
      shift_id integer references checkpoint_shifts(id),
      signed_in_at timestamptz not null,
      sign_in_lng double precision check (sign_in_lng between -180 and 180),
      sign_in_lat double precision check (sign_in_lat between -90 and 90),
      sign_in_accuracy_m integer check (sign_in_accuracy_m between 0 and 10000),
      signed_out_at timestamptz check (signed_out_at >= signed_in_at),
      sign_out_lng double precision check (sign_out_lng between -180 and 180),
      sign_out_lat double precision check (sign_out_lat between -90 and 90),
      handover_note text check (length(handover_note) <= 500)
    )`.execute(db);
  await sql`create index checkpoint_duty_checkpoint_idx on checkpoint_duty (checkpoint_id, signed_in_at desc)`.execute(
    db,
  );
  // One open duty per person: signing in elsewhere signs out here first.
  await sql`create unique index checkpoint_duty_open_idx on checkpoint_duty (user_id) where signed_out_at is null`.execute(
    db,
  );

  // One row per crossing: a person checked on duty, a face-gate pass, a plate read or a vehicle check.
  await sql`
    create table checkpoint_records (
      id bigserial primary key,
      checkpoint_id integer not null references checkpoints(id),
      area_path text collate "C" not null,
      subject text not null check (subject in ('person','vehicle')),
      source text not null check (source in ('staff','device')),
      at timestamptz not null,
      direction text check (direction in ('in','out')),
      person_id integer references persons(id),
      document_masked text,
      name_masked text,
      plate text check (plate is null or length(plate) between 7 and 8),
      plate_kind text,
      temperature numeric(4,1) check (temperature between 30 and 45),
      fever boolean not null default false,
      disinfected boolean,
      verdict text check (verdict in ('green','amber','red')),
      reasons jsonb not null default '[]',
      decision text check (decision in ('allowed','refused')),
      flagged boolean not null default false,
      origin text check (length(origin) <= 100),
      destination text check (length(destination) <= 100),
      cargo text check (length(cargo) <= 200),
      passenger_person_ids integer[] not null default '{}',
      pass_id integer,
      camera_id integer references cameras(id),
      external_id text check (length(external_id) <= 100),
      -- Repeated reads of one plate at one gate within seconds merge into one record.
      reads integer not null default 1 check (reads >= 1),
      last_read_at timestamptz,
      event_id integer references events(id),
      duty_id integer references checkpoint_duty(id),
      recorded_by_user_id integer references users(id),
      recorded_by text,
      created_at timestamptz not null default now(),
      check ((subject = 'vehicle') = (plate is not null))
    )`.execute(db);
  await sql`create index checkpoint_records_checkpoint_at_idx on checkpoint_records (checkpoint_id, at desc)`.execute(
    db,
  );
  await sql`create index checkpoint_records_plate_at_idx on checkpoint_records (plate, at desc) where plate is not null`.execute(
    db,
  );
  await sql`create index checkpoint_records_person_at_idx on checkpoint_records (person_id, at desc) where person_id is not null`.execute(
    db,
  );
  await sql`create index checkpoint_records_area_at_idx on checkpoint_records (area_path, at)`.execute(db);
  await sql`create index checkpoint_records_at_idx on checkpoint_records (at)`.execute(db);
  await sql`create unique index checkpoint_records_device_read_idx on checkpoint_records (camera_id, external_id) where external_id is not null`.execute(
    db,
  );

  // The keys passes are signed with (ECDSA P-256): the public half is published to gate phones, the
  // private half is sealed with the field cipher. Stored in the database so every app node signs alike.
  await sql`
    create table pass_signing_keys (
      id serial primary key,
      kid text not null unique,
      public_jwk jsonb not null,
      private_secret text not null,
      created_at timestamptz not null default now(),
      retired_at timestamptz
    )`.execute(db);

  await sql`
    create table passes (
      id serial primary key,
      code text not null unique,
      person_id integer not null references persons(id),
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      house_id integer references houses(id),
      purpose text not null check (length(purpose) between 1 and 200),
      valid_from timestamptz not null,
      valid_to timestamptz not null check (valid_to > valid_from),
      -- Empty = every checkpoint of the pass's area.
      checkpoint_ids integer[] not null default '{}',
      status text not null default 'pending' check (status in ('pending','active','revoked','rejected')),
      applied_by text not null check (applied_by in ('staff','resident')),
      issued_at timestamptz,
      issued_by text,
      revoked_at timestamptz,
      revoked_by text,
      revoke_reason text check (length(revoke_reason) <= 200),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index passes_area_path_idx on passes (area_path)`.execute(db);
  await sql`create index passes_person_idx on passes (person_id)`.execute(db);
  await sql`create index passes_revoked_idx on passes (revoked_at) where revoked_at is not null`.execute(db);
  await sql`alter table checkpoint_records add constraint checkpoint_records_pass_fk foreign key (pass_id) references passes(id)`.execute(
    db,
  );

  await sql`alter table cameras drop constraint cameras_kind_check`.execute(db);
  await sql`alter table cameras add constraint cameras_kind_check check (kind in ('road','river','high_point','gate','plate','face_gate'))`.execute(
    db,
  );
  await sql`alter table cameras add column checkpoint_id integer references checkpoints(id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table cameras drop column if exists checkpoint_id`.execute(db);
  await sql`delete from cameras where kind in ('plate','face_gate')`.execute(db);
  await sql`alter table cameras drop constraint if exists cameras_kind_check`.execute(db);
  await sql`alter table cameras add constraint cameras_kind_check check (kind in ('road','river','high_point','gate'))`.execute(
    db,
  );
  await sql`drop table if exists checkpoint_records`.execute(db);
  await sql`drop table if exists passes`.execute(db);
  await sql`drop table if exists pass_signing_keys`.execute(db);
  await sql`drop table if exists checkpoint_duty`.execute(db);
  await sql`drop table if exists checkpoint_shifts`.execute(db);
  await sql`drop table if exists checkpoints`.execute(db);
}
