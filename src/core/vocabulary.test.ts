import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import * as en from '../i18n/vocabulary.en.js';
import * as zhCN from '../i18n/vocabulary.zh-CN.js';
import { describeEachDatabase } from '../test-support/database.js';
import * as v from './vocabulary.js';

// Every vocabulary with the name of its translation records (`${name}ZhCN`, `${name}En`).
const TRANSLATED: Array<[string, readonly string[], string]> = [
  ['LEVELS', v.LEVELS, 'levels'],
  ['AREA_KINDS', v.AREA_KINDS, 'areaKinds'],
  ['ROLES', v.ROLES, 'roles'],
  ['RIGHTS', v.RIGHTS, 'rights'],
  ['DEPARTMENT_CATEGORY_NAMES', v.DEPARTMENT_CATEGORY_NAMES, 'departmentCategories'],
  ['PERSON_STATUSES', v.PERSON_STATUSES, 'personStatuses'],
  ['TENANCY_STATUSES', v.TENANCY_STATUSES, 'tenancyStatuses'],
  ['ACCESS_CODE_STATUSES', v.ACCESS_CODE_STATUSES, 'accessCodeStatuses'],
  ['PENDING_CHANGE_STATUSES', v.PENDING_CHANGE_STATUSES, 'pendingChangeStatuses'],
  ['FEED_BATCH_STATUSES', v.FEED_BATCH_STATUSES, 'feedBatchStatuses'],
  ['INBOX_STATUSES', v.INBOX_STATUSES, 'inboxStatuses'],
  ['ROUND_STATUSES', v.ROUND_STATUSES, 'roundStatuses'],
  ['SWEEP_STATUSES', v.SWEEP_STATUSES, 'sweepStatuses'],
  ['SWEEP_HOUSEHOLD_STATES', v.SWEEP_HOUSEHOLD_STATES, 'sweepHouseholdStates'],
  ['SWEEP_OUTCOMES', v.SWEEP_OUTCOMES, 'sweepOutcomes'],
  ['SWEEP_SYMPTOMS', v.SWEEP_SYMPTOMS, 'sweepSymptoms'],
  ['KEY_PERSON_STATUSES', v.KEY_PERSON_STATUSES, 'keyPersonStatuses'],
  ['LEAD_STATUSES', v.LEAD_STATUSES, 'leadStatuses'],
  ['EVENT_STATUSES', v.EVENT_STATUSES, 'eventStatuses'],
  ['SERVICE_REQUEST_STATUSES', v.SERVICE_REQUEST_STATUSES, 'serviceRequestStatuses'],
  ['ANNOUNCEMENT_STATUSES', v.ANNOUNCEMENT_STATUSES, 'announcementStatuses'],
  ['IMPORT_STATUSES', v.IMPORT_STATUSES, 'importStatuses'],
  ['AUDIT_ACTIONS', v.AUDIT_ACTIONS, 'auditActions'],
  ['ENTITY_TYPES', v.ENTITY_TYPES, 'entityTypes'],
  ['SYSTEM_ACTORS', v.SYSTEM_ACTORS, 'systemActors'],
];

type Records = Record<string, Readonly<Record<string, string>> | undefined>;

const HAN = /\p{Script=Han}/u;

