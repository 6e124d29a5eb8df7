import { type Kysely, sql } from 'kysely';

// Lead verification bookkeeping: what the health migration's `leads` table lacks (masked phone,
// a key that makes re-imports idempotent, the verifier's note), the history of every lead
// (created, routed, escalated, verified) and the indexes progress reports and escalation read.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table leads
      add column phone_masked text,
      -- Keyed hash of the batch reference and the row's identity and reason: the same row of the
      -- same batch imported twice is one lead.
      add column source_key text,
      add column created_by text not null default 'system',
      add column verification_note text check (length(verification_note) <= 2000)`.execute(db);
  await sql`create unique index leads_source_key_idx on leads (source_key) where source_key is not null`.execute(
    db,
  );
  // Progress per node counts verified leads too; the health migration's index covers open ones only.
  await sql`create index leads_area_path_status_idx on leads (area_path, status)`.execute(db);
  // The second escalation step looks for leads escalated to the grid leader long enough ago.
  await sql`create index leads_escalation_idx on leads (tier, escalated_at) where status = 'open'`.execute(
    db,
  );
  await sql`create index leads_person_idx on leads (person_id) where person_id is not null`.execute(db);

  await sql`
    create table lead_events (
      id bigserial primary key,
      lead_id integer not null references leads(id),
      at timestamptz not null,
      kind text not null check (kind in ('created','routed','escalated','verified')),
      from_tier text check (from_tier in ('worker','grid_leader','community')),
      to_tier text check (to_tier in ('worker','grid_leader','community')),
      from_area_id integer references areas(id),
      to_area_id integer references areas(id),
      actor_name text not null,
      details jsonb
    )`.execute(db);
  await sql`create index lead_events_lead_idx on lead_events (lead_id, at)`.execute(db);

  // The daily report lists the persons who arrived on a date.
  await sql`create index persons_arrival_date_idx on persons (arrival_date) where arrival_date is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists persons_arrival_date_idx`.execute(db);
  await sql`drop table if exists lead_events`.execute(db);
  for (const index of [
    'leads_person_idx',
    'leads_escalation_idx',
    'leads_area_path_status_idx',
    'leads_source_key_idx',
  ]) {
    await sql`drop index if exists ${sql.raw(index)}`.execute(db);
  }
  await sql`
    alter table leads
      drop column if exists verification_note,
      drop column if exists created_by,
      drop column if exists source_key,
      drop column if exists phone_masked`.execute(db);
}
