// The closed vocabularies as users read them: the audit page offers every audit action and entity
// type by name, and the system's own actors appear by name, never as their keys.
import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, ENTITY_TYPES, SYSTEM_ACTORS } from '../core/vocabulary.js';
import { auditActionsEn, entityTypesEn, systemActorsEn } from '../i18n/vocabulary.en.js';
import { auditActionsZhCN, entityTypesZhCN, systemActorsZhCN } from '../i18n/vocabulary.zh-CN.js';
import { chromiumPath, eventually, expectText, SCENARIO, signIn, STAGE_START_TIMEOUT } from './browser.js';
import { DESK, type DemoStage, PASSWORD, startDemoStage } from './stage.js';

/** Opens one of the audit page's filters and reads the name of every option it offers. */
async function offered(page: Page, testId: string): Promise<string[]> {
  await page.getByTestId(testId).click();
  const options = page.locator('.ant-select-dropdown:visible .ant-select-item-option');
  await options.first().waitFor();
  const names = (await options.allInnerTexts()).map((text) => text.trim());
  await page.keyboard.press('Escape');
  // The list closes with an animation: wait until it is gone, so the next filter's list is read alone.
  await eventually(() => page.locator('.ant-select-dropdown:visible').count()).toBe(0);
  return names;
}

const sorted = (words: Iterable<string>) => [...words].sort();

describe.skipIf(!chromiumPath)('vocabulary in the browser', SCENARIO, () => {
  let stage: DemoStage;

  beforeAll(async () => {
    stage = await startDemoStage('vocabulary');
  }, STAGE_START_TIMEOUT);

  afterAll(async () => {
    await stage?.close();
  });

  const withPage = <T>(name: string, options: BrowserContextOptions, run: (page: Page) => Promise<T>) =>
    stage.withPage(name, options, run);

  it('offers every audit action and entity type in the audit filters, by name, in both languages', async () => {
    await withPage('audit-filters', DESK, async (page) => {
      await signIn(page, stage.baseUrl, 'admin', PASSWORD);
      await page.goto(`${stage.baseUrl}/audit`);
      await page.getByTestId('audit-table').waitFor();

      const actions = await offered(page, 'audit-action-filter');
      expect(actions).toHaveLength(AUDIT_ACTIONS.length);
      expect(sorted(actions)).toEqual(sorted(AUDIT_ACTIONS.map((action) => auditActionsZhCN[action])));
      const types = await offered(page, 'audit-entity-filter');
      expect(sorted(types)).toEqual(sorted(ENTITY_TYPES.map((type) => entityTypesZhCN[type])));

      // The log itself: the demo village's entries read as 演示数据, not system:demo.
      const table = page.getByTestId('audit-table');
      await expectText(table.locator('tbody'), systemActorsZhCN['system:demo']);
      const shown = await table.innerText();
      for (const actor of SYSTEM_ACTORS) expect(shown).not.toContain(actor);
      for (const action of ['service_request.create', 'demo.seed', 'person.register'])
        expect(shown).not.toContain(action);

      // The same page in English offers the same words by their English names.
      // As a user switches: the choice is saved to the account, so a reload keeps it.
      await page.locator('[data-testid=language-switch]').click();
      await page.reload();
      await page.getByTestId('audit-table').waitFor();
      const english = await offered(page, 'audit-action-filter');
      expect(sorted(english)).toEqual(sorted(AUDIT_ACTIONS.map((action) => auditActionsEn[action])));
      expect(sorted(await offered(page, 'audit-entity-filter'))).toEqual(
        sorted(ENTITY_TYPES.map((type) => entityTypesEn[type])),
      );
      await expectText(table.locator('tbody'), systemActorsEn['system:demo']);
      // Back to Chinese, for the account's later sign-ins.
      await page.locator('[data-testid=language-switch]').click();
      await expectText(page.getByTestId('audit-table').locator('tbody'), systemActorsZhCN['system:demo']);
    });
  });

  it('names the automatic escalation in an event timeline', async () => {
    const step = await stage.database.db
      .selectFrom('event_steps')
      .select('event_id')
      .where('actor_name', '=', 'system:escalation')
      .orderBy('event_id')
      .limit(1)
      .executeTakeFirstOrThrow();
    await withPage('escalation-timeline', DESK, async (page) => {
      await signIn(page, stage.baseUrl, 'admin', PASSWORD);
      await page.goto(`${stage.baseUrl}/events/${step.event_id}`);
      const timeline = page.getByTestId('timeline-step');
      await expectText(timeline, systemActorsZhCN['system:escalation']);
      await eventually(async () => (await page.locator('body').innerText()).includes('system:')).toBe(false);
    });
  });
});
