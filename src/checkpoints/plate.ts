// Mainland China licence plates (GA 36-2018 and the new-energy plates of 2016): parsing and the one
// normal form a plate is stored, compared and looked up in, so 沪ａ１２３４５, 沪a12345 and 沪A 12345
// are one vehicle at every checkpoint.

/** The province (and municipality) characters that open a civil plate. */
const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
/** Serial characters: digits and letters but I and O (they read as 1 and 0). */
const SERIAL = '[A-HJ-NP-Z0-9]';
/** The issuing authority's letter after the province (A–Z but I and O on civil plates). */
const AUTHORITY = '[A-HJ-NP-Z]';

export type PlateKind =
  /** 7 characters, blue or yellow: 沪A12345. */
  | 'ordinary'
  /** 8 characters, green, small car: 沪AD12345 (D, F and the newer A–K letters but I at the third place). */
  | 'new_energy_small'
  /** 8 characters, green, large vehicle: 沪A12345D. */
  | 'new_energy_large'
  /** Police, coach (学), trailer (挂), consulate (领), Hong Kong/Macao entry (港/澳): 沪A1234警. */
  | 'suffixed'
  /** Embassy plates: 使 and six digits. */
  | 'embassy';

export type PlateProblem =
  /** Nothing was typed or read. */
  | 'PLATE_EMPTY'
  /** The first character is not a province of a civil plate. */
  | 'PLATE_PROVINCE'
  /** The province is right but the rest fits no plate format. */
  | 'PLATE_FORMAT';

export type ParsedPlate = { ok: true; plate: string; kind: PlateKind } | { ok: false; problem: PlateProblem };

const FORMATS: Array<{ kind: PlateKind; pattern: RegExp }> = [
  { kind: 'ordinary', pattern: new RegExp(`^[${PROVINCES}]${AUTHORITY}${SERIAL}{5}$`) },
  { kind: 'new_energy_small', pattern: new RegExp(`^[${PROVINCES}]${AUTHORITY}[A-HJK]${SERIAL}\\d{4}$`) },
  { kind: 'new_energy_large', pattern: new RegExp(`^[${PROVINCES}]${AUTHORITY}\\d{5}[DF]$`) },
  { kind: 'suffixed', pattern: new RegExp(`^[${PROVINCES}]${AUTHORITY}${SERIAL}{4}[警学挂领港澳]$`) },
  { kind: 'embassy', pattern: /^使\d{6}$/ },
];

/**
 * The normal form of what was typed or read: full-width letters and digits made half-width, letters
 * upper case, spaces, dots and dashes (沪A·12345, 沪A-12345) dropped.
 */
export function normalizePlate(input: string): string {
  return input
    .normalize('NFKC')
    .replace(/[\s·・.\-_]/g, '')
    .toUpperCase();
}

/** Parses a plate: its normal form and kind, or the problem that names what is wrong. */
export function parsePlate(input: string): ParsedPlate {
  const plate = normalizePlate(input);
  if (plate === '') return { ok: false, problem: 'PLATE_EMPTY' };
  if (!PROVINCES.includes(plate[0]!) && plate[0] !== '使') return { ok: false, problem: 'PLATE_PROVINCE' };
  // A new-energy small plate also fits no other format; an ordinary 7-character plate ending in D/F
  // is 7 long, so the formats never overlap and the first match is the kind.
  const format = FORMATS.find(({ pattern }) => pattern.test(plate));
  return format ? { ok: true, plate, kind: format.kind } : { ok: false, problem: 'PLATE_FORMAT' };
}
