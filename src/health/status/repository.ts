import { sql } from 'kysely';
import type { Right } from '../../auth/rights.js';
import { inScope, type Viewer } from '../../auth/scope.js';
import type { Db } from '../../auth/context.js';
import type { HealthCodeColour, KeyPersonCategory } from '../../db/schema.js';

/** What the verdict is computed from, one row per person. */
export interface HealthFactsRow {
  person_id: number;
  area_path: string | null;
  health_code: HealthCodeColour | null;
  health_code_at: Date | null;
  last_test_at: Date | null;
  last_test_result: string | null;
  vaccination_doses: number;
  last_vaccinated_at: Date | null;
  last_temperature: string | null;
  last_temperature_at: Date | null;
  arrival_date: string | null;
  /** Active key-person categories. */
  key_persons: KeyPersonCategory[];
  /** Current risk areas the person's recent arrival matches, highest level first. */
  risk_areas: Array<{ name: string; level: 'high' | 'medium' | 'low' }>;
  /** Temperature readings since `trendSince`, oldest first, at most TREND_READINGS (the latest ones). */
  temperatures: Array<{ at: Date; value: number }>;
}

/** The most readings a temperature trend holds (four a day over a week). */
export const TREND_READINGS = 28;

const toDate = (value: unknown): Date | null =>
  value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value));
const toDay = (value: unknown): string | null =>
  value === null || value === undefined
    ? null
    : value instanceof Date
      ? value.toISOString().slice(0, 10)
      : String(value).slice(0, 10);
const parsed = <T>(value: unknown): T =>
  typeof value === 'string' ? (JSON.parse(value) as T) : (value as T);

/**
 * The health facts of many persons in one statement (no query per person): the person_health
 * summary, active key-person categories, and the current risk areas a recent arrival matches.
 * Set-based: each kind of fact is gathered for the whole list in one grouped pass and joined
 * once (no subquery run per person), so a 5,000-employee roster costs a few scans.
 * An arrival matches as the returnee scan compares it (key-persons/repository.ts insertReturnees):
 * arrived within `arrivalSince`..`today`, and `arrived_from` names the risk area or starts with its
 * region code (the person's own region code when no origin was written down).
 */
export async function healthFacts(
  db: Db,
  personIds: readonly number[],
  input: { now: Date; today: string; arrivalSince: string; trendSince: Date },
): Promise<HealthFactsRow[]> {
  if (personIds.length === 0) return [];
  const result = await sql<Record<string, unknown>>`
    with ids as (select distinct unnest(${[...personIds]}::integer[]) as id),
    key_categories as (
      select k.person_id, json_agg(k.category order by k.category) as key_persons
      from key_persons k join ids on ids.id = k.person_id
      where k.status = 'active'
      group by k.person_id),
    readings as (
      select t.person_id,
        json_agg(json_build_object('at', t.occurred_at, 'value', t.value) order by t.occurred_at) as temperatures
      from (select r.person_id, r.occurred_at, r.value,
              row_number() over (partition by r.person_id order by r.occurred_at desc) as n
            from health_records r join ids on ids.id = r.person_id
            where r.kind = 'temperature' and r.occurred_at >= ${input.trendSince} and r.occurred_at <= ${input.now}) t
      where t.n <= ${TREND_READINGS}
      group by t.person_id),
    arrivals as (
      select p.id as person_id,
        json_agg(json_build_object('name', r.name, 'level', r.level)
          order by case r.level when 'high' then 0 when 'medium' then 1 else 2 end, r.name) as risk_areas
      from persons p join ids on ids.id = p.id
      join risk_areas r on r.valid_from <= ${input.now} and (r.valid_to is null or r.valid_to > ${input.now})
        and ((char_length(r.name) >= 2 and strpos(coalesce(p.arrived_from, ''), r.name) > 0)
          or (r.region_code is not null and r.region_code <> '' and (
            p.arrived_from like r.region_code || '%'
            or (coalesce(trim(p.arrived_from), '') = '' and p.region_code like r.region_code || '%'))))
      where p.arrival_date between ${input.arrivalSince}::date and ${input.today}::date
      group by p.id)
    select p.id as person_id, p.area_path, p.arrival_date,
      h.health_code, h.health_code_at, h.last_test_at, h.last_test_result,
      coalesce(h.vaccination_doses, 0) as vaccination_doses, h.last_vaccinated_at, h.last_temperature,
      h.last_temperature_at,
      coalesce(readings.temperatures, '[]'::json) as temperatures,
      coalesce(key_categories.key_persons, '[]'::json) as key_persons,
      coalesce(arrivals.risk_areas, '[]'::json) as risk_areas
    from persons p
    join ids on ids.id = p.id
    left join person_health h on h.person_id = p.id
    left join key_categories on key_categories.person_id = p.id
    left join readings on readings.person_id = p.id
    left join arrivals on arrivals.person_id = p.id
    order by p.id`.execute(db);
  return result.rows.map((r) => ({
    person_id: Number(r.person_id),
    area_path: (r.area_path as string | null) ?? null,
    health_code: (r.health_code as HealthCodeColour | null) ?? null,
    health_code_at: toDate(r.health_code_at),
    last_test_at: toDate(r.last_test_at),
    last_test_result: (r.last_test_result as string | null) ?? null,
    vaccination_doses: Number(r.vaccination_doses),
    last_vaccinated_at: toDate(r.last_vaccinated_at),
    last_temperature: r.last_temperature === null ? null : String(r.last_temperature),
    last_temperature_at: toDate(r.last_temperature_at),
    arrival_date: toDay(r.arrival_date),
    key_persons: parsed<KeyPersonCategory[]>(r.key_persons),
    risk_areas: parsed<Array<{ name: string; level: 'high' | 'medium' | 'low' }>>(r.risk_areas),
    temperatures: parsed<Array<{ at: string; value: string | number }>>(r.temperatures).map((t) => ({
      at: new Date(t.at),
      value: Number(t.value),
    })),
  }));
}

/** Whether the person is in the viewer's subtrees for `right` (the person page's gate). */
export async function personInScope(
  db: Db,
  viewer: Viewer,
  right: Right,
  personId: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('persons as p')
    .select('p.id')
    .where('p.id', '=', personId)
    .where(inScope(viewer, right, 'p.area_path'))
    .executeTakeFirst();
  return row !== undefined;
}

/** Which of these persons are in the viewer's subtrees for `right` (a list's badges). */
export async function personsInScope(
  db: Db,
  viewer: Viewer,
  right: Right,
  personIds: readonly number[],
): Promise<number[]> {
  if (personIds.length === 0) return [];
  const rows = await db
    .selectFrom('persons as p')
    .select('p.id')
    .where('p.id', '=', sql<number>`any(${[...personIds]}::integer[])`)
    .where(inScope(viewer, right, 'p.area_path'))
    .execute();
  return rows.map((r) => r.id);
}
