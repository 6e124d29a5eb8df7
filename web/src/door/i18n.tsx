// The door page's words: its own small dictionary in both languages (English is ~2 KB compressed, less
// than the round trip fetching it apart would cost on the slow links this page is built for).
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { doorEn } from '../i18n/door.en';
import { type DoorMessageKey, type DoorMessages, doorZhCN } from '../i18n/door.zh-CN';
import { interpolate, type Locale, type Params, storedLocale, storeLocale } from '../i18n/locale';

const DICTIONARIES: Record<Locale, DoorMessages> = { 'zh-CN': doorZhCN, en: doorEn };

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
  const [locale, setLocaleState] = useState<Locale>(storedLocale);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo<DoorI18n>(() => {
    const messages = DICTIONARIES[locale];
    const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    return {
      locale,
      setLocale: (next) => {
        storeLocale(next);
        setLocaleState(next);
      },
      t: (key, params) => interpolate(messages[key], params),
      has: (key): key is DoorMessageKey => Object.hasOwn(messages, key),
      formatDateTime: (iso) => dateFormat.format(new Date(iso)),
    };
  }, [locale]);
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
