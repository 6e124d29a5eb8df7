// The door page's words: its own small dictionary (zh-CN in the page, English fetched when chosen).
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { type DoorMessageKey, type DoorMessages, doorZhCN } from '../i18n/door.zh-CN';
import { interpolate, type Locale, type Params, storedLocale, storeLocale } from '../i18n/locale';

const loaded: Partial<Record<Locale, DoorMessages>> = { 'zh-CN': doorZhCN };

export async function loadDoorLocale(locale: Locale): Promise<void> {
  if (loaded[locale]) return;
  if (locale === 'en') loaded.en = (await import('../i18n/door.en')).doorEn;
}

export interface DoorI18n {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: (key: DoorMessageKey, params?: Params) => string;
  /** Whether a word computed at run time (a reason, a relation) has a translation. */
  has: (key: string) => key is DoorMessageKey;
  formatDateTime: (iso: string) => string;
}

const Context = createContext<DoorI18n | null>(null);

export function DoorI18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(() =>
    loaded[storedLocale()] ? storedLocale() : 'zh-CN',
  );
  const setLocale = useCallback((next: Locale) => {
    storeLocale(next);
    // A failed load (the link dropped) leaves the page in its language.
    loadDoorLocale(next).then(
      () => setLocaleState(next),
      () => undefined,
    );
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo<DoorI18n>(() => {
    const messages = loaded[locale] ?? doorZhCN;
    const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    return {
      locale,
      setLocale,
      t: (key, params) => interpolate(messages[key], params),
      has: (key): key is DoorMessageKey => Object.hasOwn(messages, key),
      formatDateTime: (iso) => dateFormat.format(new Date(iso)),
    };
  }, [locale, setLocale]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useDoorI18n(): DoorI18n {
  const value = useContext(Context);
  if (!value) throw new Error('useDoorI18n needs a <DoorI18nProvider> above it');
  return value;
}

/** A server word (a reason, a relation, a document type) in the page's language, or as the server said it. */
export function named(i18n: DoorI18n, prefix: string, value: string, fallback = value): string {
  const key = `${prefix}.${value}`;
  return i18n.has(key) ? i18n.t(key) : fallback;
}
