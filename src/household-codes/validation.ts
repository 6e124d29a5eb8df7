import { invalid } from '../core/errors.js';
import type { Params } from '../i18n/locale.js';
import type { ProblemCode } from '../i18n/problem-codes.js';

// Control characters, and the angle brackets no name or place needs (keeps markup out of task lists).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f<>]/;

function problem(field: string, code: ProblemCode, message: string, params?: Params) {
  return invalid('VALIDATION_FAILED', `${field} ${message}`, [
    { field, code, message, ...(params ? { params } : {}) },
  ]);
}

export const blankField = (field: string) => problem(field, 'blank', 'must not be blank');

/** Free text from a public form: trimmed, not blank, no control characters. */
export function checkedText(value: string, field: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw blankField(field);
  if (FORBIDDEN.test(trimmed))
    throw problem(field, 'controlChars', 'must not contain control characters or < >');
  return trimmed;
}

export function checkedOptionalText(value: string | undefined, field: string): string | null {
  return value === undefined || value.trim() === '' ? null : checkedText(value, field);
}

/** A person's name: letters of any script, with the separators names use; no digits. */
export function checkedName(value: string, field: string): string {
  const name = checkedText(value, field).replace(/\s+/g, ' ');
  if (/\d/.test(name)) throw problem(field, 'digits', 'must not contain digits');
  return name;
}

/** A calendar date (already YYYY-MM-DD by the schema) within [min, max]. */
export function checkedDate(value: string, field: string, min: string, max: string): string {
  if (value < min) throw problem(field, 'before', `must not be before ${min}`, { limit: min });
  if (value > max) throw problem(field, 'after', `must not be after ${max}`, { limit: max });
  return value;
}
