import type { AreaLevel as Level } from '../../api/model';
import { LEVELS } from '../../api/vocabulary';

export function childLevelOf(level: Level): Level | null {
  return LEVELS[LEVELS.indexOf(level) + 1] ?? null;
}

export function parentLevelOf(level: Level): Level | null {
  const index = LEVELS.indexOf(level);
  return index > 0 ? (LEVELS[index - 1] ?? null) : null;
}

export function levelsBelow(level: Level): Level[] {
  return LEVELS.slice(LEVELS.indexOf(level) + 1);
}

/** Grid levels take the next free sequence when no code is given (the server picks it). */
export const codeIsOptional = (level: Level): boolean =>
  level === 'grid' || level === 'microgrid' || level === 'cell';
