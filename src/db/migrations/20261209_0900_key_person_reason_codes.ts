import { type Kysely, sql } from 'kysely';

// A key person opened by a rule (fever, health code, positive test, risk-area arrival) keeps why as a
// code and its figures, so each reader sees it in their language; the text reason stays for typed
// reasons and the audit trail. Earlier machine-written reasons are read back into codes.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table key_persons add column reason_code text
    check (reason_code in ('fever','health_code','positive','risk_area'))`.execute(db);
  await sql`alter table key_persons add column reason_params jsonb`.execute(db);
  await sql`
    update key_persons set reason_code = 'fever', reason_params = jsonb_build_object(
        'temperature', m[1], 'threshold', m[2])
    from (select id as kid, regexp_match(reason, '^([0-9.]+) °C ≥ ([0-9.]+) °C$') as m from key_persons
          where source = 'health_rule') f
    where id = f.kid and f.m is not null`.execute(db);
  await sql`
    update key_persons set reason_code = 'health_code', reason_params = jsonb_build_object('colour', substr(reason, 13))
    where source = 'health_rule' and reason in ('health_code YELLOW', 'health_code RED')`.execute(db);
  await sql`
    update key_persons set reason_code = 'positive', reason_params = '{}'::jsonb
    where source = 'health_rule' and reason = 'test positive'`.execute(db);
  await sql`
    update key_persons set reason_code = 'risk_area', reason_params = jsonb_build_object(
        'areas', m[1], 'arrivedOn', m[2], 'from', coalesce(m[4], ''))
    from (select id as kid, regexp_match(reason, '^risk area: (.*); arrived ([0-9-]{10})( from (.*))?$') as m
          from key_persons where source = 'returnee_scan') f
    where id = f.kid and f.m is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table key_persons drop column reason_params`.execute(db);
  await sql`alter table key_persons drop column reason_code`.execute(db);
}
