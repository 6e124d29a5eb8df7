// The web's "数据可能延迟 N 秒" notice, driven by the X-Gridguard-Data-Age header of the API's answers
// (src/db/read-routing.ts): the store that reads the header, and the notice rendered from it in both languages.
import { afterEach, describe, expect, it } from 'vitest';
import { DATA_AGE_HEADER } from '../db/read-routing.js';

// The web's files are outside the server's type-check (bundler-style imports): loaded as modules.
const web = (file: string) => import(new URL(`../../web/src/${file}`, import.meta.url).href);
const store = (await web('api/data-age.ts')) as {
  DATA_AGE_HEADER: string;
  noteDataAge(method: string, url: string, headers: Headers, now?: number): void;
  dataAge(): number | null;
  clearDataAges(): void;
};
const { DataAgeNotice } = (await web('components/DataAgeNotice.tsx')) as {
  DataAgeNotice: (props: { compact?: boolean }) => unknown;
};
const i18n = (await web('i18n/context.tsx')) as {
  I18nProvider: (props: { children: unknown }) => unknown;
  loadLocale(locale: string): Promise<void>;
};

// Loaded by name: React's DOM typings would otherwise join the server's type-check.
const { createElement } = (await import('react' as string)) as {
  createElement(type: unknown, props: null, ...children: unknown[]): unknown;
};
const { renderToStaticMarkup } = (await import('react-dom/server' as string)) as {
  renderToStaticMarkup(element: unknown): string;
};

const lagging = (seconds: number) => new Headers({ [DATA_AGE_HEADER]: String(seconds) });
const render = () =>
  renderToStaticMarkup(createElement(i18n.I18nProvider, null, createElement(DataAgeNotice, null)));

describe('the data-age notice', () => {
  afterEach(() => {
    store.clearDataAges();
    Reflect.deleteProperty(globalThis, 'localStorage');
  });

  it('reads the server’s header name', () => {
    expect(store.DATA_AGE_HEADER).toBe(DATA_AGE_HEADER);
  });

  it('keeps the largest lag per page until that page answers fresh again or the answer is old', () => {
    const t0 = 1_000_000;
    store.noteDataAge('GET', 'http://gg/api/dashboard?node=3', lagging(42), t0);
    store.noteDataAge('GET', 'http://gg/api/persons', lagging(12), t0);
    store.noteDataAge('GET', 'http://gg/api/areas', new Headers(), t0);
    store.noteDataAge('POST', 'http://gg/api/persons', new Headers(), t0);
    expect(store.dataAge()).toBe(42);
    store.noteDataAge('GET', 'http://gg/api/dashboard?node=4', new Headers(), t0 + 1000);
    expect(store.dataAge()).toBe(12);
    store.noteDataAge('GET', 'http://gg/api/areas', new Headers(), t0 + 3 * 60_000);
    expect(store.dataAge()).toBe(12);
    store.noteDataAge('GET', 'http://gg/api/dashboard', lagging(5), t0 + 3 * 60_000);
    // The person list answered 3 minutes ago: it no longer speaks for the screen.
    expect(store.dataAge()).toBe(5);
  });

  it('renders nothing while the data is current, and the lag in Chinese or English when it is not', async () => {
    expect(render()).toBe('');
    store.noteDataAge('GET', 'http://gg/api/dashboard', lagging(42));
    const zh = render();
    expect(zh).toContain('data-testid="data-age-notice"');
    const zhText = zh.replace(/<[^>]*>/g, '');
    expect(zhText).toBe(' 数据可能延迟 42 秒');
    expect(zhText).not.toMatch(/[A-Za-z]/);

    await i18n.loadLocale('en');
    Object.assign(globalThis, { localStorage: { getItem: () => 'en', setItem: () => undefined } });
    expect(render().replace(/<[^>]*>/g, '')).toBe(' Data may be 42 s behind');
  });
});
