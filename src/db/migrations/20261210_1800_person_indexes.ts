import { type Kysely, sql } from 'kysely';

/*
 * Cheaper register writes (each index costs every imported row ~2–3 µs of PostgreSQL CPU):
 * - persons_arrival_date_idx repeats persons_arrival_idx (same column, same predicate): one is enough.
 * - house and phone-hash lookups are always equalities, which a partial index on the non-null rows
 *   serves; people without a house or a phone no longer enter those indexes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists persons_arrival_date_idx`.execute(db);
  await sql`drop index if exists persons_house_idx`.execute(db);
  await sql`create index persons_house_idx on persons (house_id) where house_id is not null`.execute(db);
  await sql`drop index if exists persons_phone_hash_idx`.execute(db);
  await sql`create index persons_phone_hash_idx on persons (phone_hash) where phone_hash is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists persons_phone_hash_idx`.execute(db);
  await sql`create index persons_phone_hash_idx on persons (phone_hash)`.execute(db);
  await sql`drop index if exists persons_house_idx`.execute(db);
  await sql`create index persons_house_idx on persons (house_id)`.execute(db);
  await sql`create index persons_arrival_date_idx on persons (arrival_date) where arrival_date is not null`.execute(
    db,
  );
}
