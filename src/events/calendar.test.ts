import { describe, expect, it } from 'vitest';
import {
  addWorkingTime,
  calendarOf,
  chinaDate,
  deadlineFor,
  isWorkingDay,
  PLAIN_CALENDAR,
  resumedDeadline,
  timeLeft,
  workingTimeBetween,
} from './calendar.js';

const at = (local: string) => new Date(`${local}+08:00`);
const HOUR = 3600_000;

// National Day 2026 as a city might publish it: 1–7 October off, Sunday 27 Sept and Saturday 10 Oct worked.
const nationalDay = calendarOf([
  ...['01', '02', '03', '04', '05', '06', '07'].map((d) => ({
    day: `2026-10-${d}`,
    kind: 'holiday' as const,
  })),
  { day: '2026-09-27', kind: 'workday' },
  { day: '2026-10-10', kind: 'workday' },
]);

describe('working calendar', () => {
  it('counts working hours through lunch and into the afternoon', () => {
    const wh = (amount: number) => ({ amount, unit: 'work_hours' as const });
    expect(deadlineFor(at('2026-11-02T10:30:00'), wh(4), PLAIN_CALENDAR)).toEqual(at('2026-11-02T15:30:00'));
    expect(deadlineFor(at('2026-11-02T12:30:00'), wh(1), PLAIN_CALENDAR)).toEqual(at('2026-11-02T14:00:00'));
    // Ends exactly at the close of the day rather than at the next morning.
    expect(deadlineFor(at('2026-11-02T14:00:00'), wh(4), PLAIN_CALENDAR)).toEqual(at('2026-11-02T18:00:00'));
  });

  it('starts outside working hours at the next working period', () => {
    const oneHour = { amount: 1, unit: 'work_hours' as const };
    expect(deadlineFor(at('2026-11-02T08:00:00'), oneHour, PLAIN_CALENDAR)).toEqual(
      at('2026-11-02T10:00:00'),
    );
    expect(deadlineFor(at('2026-11-02T19:00:00'), oneHour, PLAIN_CALENDAR)).toEqual(
      at('2026-11-03T10:00:00'),
    );
    expect(deadlineFor(at('2026-11-07T10:00:00'), oneHour, PLAIN_CALENDAR)).toEqual(
      at('2026-11-09T10:00:00'),
    );
  });

  it('skips the weekend', () => {
    expect(deadlineFor(at('2026-11-06T16:00:00'), { amount: 4, unit: 'work_hours' }, PLAIN_CALENDAR)).toEqual(
      at('2026-11-09T11:00:00'),
    );
    expect(deadlineFor(at('2026-11-06T09:00:00'), { amount: 2, unit: 'work_days' }, PLAIN_CALENDAR)).toEqual(
      at('2026-11-09T18:00:00'),
    );
  });

  it('skips public holidays and works the swapped weekend days (调休)', () => {
    expect(isWorkingDay('2026-10-01', nationalDay)).toBe(false);
    expect(isWorkingDay('2026-09-27', nationalDay)).toBe(true);
    expect(isWorkingDay('2026-09-26', nationalDay)).toBe(false);
    // Friday 17:00 + 2 h: one hour on Friday, Saturday off, Sunday 27 Sept worked.
    expect(deadlineFor(at('2026-09-25T17:00:00'), { amount: 2, unit: 'work_hours' }, nationalDay)).toEqual(
      at('2026-09-27T10:00:00'),
    );
    // Wednesday 30 Sept 16:00 + 1 working day: two hours, then the whole holiday week passes.
    expect(deadlineFor(at('2026-09-30T16:00:00'), { amount: 1, unit: 'work_days' }, nationalDay)).toEqual(
      at('2026-10-08T16:00:00'),
    );
    expect(deadlineFor(at('2026-10-09T17:00:00'), { amount: 2, unit: 'work_hours' }, nationalDay)).toEqual(
      at('2026-10-10T10:00:00'),
    );
  });

  it('counts natural minutes straight through nights, weekends and holidays', () => {
    expect(deadlineFor(at('2026-10-03T23:50:00'), { amount: 30, unit: 'minutes' }, nationalDay)).toEqual(
      at('2026-10-04T00:20:00'),
    );
  });

  it('uses China time whatever the instant is written in (UTC+8 all year, no DST)', () => {
    // 01:30Z is 09:30 in Shanghai; 23:00Z on Sunday is Monday 07:00 there.
    expect(addWorkingTime(new Date('2026-11-02T01:30:00Z'), HOUR, PLAIN_CALENDAR).toISOString()).toBe(
      '2026-11-02T02:30:00.000Z',
    );
    expect(addWorkingTime(new Date('2026-11-01T23:00:00Z'), HOUR, PLAIN_CALENDAR).toISOString()).toBe(
      '2026-11-02T02:00:00.000Z',
    );
    expect(chinaDate(new Date('2026-11-01T16:00:00Z'))).toBe('2026-11-02');
    // Summer and winter give the same local hours.
    expect(deadlineFor(at('2026-07-01T17:00:00'), { amount: 2, unit: 'work_hours' }, PLAIN_CALENDAR)).toEqual(
      at('2026-07-02T10:00:00'),
    );
  });

  it('measures working time between instants, and resumes with what was left', () => {
    expect(workingTimeBetween(at('2026-11-06T16:00:00'), at('2026-11-09T11:00:00'), PLAIN_CALENDAR)).toBe(
      4 * HOUR,
    );
    expect(workingTimeBetween(at('2026-10-01T09:00:00'), at('2026-10-07T18:00:00'), nationalDay)).toBe(0);
    expect(workingTimeBetween(at('2026-11-03T10:00:00'), at('2026-11-02T10:00:00'), PLAIN_CALENDAR)).toBe(0);
    // Suspended on Friday 17:00 with a deadline Monday 11:00: 3 working hours left.
    const left = timeLeft('work_hours', at('2026-11-06T17:00:00'), at('2026-11-09T11:00:00'), PLAIN_CALENDAR);
    expect(left).toBe(3 * HOUR);
    expect(resumedDeadline('work_hours', at('2026-11-10T15:00:00'), left, PLAIN_CALENDAR)).toEqual(
      at('2026-11-10T18:00:00'),
    );
    expect(timeLeft('minutes', at('2026-11-06T17:00:00'), at('2026-11-06T17:20:00'), PLAIN_CALENDAR)).toBe(
      20 * 60_000,
    );
    expect(resumedDeadline('minutes', at('2026-11-07T03:00:00'), 20 * 60_000, PLAIN_CALENDAR)).toEqual(
      at('2026-11-07T03:20:00'),
    );
  });

  it('refuses a calendar without any working time instead of looping', () => {
    const allOff = calendarOf(
      Array.from({ length: 4000 }, (_, i) => ({
        day: new Date(Date.UTC(2026, 10, 2 + i)).toISOString().slice(0, 10),
        kind: 'holiday' as const,
      })),
    );
    expect(() => addWorkingTime(at('2026-11-02T09:00:00'), HOUR, allOff)).toThrow(/no working time/);
  });
});