describe('the vocabulary module', () => {
  it('imports nothing, so the web bundles it as it is', () => {
    const source = readFileSync(new URL('./vocabulary.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^\s*import\b/m);
    expect(source).not.toMatch(/\brequire\(/);
  });

  it('lists every word once', () => {
    for (const [name, words] of [...TRANSLATED, ['ERROR_CODES', v.ERROR_CODES, ''] as const]) {
      expect(new Set(words).size, name).toBe(words.length);
      expect(words.length, name).toBeGreaterThan(0);
    }
  });

  it('has every audit action the log records today, each with a noun before the verb', () => {
    expect(v.AUDIT_ACTIONS.length).toBeGreaterThanOrEqual(100);
    for (const action of v.AUDIT_ACTIONS) expect(action).toMatch(/^[a-z_]+(\.[a-z_]+)+$/);
  });

  it('names the system actors as the audit log writes them', () => {
    for (const actor of v.SYSTEM_ACTORS) expect(actor).toMatch(/^system:[a-z-]+$/);
    expect(v.isSystemActor('system:escalation')).toBe(true);
    expect(v.isSystemActor('wang.li')).toBe(false);
    expect(v.isOneOf(v.ROLES, 'grid_worker')).toBe(true);
    expect(v.isOneOf(v.ROLES, 'root')).toBe(false);
  });
});

describe('vocabulary translations', () => {
  const zh: Records = zhCN;
  const english: Records = en;

  it.each(TRANSLATED)(
    '%s: every word has Chinese and English text, and no other word has',
    (_, words, name) => {
      const zhNames = zh[`${name}ZhCN`];
      const enNames = english[`${name}En`];
      expect(zhNames, `${name}ZhCN`).toBeDefined();
      expect(enNames, `${name}En`).toBeDefined();
      expect(Object.keys(zhNames ?? {}).sort()).toEqual([...words].sort());
      expect(Object.keys(enNames ?? {}).sort()).toEqual([...words].sort());
      for (const word of words) {
        const chinese = zhNames?.[word] ?? '';
        const english = enNames?.[word] ?? '';
        expect(chinese.trim(), `${name}ZhCN.${word}`).not.toBe('');
        expect(english.trim(), `${name}En.${word}`).not.toBe('');
        // A Chinese page must not show an English word, nor an English page a Chinese one.
        expect(chinese, `${name}ZhCN.${word}`).toMatch(HAN);
        expect(english, `${name}En.${word}`).not.toMatch(HAN);
        // Nor the key itself, which is what a missing translation looks like on screen.
        expect(chinese).not.toBe(word);
        expect(english).not.toBe(word);
      }
    },
  );

  it('gives the escalation, demo and command-line actors their names', () => {
    expect(zhCN.systemActorsZhCN['system:escalation']).toBe('系统自动升级');
    expect(zhCN.systemActorsZhCN['system:demo']).toBe('演示数据');
    expect(zhCN.systemActorsZhCN['system:cli']).toBe('命令行导入');
  });
});

// The words the migrations' CHECK constraints allow are the vocabulary's words: a new status
// added to one and not the other fails here, not in production. (Roles have no CHECK: the API
// schema is their only gate.)
const CHECKED: Array<[table: string, column: string, words: readonly string[]]> = [
  ['areas', 'level', v.LEVELS],
  ['areas', 'kind', v.AREA_KINDS],
  ['persons', 'status', v.PERSON_STATUSES],
  ['tenancies', 'status', v.TENANCY_STATUSES],
  ['access_codes', 'status', v.ACCESS_CODE_STATUSES],
  ['pending_changes', 'status', v.PENDING_CHANGE_STATUSES],
  ['feed_batches', 'status', v.FEED_BATCH_STATUSES],
  ['health_records', 'inbox_status', v.INBOX_STATUSES],
  ['screening_rounds', 'status', v.ROUND_STATUSES],
  ['sweep_campaigns', 'status', v.SWEEP_STATUSES],
  ['sweep_households', 'state', v.SWEEP_HOUSEHOLD_STATES],
  ['sweep_visits', 'outcome', v.SWEEP_OUTCOMES],
  ['key_persons', 'status', v.KEY_PERSON_STATUSES],
  ['key_persons', 'reason_code', v.KEY_PERSON_REASON_CODES],
  ['leads', 'status', v.LEAD_STATUSES],
  ['events', 'status', v.EVENT_STATUSES],
  ['resident_requests', 'status', v.SERVICE_REQUEST_STATUSES],
  ['announcements', 'status', v.ANNOUNCEMENT_STATUSES],
  ['import_jobs', 'status', v.IMPORT_STATUSES],
];

describeEachDatabase('the database allows exactly the vocabulary', (database) => {
  it.each(CHECKED)('%s.%s', async (table, column, words) => {
    const { rows } = await sql<{ definition: string }>`
      select pg_get_constraintdef(c.oid) as definition
        from pg_constraint c
        join pg_class t on t.oid = c.conrelid
       where c.contype = 'c' and t.relname = ${table}
         and pg_get_constraintdef(c.oid) ~ ${`\\m${column}\\M`}`.execute(database().db);
    // The constraint that lists this column's words (others may check other columns of the table).
    const lists = rows
      .map((row) => [...row.definition.matchAll(/'([^']+)'::text/g)].map((m) => m[1]))
      .filter((found) => found.some((word) => words.includes(word as never)));
    expect(lists.length, `${table}.${column} has a CHECK listing its words`).toBeGreaterThan(0);
    expect(new Set(lists.flat())).toEqual(new Set(words));
  });
});
