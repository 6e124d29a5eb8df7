import type { HealthCodeColour } from '../../db/schema.js';

/**
 * Health-code colours (GB/T 38961-2020 keeps its field names to itself): every source writes the
 * colour its own way, so each source has a table from its words to GREEN / YELLOW / RED / UNKNOWN.
 * A value the source's table does not list is rejected, never guessed — "1" is yellow for one
 * platform and green for another. All the tables live here; add a source by adding a table.
 */

/** Words every source uses; a source table adds its own (numbers, letters) on top. */
const COMMON: Readonly<Record<string, HealthCodeColour>> = {
  绿码: 'GREEN',
  绿: 'GREEN',
  绿色: 'GREEN',
  green: 'GREEN',
  黄码: 'YELLOW',
  黄: 'YELLOW',
  黄色: 'YELLOW',
  yellow: 'YELLOW',
  红码: 'RED',
  红: 'RED',
  红色: 'RED',
  red: 'RED',
  // Stated outright by the source, so not a guess: the person has no (readable) code.
  未知: 'UNKNOWN',
  无码: 'UNKNOWN',
  未申领: 'UNKNOWN',
  unknown: 'UNKNOWN',
};

export const HEALTH_CODE_SOURCES = {
  /** Any source without a table of its own: the colour words only. */
  default: COMMON,
  /** Platforms exporting the colour as a status number (0 green, 1 yellow, 2 red). */
  'status-012': { ...COMMON, '0': 'GREEN', '1': 'YELLOW', '2': 'RED' },
  /** Checkpoint scanners writing one letter (G/Y/R, U for an unreadable code). */
  'letters-gyr': { ...COMMON, g: 'GREEN', y: 'YELLOW', r: 'RED', u: 'UNKNOWN' },
} satisfies Record<string, Readonly<Record<string, HealthCodeColour>>>;

export type HealthCodeSource = keyof typeof HEALTH_CODE_SOURCES;

/** Full-width to half-width, lower case, no spaces: 绿 码 / GREEN / ０ compare equal to 绿码 / green / 0. */
function colourKey(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

const TABLES = new Map<string, ReadonlyMap<string, HealthCodeColour>>(
  Object.entries(HEALTH_CODE_SOURCES).map(([source, words]) => [
    source,
    new Map(Object.entries(words).map(([word, colour]) => [colourKey(word), colour])),
  ]),
);

/** The table a feed's source uses: its own, or the default one. */
export function healthCodeTable(source: string): ReadonlyMap<string, HealthCodeColour> {
  return TABLES.get(source) ?? TABLES.get('default')!;
}

/** The colour a source's value means, or undefined when its table does not say. */
export function mapHealthCode(source: string, value: string): HealthCodeColour | undefined {
  return healthCodeTable(source).get(colourKey(value));
}
