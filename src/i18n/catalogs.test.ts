import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../core/vocabulary.js';
import { ERRORS_EN } from './errors.en.js';
import { ERRORS_ZH_CN } from './errors.zh-CN.js';
import { cliLocale, format, localeFromAcceptLanguage, requestLocale } from './locale.js';
import { PROBLEM_CODES } from './problem-codes.js';
import { PROBLEMS_EN } from './problems.en.js';
import { PROBLEMS_ZH_CN } from './problems.zh-CN.js';

const HAN = /\p{Script=Han}/u;
const placeholders = (template: string) => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogs', () => {
  it('give every error code a Chinese and an English sentence with the same placeholders', () => {
    for (const code of ERROR_CODES) {
      expect(ERRORS_ZH_CN[code], code).toMatch(HAN);
      expect(ERRORS_EN[code], code).toMatch(/[a-z]/i);
      expect(ERRORS_EN[code], code).not.toMatch(HAN);
      expect(placeholders(ERRORS_EN[code]), code).toEqual(placeholders(ERRORS_ZH_CN[code]));
    }
    // No sentence for a code that does not exist.
    expect(Object.keys(ERRORS_ZH_CN).sort()).toEqual([...ERROR_CODES].sort());
    expect(Object.keys(ERRORS_EN).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('give every field problem code a Chinese and an English sentence with the same placeholders', () => {
    for (const code of PROBLEM_CODES) {
      expect(PROBLEMS_ZH_CN[code], code).toMatch(HAN);
      expect(PROBLEMS_EN[code], code).toMatch(/[a-z]/i);
      expect(placeholders(PROBLEMS_EN[code]), code).toEqual(placeholders(PROBLEMS_ZH_CN[code]));
    }
    expect(Object.keys(PROBLEMS_ZH_CN).sort()).toEqual([...PROBLEM_CODES].sort());
    expect(Object.keys(PROBLEMS_EN).sort()).toEqual([...PROBLEM_CODES].sort());
  });
});

describe('locale', () => {
  it('takes the signed-in user’s setting, else the best Accept-Language we speak, else zh-CN', () => {
    expect(requestLocale({ headers: {} })).toBe('zh-CN');
    expect(requestLocale({ headers: { 'accept-language': 'en-US,en;q=0.9' } })).toBe('en');
    expect(requestLocale({ headers: { 'accept-language': 'fr-FR, en;q=0.5, zh-CN;q=0.8' } })).toBe('zh-CN');
    expect(requestLocale({ headers: { 'accept-language': 'fr, de' } })).toBe('zh-CN');
    expect(requestLocale({ userLocale: 'en', headers: { 'accept-language': 'zh-CN' } })).toBe('en');
    expect(localeFromAcceptLanguage('*')).toBeNull();
  });

  it('reads --lang, else LC_ALL, LC_MESSAGES, LANG as POSIX programs do, else zh-CN', () => {
    expect(cliLocale(['import', '--lang', 'en'], { LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(cliLocale(['--lang=zh-CN'], { LANG: 'en_US.UTF-8' })).toBe('zh-CN');
    expect(cliLocale([], { LANG: 'en_US.UTF-8' })).toBe('en');
    expect(cliLocale([], { LC_ALL: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' })).toBe('zh-CN');
    expect(cliLocale([], { LANG: 'C.UTF-8' })).toBe('zh-CN');
    expect(cliLocale([], {})).toBe('zh-CN');
  });

  it('fills placeholders and leaves a missing one visible', () => {
    expect(format('至少 {min} 个，最多 {max} 个', { min: 1, max: 3 })).toBe('至少 1 个，最多 3 个');
    expect(format('row {row}', {})).toBe('row {row}');
  });
});
