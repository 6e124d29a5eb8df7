import { type Kysely, sql } from 'kysely';

// Return-to-work filings (复工复产备案, #14): an enterprise files its plan, supplies, documents and
// signed commitment through its code (or staff file for it); staff inspect and decide. One filing
// per unit: a returned filing is edited and resubmitted, a suspended one re-approved or returned.
// Every transition is a step; the area path is the unit's, copied for scoping.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table enterprise_filings (
      id serial primary key,
      unit_id integer not null references units(id),
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      state text not null default 'draft'
        check (state in ('draft','submitted','inspected','approved','returned','suspended')),
      planned_on date,
      headcount integer check (headcount between 0 and 1000000),
      supplies jsonb not null default '{}',
      plan text check (length(plan) <= 4000),
      signer_name text check (length(signer_name) between 1 and 50),
      signed_at timestamptz,
      commitment_version text,
      submitted_at timestamptz,
      -- A submitted filing is inspected and decided by this time; reminded once it passes.
      decide_by timestamptz,
      reminded_at timestamptz,
      inspection_id integer,
      inspection_passed boolean,
      return_reasons text,
      decided_at timestamptz,
      created_by text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      check ((signer_name is null) = (signed_at is null))
    )`.execute(db);
  await sql`create unique index enterprise_filings_unit_idx on enterprise_filings (unit_id)`.execute(db);
  await sql`create index enterprise_filings_area_path_idx on enterprise_filings (area_path)`.execute(db);
  await sql`create index enterprise_filings_due_idx on enterprise_filings (decide_by)
    where state in ('submitted','inspected') and reminded_at is null`.execute(db);

  await sql`
    create table enterprise_filing_steps (
      id serial primary key,
      filing_id integer not null references enterprise_filings(id),
      action text not null,
      from_state text,
      to_state text not null,
      actor_name text not null,
      at timestamptz not null,
      reason text check (length(reason) <= 1000),
      inspection_id integer
    )`.execute(db);
  await sql`create index enterprise_filing_steps_filing_idx on enterprise_filing_steps (filing_id, id)`.execute(
    db,
  );

  await sql`
    create table enterprise_filing_documents (
      id serial primary key,
      filing_id integer not null references enterprise_filings(id),
      title text not null check (length(title) between 1 and 100),
      mime text not null check (mime in ('application/pdf','image/jpeg','image/png','image/webp')),
      bytes integer not null,
      sha256 text not null,
      content bytea not null,
      created_by text not null,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index enterprise_filing_documents_filing_idx on enterprise_filing_documents (filing_id, id)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table enterprise_filing_documents`.execute(db);
  await sql`drop table enterprise_filing_steps`.execute(db);
  await sql`drop table enterprise_filings`.execute(db);
}
