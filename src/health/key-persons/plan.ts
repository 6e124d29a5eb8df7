import type { KeyPersonCategory } from '../../db/schema.js';
import { KEY_PERSON_CATEGORIES } from '../../core/vocabulary.js';

/**
 * A follow-up plan: what the responsible worker checks each day of the period. Day 1 is the
 * first day of the period. Stored as JSON on the key person; `follow_ups` rows are generated
 * from it (one per day and slot: "am"/"pm" temperatures, "test", "call", "visit").
 */
export interface FollowUpPlan {
  /** Temperature readings per day, e.g. ["am", "pm"] for twice a day. */
  temperatureSlots?: Array<'am' | 'pm'>;
  /** Days of the period with a nucleic-acid test, e.g. [1, 4, 7]. */
  testDays?: number[];
  /** A phone call every day. */
  dailyCall?: boolean;
  /** Days with a home visit. */
  visitDays?: number[];
}

export { KEY_PERSON_CATEGORIES };

/** What a category gets when the caller names no plan or period (local practice may differ). */
export const CATEGORY_DEFAULTS: Record<KeyPersonCategory, { days: number; plan: FollowUpPlan }> = {
  // 落地检: two tests in the first three days, daily temperature over the 14 days after arrival.
  returnee: { days: 14, plan: { temperatureSlots: ['am'], testDays: [1, 3] } },
  close_contact: { days: 7, plan: { temperatureSlots: ['am', 'pm'], testDays: [1, 4, 7], dailyCall: true } },
  secondary_contact: { days: 7, plan: { temperatureSlots: ['am', 'pm'], testDays: [1, 4, 7] } },
  home_quarantine: {
    days: 7,
    plan: { temperatureSlots: ['am', 'pm'], testDays: [1, 4, 7], dailyCall: true },
  },
  home_monitoring: { days: 7, plan: { temperatureSlots: ['am', 'pm'], testDays: [1, 7] } },
  positive: { days: 10, plan: { temperatureSlots: ['am', 'pm'], dailyCall: true, visitDays: [1] } },
  fever: { days: 3, plan: { temperatureSlots: ['am', 'pm'], testDays: [1], dailyCall: true } },
};

/** Longest period a key person can be followed for in one go (extend it afterwards). */
export const MAX_PERIOD_DAYS = 60;

/** The plan as stored: days sorted and unique, empty parts left out (days past the period simply never come). */
export function normalisePlan(plan: FollowUpPlan): FollowUpPlan {
  const days = (list: number[] | undefined) =>
    [...new Set(list ?? [])]
      .filter((d) => Number.isInteger(d) && d >= 1 && d <= MAX_PERIOD_DAYS)
      .sort((a, b) => a - b);
  const normalised: FollowUpPlan = {};
  const slots = (['am', 'pm'] as const).filter((s) => plan.temperatureSlots?.includes(s));
  if (slots.length) normalised.temperatureSlots = slots;
  const testDays = days(plan.testDays);
  if (testDays.length) normalised.testDays = testDays;
  if (plan.dailyCall) normalised.dailyCall = true;
  const visitDays = days(plan.visitDays);
  if (visitDays.length) normalised.visitDays = visitDays;
  return normalised;
}

export function isEmptyPlan(plan: FollowUpPlan): boolean {
  return Object.keys(plan).length === 0;
}
