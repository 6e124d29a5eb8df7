import { sql } from 'kysely';
import type { Db } from '../../auth/context.js';
import type { KeyPersonCategory } from '../../db/schema.js';
import { defaultWorker } from '../key-persons/repository.js';

/** Which rule opened a key person. */
export type HealthRule = 'fever' | 'health_code' | 'positive';

export interface RuleInput {
  personIds: readonly number[];
  now: Date;
  today: string;
  feverThreshold: number;
  /** The rules switched on. */
  rules: readonly HealthRule[];
  /** How recent a fact must be for a rule to act on it. */
  feverWithinHours: number;
  codeWithinHours: number;
  positiveWithinDays: number;
  /** Period and plan per category a rule may open. */
  defaults: ReadonlyArray<{ category: KeyPersonCategory; days: number; plan: string }>;
}

export interface OpenedRow {
  id: number;
  person_id: number;
  area_path: string;
  category: KeyPersonCategory;
  rule: HealthRule;
  reason: string;
}

/**
 * Opens the key persons the persons' current facts (person_health) call for, in one statement:
 * a fever reading, a yellow or red code, a positive test — each recent enough. Idempotent: nothing
 * opens where the person already has that category active, or had one begun since the fact (a
 * worker who ended it has decided; a re-import of the same reading changes nothing). The
 * responsible worker is the person's default grid worker, as for the returnee scan.
 */
export async function openFromFacts(db: Db, input: RuleInput): Promise<OpenedRow[]> {
  if (input.personIds.length === 0 || input.rules.length === 0) return [];
  const on = (rule: HealthRule) => input.rules.includes(rule);
  const result = await sql<OpenedRow>`
    with facts as (
      select p.id as person_id, p.area_path, h.last_temperature, h.last_temperature_at, h.health_code,
        h.health_code_at, h.last_test_result, h.last_test_at
      from persons p
      join person_health h on h.person_id = p.id
      where p.id = any(${[...new Set(input.personIds)]}::integer[]) and p.status = 'active'
        and p.area_path is not null
    ), candidates as (
      select person_id, area_path, 'fever' as category, 'fever' as rule, last_temperature_at as fact_at,
        concat(last_temperature, ' °C ≥ ', ${input.feverThreshold}::numeric, ' °C') as reason,
        jsonb_build_object('temperature', last_temperature::text, 'threshold', ${input.feverThreshold}::numeric::text)
          as reason_params
      from facts
      where ${on('fever')}::boolean and last_temperature >= ${input.feverThreshold}::numeric
        and last_temperature_at > ${input.now}::timestamptz - make_interval(hours => ${input.feverWithinHours})
      union all
      select person_id, area_path, case health_code when 'RED' then 'home_quarantine' else 'home_monitoring' end,
        'health_code', health_code_at, concat('health_code ', health_code),
        jsonb_build_object('colour', health_code)
      from facts
      where ${on('health_code')}::boolean and health_code in ('YELLOW', 'RED')
        and health_code_at > ${input.now}::timestamptz - make_interval(hours => ${input.codeWithinHours})
      union all
      select person_id, area_path, 'positive', 'positive', last_test_at, 'test positive', '{}'::jsonb
      from facts
      where ${on('positive')}::boolean and last_test_result = 'positive'
        and last_test_at > ${input.now}::timestamptz - make_interval(days => ${input.positiveWithinDays})
    ), defaults as (
      select * from unnest(${input.defaults.map((d) => d.category)}::text[],
        ${input.defaults.map((d) => d.days)}::integer[], ${input.defaults.map((d) => d.plan)}::text[])
        as d(category, days, plan)
    ), opened as (
      insert into key_persons (person_id, area_path, category, status, starts_on, ends_on, responsible_user_id,
                               plan, reason, reason_code, reason_params, source, created_at)
      select c.person_id, c.area_path, c.category, 'active', ${input.today}::date,
        ${input.today}::date + (d.days - 1), ${defaultWorker('c.area_path')}, d.plan::jsonb, c.reason,
        c.rule, c.reason_params, 'health_rule', ${input.now}
      from candidates c
      join defaults d on d.category = c.category
      where not exists (
        select 1 from key_persons k where k.person_id = c.person_id and k.category = c.category
          and (k.status = 'active' or k.created_at >= c.fact_at))
      on conflict (person_id, category) where status = 'active' do nothing
      returning id, person_id, area_path, category, reason
    )
    select o.id, o.person_id, o.area_path, o.category, c.rule, o.reason
    from opened o join candidates c on c.person_id = o.person_id and c.category = o.category
    order by o.id`.execute(db);
  return result.rows.map((r) => ({ ...r, id: Number(r.id), person_id: Number(r.person_id) }));
}
