import { LEVELS, RESIDENT_LEVELS } from '../core/vocabulary.js';
import type { AreaLevel } from '../db/schema.js';
import type { Params } from '../i18n/locale.js';
import type { ProblemCode } from '../i18n/problem-codes.js';

/** The tree, top to bottom: 市 › 县/区 › 乡镇/街道 › 村/社区 › 网格 › 微网格 › 埭/楼栋. */
export { LEVELS, RESIDENT_LEVELS };

export function levelIndex(level: AreaLevel): number {
  return LEVELS.indexOf(level);
}

export function childLevelOf(level: AreaLevel): AreaLevel | null {
  return LEVELS[levelIndex(level) + 1] ?? null;
}

/**
 * Digits each level adds to its parent's code. City and county codes are six-digit GB/T 2260
 * codes of their own; township (3) and village (3) follow the statistical division codes; unit
 * grids add a configurable sequence (GB/T 30428.1 practice); micro-grids and cells add two more.
 */
export function segmentWidth(level: AreaLevel, gridCodeWidth: number): number | null {
  switch (level) {
    case 'city':
    case 'county':
      return null;
    case 'township':
    case 'village':
      return 3;
    case 'grid':
      return gridCodeWidth;
    case 'microgrid':
    case 'cell':
      return 2;
  }
}

export function isPrefixDerived(level: AreaLevel): boolean {
  return segmentWidth(level, 3) !== null;
}

/** What is wrong with an area code: a field problem code and the values its sentence names. */
export interface AreaCodeProblem {
  code: ProblemCode;
  params?: Params;
}

/** The problem with `code` for a node of `level` under a parent with `parentCode`, or null. */
export function codeProblem(
  level: AreaLevel,
  code: string,
  parent: { level: AreaLevel; code: string } | null,
  gridCodeWidth: number,
): AreaCodeProblem | null {
  if (!/^\d+$/.test(code)) return { code: 'digitsOnly' };
  const width = segmentWidth(level, gridCodeWidth);
  if (width === null) {
    if (code.length !== 6) return { code: 'areaCodeGb2260' };
    // Codes change over time; only the province prefix is checked, never the ranges.
    if (
      parent &&
      (parent.level === 'city' || parent.level === 'county') &&
      parent.code.slice(0, 2) !== code.slice(0, 2)
    ) {
      return { code: 'areaCodeProvince', params: { prefix: parent.code.slice(0, 2) } };
    }
    return null;
  }
  if (!parent) {
    const expected = { township: 9, village: 12 }[level as 'township' | 'village'];
    if (expected && code.length !== expected) return { code: 'areaCodeLength', params: { length: expected } };
    return null;
  }
  if (!code.startsWith(parent.code)) return { code: 'areaCodePrefix', params: { parent: parent.code } };
  if (code.length !== parent.code.length + width)
    return { code: 'areaCodeSegment', params: { parent: parent.code, width } };
  if (/^0+$/.test(code.slice(parent.code.length))) return { code: 'areaCodeZero' };
  return null;
}

/** Code for a moved node: its own segment under the new parent's code (prefix-derived levels only). */
export function rebasedCode(code: string, oldParentCode: string, newParentCode: string): string {
  return code.startsWith(oldParentCode) ? newParentCode + code.slice(oldParentCode.length) : code;
}

/** The next free sequence under a parent, given the codes its children already use. */
export function nextChildCode(
  parentCode: string,
  level: AreaLevel,
  siblingCodes: readonly string[],
  gridCodeWidth: number,
): string | null {
  const width = segmentWidth(level, gridCodeWidth);
  if (width === null) return null;
  const used = new Set(
    siblingCodes
      .filter((c) => c.startsWith(parentCode) && c.length === parentCode.length + width)
      .map((c) => Number(c.slice(parentCode.length))),
  );
  for (let sequence = 1; sequence < 10 ** width; sequence++) {
    if (!used.has(sequence)) return parentCode + String(sequence).padStart(width, '0');
  }
  return null;
}
