// Names of the server's codes (roles, levels, error codes…) in the current language.
import { isApiError } from '../api/client';
import type { I18n } from './context';

type Translator = Pick<I18n, 't' | 'has'>;

function named(i18n: Translator, prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return i18n.has(key) ? i18n.t(key) : value;
}

export const roleLabel = (i18n: Translator, role: string) => named(i18n, 'role', role);
export const levelLabel = (i18n: Translator, level: string) => named(i18n, 'level', level);
export const kindLabel = (i18n: Translator, kind: string) => named(i18n, 'kind', kind);
export const categoryLabel = (i18n: Translator, category: string) => named(i18n, 'category', category);
export const auditActionLabel = (i18n: Translator, action: string) => named(i18n, 'auditAction', action);
export const entityTypeLabel = (i18n: Translator, type: string) => named(i18n, 'entityType', type);

/** A user-facing sentence for any thrown error: translated by code, else the server's own message. */
export function errorText(i18n: Translator, error: unknown): string {
  if (isApiError(error)) {
    const key = `error.${error.code}`;
    return i18n.has(key) ? i18n.t(key) : i18n.t('error.unknown', { message: error.message });
  }
  return i18n.t('error.unknown', { message: error instanceof Error ? error.message : String(error) });
}
