// The door forms' checks on the phone, before anything is sent (the server stays the judge).
import { residentIdFacts } from '../components/register/identity';
import type { DoorI18n } from './i18n';

type T = DoorI18n['t'];

/** An 11-digit mobile or a landline with its area code; spaces and dashes allowed. */
const PHONE_PATTERN = /^(1\d{10}|0\d{2,3}\d{7,8})$/;

export const required =
  (t: T) =>
  (value: string | number | undefined): string | null =>
    value === undefined || (typeof value === 'string' && value.trim() === '') ? t('problem.required') : null;

export const maxLength =
  (t: T, max: number) =>
  (value: string | undefined): string | null =>
    value && value.trim().length > max ? t('common.maxLength', { max }) : null;

export const phone =
  (t: T) =>
  (value: string | undefined): string | null =>
    value?.trim() && !PHONE_PATTERN.test(value.replace(/[\s-]/g, '')) ? t('personForm.phoneRule') : null;

export const noDigits =
  (t: T) =>
  (value: string | undefined): string | null =>
    value && /\d/.test(value) ? t('problem.digits') : null;

export const residentId =
  (t: T) =>
  (value: string | undefined, values: { documentType?: string }): string | null =>
    value && (values.documentType ?? 'resident_id') === 'resident_id' && residentIdFacts(value) === null
      ? t('personForm.idInvalid')
      : null;

export const withinDates =
  (t: T, limits: { min: string; max: string } | undefined) =>
  (value: string | undefined): string | null => {
    if (!value || !limits) return null;
    if (value < limits.min) return t('problem.before', { limit: limits.min });
    if (value > limits.max) return t('problem.after', { limit: limits.max });
    return null;
  };

/** Today as YYYY-MM-DD in the phone's time zone (for people in China: China time, as the server checks). */
export function todayText(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
