// GB 11643-1999 checks the page can make before asking the server (which stays the judge).

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';

/** Trims, drops inner spaces, turns full-width digits and letters to ASCII, x to X. */
export function normaliseDocumentNumber(input: string): string {
  return input
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000]+/g, '')
    .toUpperCase();
}

export interface ResidentIdFacts {
  sex: 'male' | 'female';
  birthDate: string;
}

function validDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * What an 18-character resident ID number says, or null when it cannot be one (wrong length,
 * date or check character). 15-digit legacy numbers pass unchecked: the server upgrades them.
 */
export function residentIdFacts(input: string): ResidentIdFacts | null | 'legacy' {
  const number = normaliseDocumentNumber(input);
  if (/^\d{15}$/.test(number)) return 'legacy';
  if (!/^\d{17}[\dX]$/.test(number)) return null;
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * Number(number[i]), 0);
  if (CHECK_CHARACTERS[sum % 11] !== number[17]) return null;
  const year = Number(number.slice(6, 10));
  const month = Number(number.slice(10, 12));
  const day = Number(number.slice(12, 14));
  if (year < 1880 || !validDate(year, month, day)) return null;
  return {
    sex: Number(number[16]) % 2 === 1 ? 'male' : 'female',
    birthDate: `${number.slice(6, 10)}-${number.slice(10, 12)}-${number.slice(12, 14)}`,
  };
}

/** Whole years between a YYYY-MM-DD birth date and today. */
export function ageOf(birthDate: string | null, today = new Date()): number | null {
  if (!birthDate) return null;
  const [year, month, day] = birthDate.split('-').map(Number);
  if (!year || !month || !day) return null;
  let age = today.getFullYear() - year;
  if (today.getMonth() + 1 < month || (today.getMonth() + 1 === month && today.getDate() < day)) age -= 1;
  return age >= 0 ? age : null;
}
