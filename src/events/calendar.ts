import type { TimeLimit, TimeLimitUnit } from '../db/schema.js';

/**
 * The working calendar of time limits (工作时限): Asia/Shanghai time (UTC+8 all year, no daylight
 * saving), 09:00–12:00 and 13:00–18:00 on working days, so 8 working hours make one working day.
 * Monday–Friday work and the weekend is off, unless a special day says otherwise: a `holiday`
 * (法定节假日) is off, a `workday` (调休上班) is worked. Pure functions: the caller loads the days.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** China Standard Time has no daylight saving: a fixed offset is exact. */
const CHINA_OFFSET_MS = 8 * HOUR_MS;
/** Working periods as [start, end) minutes after local midnight. */
export const WORK_PERIODS: ReadonlyArray<readonly [number, number]> = [
  [9 * 60, 12 * 60],
  [13 * 60, 18 * 60],
];
export const WORK_HOURS_PER_DAY = 8;
/** No limit reaches this far; a calendar that never works again is an error, not a hang. */
const MAX_DAYS_SCANNED = 3660;

export type SpecialDayKind = 'holiday' | 'workday';

export interface WorkCalendar {
  /** Days that differ from the Monday–Friday rule, by 'YYYY-MM-DD' (China date). */
  readonly special: ReadonlyMap<string, SpecialDayKind>;
}

export const PLAIN_CALENDAR: WorkCalendar = Object.freeze({ special: new Map() });

export function calendarOf(days: ReadonlyArray<{ day: string; kind: SpecialDayKind }>): WorkCalendar {
  return { special: new Map(days.map((d) => [d.day, d.kind])) };
}

/** The China date ('YYYY-MM-DD') of an instant. */
export function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Local midnight of the China day holding `ms`, as "local milliseconds" (UTC ms + 8 h). */
const localMidnight = (localMs: number) => Math.floor(localMs / DAY_MS) * DAY_MS;

function isWorkingLocalDay(localMidnightMs: number, calendar: WorkCalendar): boolean {
  const day = new Date(localMidnightMs);
  const special = calendar.special.get(day.toISOString().slice(0, 10));
  if (special) return special === 'workday';
  const weekday = day.getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** Whether a China date ('YYYY-MM-DD') is worked. */
export function isWorkingDay(day: string, calendar: WorkCalendar): boolean {
  return isWorkingLocalDay(Date.parse(`${day}T00:00:00Z`), calendar);
}

/** The instant `workMs` of working time after `start` (a start outside hours waits for the next period). */
export function addWorkingTime(start: Date, workMs: number, calendar: WorkCalendar): Date {
  let remaining = workMs;
  if (remaining <= 0) return new Date(start);
  let cursor = start.getTime() + CHINA_OFFSET_MS;
  let day = localMidnight(cursor);
  for (let scanned = 0; scanned < MAX_DAYS_SCANNED; scanned++, day += DAY_MS, cursor = day) {
    if (!isWorkingLocalDay(day, calendar)) continue;
    for (const [from, to] of WORK_PERIODS) {
      const begin = Math.max(day + from * MINUTE_MS, cursor);
      const end = day + to * MINUTE_MS;
      if (begin >= end) continue;
      if (remaining <= end - begin) return new Date(begin + remaining - CHINA_OFFSET_MS);
      remaining -= end - begin;
    }
  }
  throw new Error(
    `The working calendar has no working time within ${MAX_DAYS_SCANNED} days of ${start.toISOString()}`,
  );
}

/** Working time (ms) between two instants; 0 when `to` is not after `from`. */
export function workingTimeBetween(from: Date, to: Date, calendar: WorkCalendar): number {
  const end = to.getTime() + CHINA_OFFSET_MS;
  let cursor = from.getTime() + CHINA_OFFSET_MS;
  let total = 0;
  for (let day = localMidnight(cursor); day < end; day += DAY_MS, cursor = day) {
    if (!isWorkingLocalDay(day, calendar)) continue;
    for (const [periodFrom, periodTo] of WORK_PERIODS) {
      const begin = Math.max(day + periodFrom * MINUTE_MS, cursor);
      const finish = Math.min(day + periodTo * MINUTE_MS, end);
      if (finish > begin) total += finish - begin;
    }
  }
  return total;
}

/** The length of a limit: natural milliseconds for `minutes`, working milliseconds otherwise. */
export function limitMs(limit: TimeLimit): number {
  switch (limit.unit) {
    case 'minutes':
      return limit.amount * MINUTE_MS;
    case 'work_hours':
      return limit.amount * HOUR_MS;
    case 'work_days':
      return limit.amount * WORK_HOURS_PER_DAY * HOUR_MS;
  }
}

/** When a step started at `start` with this limit is due. */
export function deadlineFor(start: Date, limit: TimeLimit, calendar: WorkCalendar): Date {
  return limit.unit === 'minutes'
    ? new Date(start.getTime() + limitMs(limit))
    : addWorkingTime(start, limitMs(limit), calendar);
}

/** Time left before `deadline`, in the limit's own kind of time (natural or working ms); never negative. */
export function timeLeft(unit: TimeLimitUnit, now: Date, deadline: Date, calendar: WorkCalendar): number {
  return unit === 'minutes'
    ? Math.max(0, deadline.getTime() - now.getTime())
    : workingTimeBetween(now, deadline, calendar);
}

/** The new deadline of a resumed step: what was left when it was suspended, counted from `now`. */
export function resumedDeadline(
  unit: TimeLimitUnit,
  now: Date,
  leftMs: number,
  calendar: WorkCalendar,
): Date {
  return unit === 'minutes' ? new Date(now.getTime() + leftMs) : addWorkingTime(now, leftMs, calendar);
}
