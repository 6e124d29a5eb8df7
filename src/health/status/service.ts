import type { Actor, Db } from '../../auth/context.js';
import { notFound } from '../../core/errors.js';
import type { HealthVerdict, KeyPersonCategory } from '../../core/vocabulary.js';
import { addDays, chinaDate } from '../../household-codes/dates.js';
import { RETURNEE_WINDOW_DAYS } from '../key-persons/returnees.js';
import { healthRules } from '../rules/settings.js';
import * as repo from './repository.js';
import type {
  HealthReason,
  HealthReasonCode,
  HealthStatusList,
  PersonHealthStatus,
  ReasonSeverity,
} from './schema.js';

/** A health code older than this is stale: the colour may have changed since. */
export const HEALTH_CODE_FRESH_HOURS = 24;
/** How far back a person's temperature trend reaches. */
export const TREND_DAYS = 7;
/** A fever reading this recent counts (FEVER_RECENT, the register's "fever in 24 h"). */
export const FEVER_RECENT_HOURS = 24;
/** A positive test this recent makes a person red whatever else is known. */
export const POSITIVE_RECENT_DAYS = 14;
/** Key-person categories that must not pass a gate: they are to stay at home or in care. */
export const QUARANTINE_CATEGORIES: readonly KeyPersonCategory[] = [
  'home_quarantine',
  'positive',
  'close_contact',
];

/**
 * The rules, in one place. Each reason a person's facts give has a weight; the verdict is the
 * heaviest weight present (red > amber; info is shown but changes nothing), green when none.
 *
 * | code                   | weight | when                                                            |
 * |------------------------|--------|-----------------------------------------------------------------|
 * | HEALTH_CODE_RED        | red    | health code RED (checked unless the caller turns codes off)     |
 * | TEST_POSITIVE          | red    | last test positive, taken within POSITIVE_RECENT_DAYS            |
 * | KEY_PERSON_QUARANTINE  | red    | active key person as home_quarantine / positive / close_contact |
 * | HEALTH_CODE_YELLOW     | amber  | health code YELLOW                                              |
 * | HEALTH_CODE_UNKNOWN    | amber  | no health code, or UNKNOWN                                      |
 * | HEALTH_CODE_STALE      | amber  | green code older than HEALTH_CODE_FRESH_HOURS                   |
 * | TEST_MISSING_IN_WINDOW | amber  | a test window is asked and no negative test lies within it      |
 * | RISK_AREA_ARRIVAL      | amber  | arrived within RETURNEE_WINDOW_DAYS from a current risk area    |
 * | KEY_PERSON             | amber  | any other active key-person category (returnee, monitoring…)    |
 * | FEVER_RECENT           | amber  | last temperature ≥ the fever threshold, within 24 hours         |
 * | NO_VACCINATION         | info   | no vaccination dose recorded                                    |
 */
export const RULES: Readonly<Record<HealthReasonCode, ReasonSeverity>> = {
  HEALTH_CODE_RED: 'red',
  TEST_POSITIVE: 'red',
  KEY_PERSON_QUARANTINE: 'red',
  HEALTH_CODE_YELLOW: 'amber',
  HEALTH_CODE_UNKNOWN: 'amber',
  HEALTH_CODE_STALE: 'amber',
  TEST_MISSING_IN_WINDOW: 'amber',
  RISK_AREA_ARRIVAL: 'amber',
  KEY_PERSON: 'amber',
  FEVER_RECENT: 'amber',
  NO_VACCINATION: 'info',
};

/** Whether the person's last reading is a fever: at or above the threshold, within FEVER_RECENT_HOURS. */
export function hasFever(facts: repo.HealthFactsRow, now: Date, threshold: number): boolean {
  return (
    facts.last_temperature !== null &&
    Number(facts.last_temperature) >= threshold &&
    facts.last_temperature_at !== null &&
    now.getTime() - facts.last_temperature_at.getTime() <= FEVER_RECENT_HOURS * HOUR_MS
  );
}

export interface HealthStatusOptions {
  /** Require a negative test within this many hours; null/undefined = no test required. */
  testWithinHours?: number | null;
  /** Whether the health code counts (a checkpoint may not check it); default true. */
  checkHealthCode?: boolean;
  /** The fever threshold in °C; default the deployment's (GRIDGUARD_FEVER_THRESHOLD). */
  feverThreshold?: number;
}

const HOUR_MS = 3_600_000;
const SEVERITY_RANK: Readonly<Record<ReasonSeverity, number>> = { red: 2, amber: 1, info: 0 };
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The verdict a list of reasons adds up to (also used when a caller adds reasons of its own). */
export function verdictOf(reasons: ReadonlyArray<{ severity: ReasonSeverity }>): HealthVerdict {
  const top = Math.max(-1, ...reasons.map((r) => SEVERITY_RANK[r.severity]));
  return top === 2 ? 'red' : top === 1 ? 'amber' : 'green';
}

/** Heaviest first, so the screen's first line is the one that matters. */
export function sortReasons<T extends { severity: ReasonSeverity }>(reasons: T[]): T[] {
  return reasons.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
}

function reason(code: HealthReasonCode, params: HealthReason['params'] = {}): HealthReason {
  return { code, severity: RULES[code], params };
}

