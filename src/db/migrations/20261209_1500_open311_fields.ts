import { type Kysely, sql } from 'kysely';

// Open311 fidelity (#15): a request keeps the media_url its client posted and the answers to its
// service's attributes; a category may ask for attributes (GeoReport v2 service definitions).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table events add column media_url text check (length(media_url) <= 500)`.execute(db);
  await sql`alter table events add column attributes jsonb`.execute(db);
  await sql`alter table event_categories add column attributes jsonb not null default '[]'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table event_categories drop column attributes`.execute(db);
  await sql`alter table events drop column attributes`.execute(db);
  await sql`alter table events drop column media_url`.execute(db);
}
