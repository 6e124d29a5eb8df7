import { recordAuditMany } from '../../audit/repository.js';
import type { Actor, Db } from '../../auth/context.js';
import type { KeyPersonCategory } from '../../core/vocabulary.js';
import { chinaDate } from '../../household-codes/dates.js';
import { CATEGORY_DEFAULTS } from '../key-persons/plan.js';
import { generateFollowUps } from '../key-persons/repository.js';
import { FEVER_RECENT_HOURS, HEALTH_CODE_FRESH_HOURS, POSITIVE_RECENT_DAYS } from '../status/service.js';
import * as repo from './repository.js';
import { healthRules } from './settings.js';

export type { HealthRule } from './repository.js';

/**
 * The key-person category each rule opens. A yellow code means home health monitoring (居家健康监测)
 * and a red one home quarantine (居家隔离), as local practice orders for those colours.
 */
export const RULE_CATEGORIES: Readonly<Record<repo.HealthRule, readonly KeyPersonCategory[]>> = {
  fever: ['fever'],
  health_code: ['home_monitoring', 'home_quarantine'],
  positive: ['positive'],
};

export interface HealthRulesOutcome {
  opened: Array<{
    keyPersonId: number;
    personId: number;
    areaPath: string;
    category: KeyPersonCategory;
    rule: repo.HealthRule;
  }>;
}

/**
 * Applies the deployment's health rules to these persons' current facts (person_health and
 * their key persons), in the caller's transaction: a fever (≥ the configured threshold, read
 * within 24 h) opens a fever key person, a yellow/red code (within 24 h) home monitoring / home
 * quarantine, a positive test (within 14 days) a positive key person. Each opens with its
 * category's plan and period and the default grid worker as responsible, whose follow-ups of
 * the day are their task; audited as `system:health-rules`. Idempotent: call it after every
 * write of health facts (feeds, matching, check-ins, sweeps) — a second reading, batch or
 * re-import opens nothing new.
 */
export async function applyHealthRules(
  trx: Db,
  personIds: readonly number[],
  now: Date,
): Promise<HealthRulesOutcome> {
  const settings = healthRules();
  const rules = (['fever', 'health_code', 'positive'] as const).filter((rule) =>
    rule === 'health_code' ? settings.healthCode : settings[rule],
  );
  if (personIds.length === 0 || rules.length === 0) return { opened: [] };
  const today = chinaDate(now);
  const rows = await repo.openFromFacts(trx, {
    personIds,
    now,
    today,
    feverThreshold: settings.feverThreshold,
    rules,
    feverWithinHours: FEVER_RECENT_HOURS,
    codeWithinHours: HEALTH_CODE_FRESH_HOURS,
    positiveWithinDays: POSITIVE_RECENT_DAYS,
    defaults: rules
      .flatMap((rule) => RULE_CATEGORIES[rule])
      .map((category) => ({
        category,
        days: CATEGORY_DEFAULTS[category].days,
        plan: JSON.stringify(CATEGORY_DEFAULTS[category].plan),
      })),
  });
  if (rows.length === 0) return { opened: [] };
  await generateFollowUps(
    trx,
    rows.map((r) => r.id),
    today,
  );
  const actor: Actor = { viewer: { kind: 'system', name: 'health-rules' }, ip: null, now: () => now };
  await recordAuditMany(
    trx,
    actor,
    rows.map((r) => ({
      action: 'key_person.flag',
      entityType: 'key_person',
      entityId: r.id,
      areaPath: r.area_path,
      after: { personId: r.person_id, category: r.category, rule: r.rule },
      reason: r.reason,
    })),
  );
  return {
    opened: rows.map((r) => ({
      keyPersonId: r.id,
      personId: r.person_id,
      areaPath: r.area_path,
      category: r.category,
      rule: r.rule,
    })),
  };
}
