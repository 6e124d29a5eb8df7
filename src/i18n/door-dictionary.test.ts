// The light door page carries copies of a few server words (its own catalogs would be too big for the
// page): each copy must say exactly what its source says, in both languages.
import { describe, expect, it } from 'vitest';
import { doorEn } from '../../web/src/i18n/door.en.js';
import { doorZhCN } from '../../web/src/i18n/door.zh-CN.js';
import { DOOR_REQUEST_KINDS, DOOR_URGENCIES } from '../../web/src/door/words.js';
import { ANNOUNCEMENT_KINDS, REQUEST_KINDS, URGENCIES } from '../core/vocabulary.js';
import { PROBLEMS_EN } from './problems.en.js';
import { PROBLEMS_ZH_CN } from './problems.zh-CN.js';
import { announcementKindsEn, requestKindsEn } from './vocabulary.en.js';
import { announcementKindsZhCN, requestKindsZhCN } from './vocabulary.zh-CN.js';

const SOURCES = [
  {
    locale: 'zh-CN',
    door: doorZhCN as Record<string, string>,
    requestKinds: requestKindsZhCN,
    announcementKinds: announcementKindsZhCN,
    problems: PROBLEMS_ZH_CN as Record<string, string>,
  },
  {
    locale: 'en',
    door: doorEn as Record<string, string>,
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
