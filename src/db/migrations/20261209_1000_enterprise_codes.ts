import { type Kysely, sql } from 'kysely';

// Enterprise links (#14): an enterprise files its return to work and uploads its roster through a
// code the community gives it (no staff account), and its employees apply for clearance through a
// second code of the same unit. Both are access codes like the door codes: hashed token, revocable,
// one active per unit and kind.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table access_codes add column unit_id integer references units(id)`.execute(db);
  await sql`alter table access_codes drop constraint access_codes_kind_check`.execute(db);
  await sql`alter table access_codes add constraint access_codes_kind_check
    check (kind in ('household','self_report','place','enterprise','employee_apply'))`.execute(db);
  await sql`alter table access_codes add constraint access_codes_unit_check
    check ((kind in ('enterprise','employee_apply')) = (unit_id is not null))`.execute(db);
  await sql`create unique index access_codes_unit_active_idx on access_codes (unit_id, kind)
    where kind in ('enterprise','employee_apply') and status = 'active'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index access_codes_unit_active_idx`.execute(db);
  await sql`delete from access_codes where kind in ('enterprise','employee_apply')`.execute(db);
  await sql`alter table access_codes drop constraint access_codes_unit_check`.execute(db);
  await sql`alter table access_codes drop constraint access_codes_kind_check`.execute(db);
  await sql`alter table access_codes add constraint access_codes_kind_check
    check (kind in ('household','self_report','place'))`.execute(db);
  await sql`alter table access_codes drop column unit_id`.execute(db);
}
