/** The languages Gridguard speaks: Chinese first (its users), English second. */
export type Locale = 'zh-CN' | 'en';

export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

/** A locale for a language tag ('en-US', 'zh_CN.UTF-8', 'zh-Hans'), or null for a language we do not speak. */
export function localeOf(tag: string | null | undefined): Locale | null {
  const language = (tag ?? '')
    .trim()
    .toLowerCase()
    .split(/[-_.@;]/)[0];
  if (language === 'zh') return 'zh-CN';
  if (language === 'en') return 'en';
  return null;
}

/**
 * The best locale an `Accept-Language` header asks for: the highest-weighted tag we speak,
 * the earlier one on a tie; null when none (`*`, absent, only other languages).
 */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale | null {
  let best: { locale: Locale; weight: number } | null = null;
  for (const part of (header ?? '').split(',')) {
    const [tag = '', ...attributes] = part.split(';');
    const q = attributes.map((a) => /^\s*q=([0-9.]+)\s*$/.exec(a)?.[1]).find((v) => v !== undefined);
    const weight = q === undefined ? 1 : Number(q);
    const locale = localeOf(tag);
    if (locale && Number.isFinite(weight) && weight > 0 && (!best || weight > best.weight))
      best = { locale, weight };
  }
  return best?.locale ?? null;
}

/** What a request's locale is decided from: the signed-in user's setting, else the browser's header. */
export interface LocaleSource {
  userLocale?: string | null | undefined;
  headers: Record<string, string | string[] | undefined>;
}

/** A request's locale: the signed-in user's, else `Accept-Language`, else zh-CN. */
export function requestLocale(request: LocaleSource): Locale {
  const header = request.headers['accept-language'];
  return (
    localeOf(request.userLocale) ??
    localeFromAcceptLanguage(Array.isArray(header) ? header.join(',') : header) ??
    DEFAULT_LOCALE
  );
}

/**
 * The command line's locale: `--lang xx` / `--lang=xx`, else the POSIX variables in their order of
 * precedence (LC_ALL, LC_MESSAGES, LANG; 'C'/'POSIX' say nothing), else zh-CN.
 */
export function cliLocale(argv: readonly string[], env: Record<string, string | undefined>): Locale {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = arg === '--lang' ? argv[i + 1] : arg.startsWith('--lang=') ? arg.slice(7) : undefined;
    const locale = localeOf(value);
    if (locale) return locale;
  }
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG']) {
    const value = env[name];
    if (!value) continue;
    // The first variable set decides, as for any POSIX program; a language we lack falls to the default.
    return localeOf(value) ?? DEFAULT_LOCALE;
  }
  return DEFAULT_LOCALE;
}

export type Params = Readonly<Record<string, string | number | boolean | null>>;

/** Fills `{name}` placeholders; a placeholder without a value stays as written, so a gap is visible. */
export function format(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined || value === null ? whole : String(value);
  });
}