/** The reasons one person's facts give under the options (pure: the rules table applied). */
export function reasonsOf(
  facts: repo.HealthFactsRow,
  now: Date,
  options: HealthStatusOptions,
): HealthReason[] {
  const reasons: HealthReason[] = [];
  if (options.checkHealthCode !== false) {
    const at = iso(facts.health_code_at);
    if (facts.health_code === 'RED') reasons.push(reason('HEALTH_CODE_RED', { at }));
    else if (facts.health_code === 'YELLOW') reasons.push(reason('HEALTH_CODE_YELLOW', { at }));
    else if (facts.health_code === null || facts.health_code === 'UNKNOWN')
      reasons.push(reason('HEALTH_CODE_UNKNOWN'));
    else if (
      !facts.health_code_at ||
      now.getTime() - facts.health_code_at.getTime() > HEALTH_CODE_FRESH_HOURS * HOUR_MS
    )
      reasons.push(reason('HEALTH_CODE_STALE', { at, hours: HEALTH_CODE_FRESH_HOURS }));
  }
  if (
    facts.last_test_result === 'positive' &&
    facts.last_test_at &&
    now.getTime() - facts.last_test_at.getTime() <= POSITIVE_RECENT_DAYS * 24 * HOUR_MS
  )
    reasons.push(reason('TEST_POSITIVE', { at: iso(facts.last_test_at) }));
  for (const category of facts.key_persons)
    reasons.push(
      reason(QUARANTINE_CATEGORIES.includes(category) ? 'KEY_PERSON_QUARANTINE' : 'KEY_PERSON', { category }),
    );
  const hours = options.testWithinHours ?? null;
  if (hours !== null) {
    const negativeInWindow =
      facts.last_test_result === 'negative' &&
      facts.last_test_at !== null &&
      now.getTime() - facts.last_test_at.getTime() <= hours * HOUR_MS;
    if (!negativeInWindow)
      reasons.push(
        reason('TEST_MISSING_IN_WINDOW', {
          hours,
          lastAt: iso(facts.last_test_at),
          lastResult: facts.last_test_result,
        }),
      );
  }
  const threshold = options.feverThreshold ?? healthRules().feverThreshold;
  if (hasFever(facts, now, threshold))
    reasons.push(
      reason('FEVER_RECENT', {
        temperature: Number(facts.last_temperature),
        at: iso(facts.last_temperature_at),
      }),
    );
  const area = facts.risk_areas[0];
  if (area)
    reasons.push(
      reason('RISK_AREA_ARRIVAL', { area: area.name, level: area.level, arrivedOn: facts.arrival_date }),
    );
  if (facts.vaccination_doses === 0) reasons.push(reason('NO_VACCINATION'));
  return sortReasons(reasons);
}

/**
 * The one health verdict (green / amber / red with reasons) of many persons at once, in two
 * statements whatever their number. The person page, the gate check and employee clearance all
 * ask here; scope is the caller's business (a gate may check a visitor from elsewhere).
 * Persons that do not exist are left out of the map.
 */
export async function healthStatuses(
  db: Db,
  personIds: readonly number[],
  now: Date,
  options: HealthStatusOptions = {},
): Promise<Map<number, PersonHealthStatus>> {
  const today = chinaDate(now);
  const rows = await repo.healthFacts(db, [...new Set(personIds)], {
    now,
    today,
    arrivalSince: addDays(today, -(RETURNEE_WINDOW_DAYS - 1)),
    trendSince: new Date(now.getTime() - TREND_DAYS * 24 * HOUR_MS),
  });
  const threshold = options.feverThreshold ?? healthRules().feverThreshold;
  return new Map(
    rows.map((facts) => {
      const reasons = reasonsOf(facts, now, options);
      const status: PersonHealthStatus = {
        personId: facts.person_id,
        verdict: verdictOf(reasons),
        reasons,
        facts: {
          healthCode: facts.health_code,
          healthCodeAt: iso(facts.health_code_at),
          lastTestAt: iso(facts.last_test_at),
          lastTestResult: facts.last_test_result,
          vaccinationDoses: facts.vaccination_doses,
          lastVaccinatedAt: iso(facts.last_vaccinated_at),
          lastTemperature: facts.last_temperature === null ? null : Number(facts.last_temperature),
          lastTemperatureAt: iso(facts.last_temperature_at),
          keyPersonCategories: facts.key_persons,
          temperatures: facts.temperatures.map((t) => ({ at: t.at.toISOString(), value: t.value })),
          fever: hasFever(facts, now, threshold),
        },
        feverThreshold: threshold,
        testWithinHours: options.testWithinHours ?? null,
        computedAt: now.toISOString(),
      };
      return [facts.person_id, status];
    }),
  );
}

/** GET /api/persons/:id/health-status: one person of the caller's health.read subtrees. */
export async function personHealthStatus(
  db: Db,
  actor: Actor,
  personId: number,
  options: HealthStatusOptions,
): Promise<PersonHealthStatus> {
  const missing = () =>
    notFound('PERSON_NOT_FOUND', `Person ${personId} does not exist or is outside your area`);
  if (!(await repo.personInScope(db, actor.viewer, 'health.read', personId))) throw missing();
  const status = (await healthStatuses(db, [personId], actor.now(), options)).get(personId);
  if (!status) throw missing();
  return status;
}

/** GET /api/health-statuses: the badges of a list (a house's members, the untested list), in scope only. */
export async function healthStatusList(
  db: Db,
  actor: Actor,
  personIds: readonly number[],
): Promise<HealthStatusList> {
  const visible = await repo.personsInScope(db, actor.viewer, 'health.read', [...new Set(personIds)]);
  const statuses = await healthStatuses(db, visible, actor.now());
  return { items: [...statuses.values()] };
}
