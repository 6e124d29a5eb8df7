import type { AnnouncementKind, ErrorCode, RequestKind } from '../core/vocabulary.js';
import { ERRORS_EN } from './errors.en.js';
import { ERRORS_ZH_CN } from './errors.zh-CN.js';
import { format, type Locale, type Params } from './locale.js';
import type { ProblemCode } from './problem-codes.js';
import { PROBLEMS_EN } from './problems.en.js';
import { PROBLEMS_ZH_CN } from './problems.zh-CN.js';
import { announcementKindsEn, requestKindsEn } from './vocabulary.en.js';
import { announcementKindsZhCN, requestKindsZhCN } from './vocabulary.zh-CN.js';

const ERRORS: Record<Locale, Record<ErrorCode, string>> = { 'zh-CN': ERRORS_ZH_CN, en: ERRORS_EN };
const PROBLEMS: Record<Locale, Record<ProblemCode, string>> = { 'zh-CN': PROBLEMS_ZH_CN, en: PROBLEMS_EN };

/** The sentence for an error code in a language; an unknown code (a plugin's) reads as the generic refusal. */
export function errorMessage(locale: Locale, code: string, params?: Params): string {
  const template = (ERRORS[locale] as Record<string, string | undefined>)[code] ?? ERRORS[locale].BAD_REQUEST;
  return format(template, params);
}

/** The sentence for a field problem in a language. */
export function problemMessage(locale: Locale, code: ProblemCode, params?: Params): string {
  return format(PROBLEMS[locale][code], params);
}

const REQUEST_KINDS: Record<Locale, Readonly<Record<RequestKind, string>>> = {
  'zh-CN': requestKindsZhCN,
  en: requestKindsEn,
};
const ANNOUNCEMENT_KINDS: Record<Locale, Readonly<Record<AnnouncementKind, string>>> = {
  'zh-CN': announcementKindsZhCN,
  en: announcementKindsEn,
};

/** A help request's kind as a reader of that language names it ("代购药品", "Buy medicine"). */
export function requestKindName(locale: Locale, kind: RequestKind): string {
  return REQUEST_KINDS[locale][kind];
}

/** An announcement's kind as a reader of that language names it ("辟谣", "Rumour rebuttal"). */
export function announcementKindName(locale: Locale, kind: AnnouncementKind): string {
  return ANNOUNCEMENT_KINDS[locale][kind];
}
