// The light door page carries copies of a few server words (its own catalogs would be too big for the
// page): each copy must say exactly what its source says, in both languages.
import { describe, expect, it } from 'vitest';
import { ANNOUNCEMENT_KINDS, REQUEST_KINDS, URGENCIES } from '../core/vocabulary.js';
import { PROBLEMS_EN } from './problems.en.js';
import { PROBLEMS_ZH_CN } from './problems.zh-CN.js';
import { announcementKindsEn, requestKindsEn } from './vocabulary.en.js';
import { announcementKindsZhCN, requestKindsZhCN } from './vocabulary.zh-CN.js';

// The web's files are outside the server's type-check (bundler-style imports): loaded as data.
const web = (file: string) => import(new URL(`../../web/src/${file}`, import.meta.url).href);
const { doorZhCN } = (await web('i18n/door.zh-CN.ts')) as { doorZhCN: Record<string, string> };
const { doorEn } = (await web('i18n/door.en.ts')) as { doorEn: Record<string, string> };
const { DOOR_REQUEST_KINDS, DOOR_URGENCIES } = (await web('door/words.ts')) as {
  DOOR_REQUEST_KINDS: string[];
  DOOR_URGENCIES: string[];
};

const SOURCES = [
  {
    locale: 'zh-CN',
    door: doorZhCN,
    requestKinds: requestKindsZhCN,
    announcementKinds: announcementKindsZhCN,
    problems: PROBLEMS_ZH_CN as Record<string, string>,
  },
  {
    locale: 'en',
    door: doorEn,
    requestKinds: requestKindsEn,
    announcementKinds: announcementKindsEn,
    problems: PROBLEMS_EN as Record<string, string>,
  },
];

describe('the door page’s copies of server words', () => {
  it('offers the server’s request kinds and urgencies, in its order', () => {
    expect(DOOR_REQUEST_KINDS).toEqual(REQUEST_KINDS);
    expect(DOOR_URGENCIES).toEqual(URGENCIES);
  });

  for (const source of SOURCES) {
    it(`names kinds and field problems as the server does (${source.locale})`, () => {
      for (const kind of REQUEST_KINDS)
        expect(source.door[`requests.kind.${kind}`], kind).toBe(source.requestKinds[kind]);
      for (const kind of ANNOUNCEMENT_KINDS)
        expect(source.door[`announcements.kind.${kind}`], kind).toBe(source.announcementKinds[kind]);
      const problems = Object.keys(source.door).filter((key) => key.startsWith('problem.'));
      expect(problems.length).toBeGreaterThan(0);
      for (const key of problems)
        expect(source.door[key], key).toBe(source.problems[key.slice('problem.'.length)]);
    });
  }
});
