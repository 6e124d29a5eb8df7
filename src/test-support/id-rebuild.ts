/**
 * How an attacker rebuilds resident ID numbers (GB 11643: 6-digit region, YYYYMMDD, 3-digit
 * sequence whose last digit is odd for men, check character) from masked copies and birth
 * facts. Used by the tests that prove masking holds: it counts, for one person, every number
 * consistent with what was seen, with a valid check character.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** What someone put together about one person. */
export interface Knowledge {
  /** Every masked copy seen ('*' for a hidden character), any length. */
  masks: Set<string>;
  /** Full birth dates seen (YYYY-MM-DD). */
  birthDates: Set<string>;
  birthYears: Set<number>;
}

export const emptyKnowledge = (): Knowledge => ({
  masks: new Set(),
  birthDates: new Set(),
  birthYears: new Set(),
});

function daysOf(year: number): string[] {
  const days: string[] = [];
  for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d.setUTCDate(d.getUTCDate() + 1))
    days.push(d.toISOString().slice(0, 10));
  return days;
}

/**
 * Numbers consistent with the knowledge, for a strong attacker who also knows the true region
 * code (from the hukou address or region text) and sex. Without any birth fact every date from
 * 1900 to `today` counts.
 */
export function countCandidates(
  truth: { number: string; sex: 'male' | 'female' | 'unknown' },
  known: Knowledge,
  today = new Date(),
): number {
  // Characters shown by any 18-character mask; shorter masks belong to other document kinds.
  const shown: Array<string | null> = Array.from({ length: 18 }, () => null);
  for (const mask of known.masks) {
    if (mask.length !== 18) continue;
    [...mask].forEach((c, i) => {
      if (c !== '*') shown[i] = c;
    });
  }
  const region = truth.number.slice(0, 6);
  // A region shown different from the truth cannot happen; the attacker is given the truth.
  const regionSum = [...region].reduce((s, c, i) => s + Number(c) * WEIGHTS[i]!, 0);

  let dates: string[];
  if (known.birthDates.size > 0) dates = [...known.birthDates];
  else if (known.birthYears.size > 0) dates = [...known.birthYears].flatMap(daysOf);
  else {
    dates = [];
    for (let year = 1900; year <= today.getUTCFullYear(); year++) dates.push(...daysOf(year));
  }
  const dateSums = new Array<number>(11).fill(0);
  for (const date of dates) {
    const digits = date.replaceAll('-', '');
    if ([...digits].some((c, i) => shown[6 + i] !== null && shown[6 + i] !== c)) continue;
    const sum = [...digits].reduce((s, c, i) => s + Number(c) * WEIGHTS[6 + i]!, 0);
    dateSums[sum % 11]! += 1;
  }
  const sequenceSums = new Array<number>(11).fill(0);
  for (let sequence = 0; sequence < 1000; sequence++) {
    const digits = String(sequence).padStart(3, '0');
    if ([...digits].some((c, i) => shown[14 + i] !== null && shown[14 + i] !== c)) continue;
    const odd = Number(digits[2]) % 2 === 1;
    if ((truth.sex === 'male' && !odd) || (truth.sex === 'female' && odd)) continue;
    const sum = [...digits].reduce((s, c, i) => s + Number(c) * WEIGHTS[14 + i]!, 0);
    sequenceSums[sum % 11]! += 1;
  }
  let count = 0;
  for (let a = 0; a < 11; a++)
    for (let b = 0; b < 11; b++) {
      const check = CHECK[(regionSum + a + b) % 11]!;
      if (shown[17] !== null && shown[17] !== check) continue;
      count += dateSums[a]! * sequenceSums[b]!;
    }
  return count;
}
