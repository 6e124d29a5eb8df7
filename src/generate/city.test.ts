import { expect, it } from 'vitest';
import { createFieldCipher } from '../privacy/field-crypto.js';
import { parseResidentIdNumber } from '../register/identity/identity-number.js';
import { describeEachDatabase } from '../test-support/database.js';
import { testConfig } from '../test-support/factories.js';
import { generateCity, syntheticIdNumber } from './city.js';

it('makes valid, unique synthetic ID numbers', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200_000; i += 7) {
    const id = syntheticIdNumber(i);
    expect(seen.has(id)).toBe(false);
    seen.add(id);
    if (i % 7001 === 0) expect(parseResidentIdNumber(id, { today: new Date('2026-01-01') }).ok).toBe(true);
  }
});

describeEachDatabase('city generator', (database) => {
  it('spreads persons evenly over the grids, with progress', async () => {
    const progress: number[] = [];
    const city = await generateCity(database().db, createFieldCipher(testConfig().keys), {
      persons: 12_000,
      grids: 40,
      seed: 1,
      onProgress: (done) => progress.push(done),
    });
    expect(city.grids).toHaveLength(40);
    expect(progress.at(-1)).toBe(12_000);
    const perGrid = await database()
      .db.selectFrom('persons')
      .select(['area_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('area_id')
      .execute();
    expect(perGrid).toHaveLength(40);
    expect(new Set(perGrid.map((g) => Number(g.n)))).toEqual(new Set([300]));
    const levels = await database()
      .db.selectFrom('areas')
      .select(['level', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('level')
      .execute();
    expect(Object.fromEntries(levels.map((l) => [l.level, Number(l.n)]))).toEqual({
      city: 1,
      county: 1,
      township: 1,
      village: 4,
      grid: 40,
    });
  });
});
