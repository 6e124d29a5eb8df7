import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { interpolate, type Locale, type Params, storedLocale, storeLocale } from './locale';
import { type MessageKey, type Messages, zhCN } from './zh-CN';

export { interpolate, LOCALES, type Locale, type Params } from './locale';

// Chinese is in the entry; English comes on demand (most users never switch).
const loaded: Partial<Record<Locale, Messages>> = { 'zh-CN': zhCN };

/** Fetches a language's dictionary once; the app awaits the stored language before its first render. */
export async function loadLocale(locale: Locale): Promise<void> {
  if (loaded[locale]) return;
  if (locale === 'en') loaded.en = (await import('./en')).en;
}

export interface I18n {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: (key: MessageKey, params?: Params) => string;
  /** Whether a key computed at run time (an error code, an audit action) has a translation. */
  has: (key: string) => key is MessageKey;
  formatDateTime: (iso: string) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(() =>
    loaded[storedLocale()] ? storedLocale() : 'zh-CN',
  );

  const setLocale = useCallback((next: Locale) => {
    storeLocale(next);
    // Switches once the words are here; a failed load (offline) leaves the page as it is.
    loadLocale(next).then(
      () => setLocaleState(next),
      () => undefined,
    );
  }, []);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const value = useMemo<I18n>(() => {
    const messages = loaded[locale] ?? zhCN;
    const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    return {
      locale,
      setLocale,
      t: (key, params) => interpolate(messages[key], params),
      has: (key): key is MessageKey => Object.hasOwn(messages, key),
      formatDateTime: (iso) => dateFormat.format(new Date(iso)),
    };
  }, [locale, setLocale]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n needs an <I18nProvider> above it');
  return value;
}
