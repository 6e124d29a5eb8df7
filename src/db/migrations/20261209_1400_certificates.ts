import { type Kysely, sql } from 'kysely';

// Return to work (复工复产, #14): personal commitment letters (复工承诺书) signed at the door page or the
// desk, and numbered health and residence certificates (健康证明, 居住证明) with a public check by QR code.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table commitment_letters (
      id serial primary key,
      person_id integer not null references persons(id),
      -- The signer's area when signing: the scope of the letter.
      area_path text collate "C" not null,
      -- The letter text as signed (texts are kept in code by version, never changed once used).
      text_version text not null,
      channel text not null check (channel in ('door','desk')),
      recorded_by integer references users(id),
      signed_at timestamptz not null,
      check ((channel = 'desk') = (recorded_by is not null))
    )`.execute(db);
  await sql`create index commitment_letters_path_idx on commitment_letters (area_path)`.execute(db);
  await sql`create index commitment_letters_person_idx on commitment_letters (person_id, signed_at)`.execute(
    db,
  );

  // One row per issuing area and year; taking a number updates the row, so concurrent issues queue on
  // its lock and a rolled-back issue gives its number back: the sequence has no gaps.
  await sql`
    create table certificate_sequences (
      area_id integer not null references areas(id),
      year integer not null,
      last_number integer not null check (last_number > 0),
      primary key (area_id, year)
    )`.execute(db);
  await sql`
    create table certificates (
      id serial primary key,
      number text not null unique,
      kind text not null check (kind in ('health','residence')),
      person_id integer not null references persons(id),
      house_id integer references houses(id),
      -- The person's area at issue: the scope of the certificate.
      area_path text collate "C" not null,
      issuer_area_id integer not null references areas(id),
      -- The committee's name as printed, kept as issued.
      issuer_name text not null,
      issued_by integer not null references users(id),
      issued_at timestamptz not null,
      valid_until timestamptz not null,
      name_masked text not null,
      -- What the certificate states (health: code colour and dates), as printed.
      statement jsonb not null,
      -- SHA-256 of the 128-bit token in the QR code, and the token encrypted to print the PDF again.
      token_hash text not null unique,
      token_secret text not null,
      revoked_at timestamptz,
      revoked_by integer references users(id),
      revoke_reason text,
      check (valid_until > issued_at),
      check ((revoked_at is null) = (revoke_reason is null))
    )`.execute(db);
  await sql`create index certificates_path_idx on certificates (area_path, issued_at)`.execute(db);
  await sql`create index certificates_person_idx on certificates (person_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists certificates`.execute(db);
  await sql`drop table if exists certificate_sequences`.execute(db);
  await sql`drop table if exists commitment_letters`.execute(db);
}
