// The page's language, shared by the app and the light door page: chosen once per browser, zh-CN by default.

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export type Params = Record<string, string | number>;

const STORAGE_KEY = 'gridguard.locale';

export function storedLocale(): Locale {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    if (value === 'zh-CN' || value === 'en') return value;
  } catch {
    // Private browsing may forbid storage; Chinese is the default.
  }
  return 'zh-CN';
}

export function storeLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Not persisted; the choice still holds for this page.
  }
}

export function interpolate(template: string, params: Params | undefined): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    name in params ? String(params[name]) : match,
  );
}
