import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';

// scripts/import-layers.mjs reads every shipped file under src/ (tests and test support left out).
function measure(...args: string[]) {
  let out: string;
  try {
    out = execFileSync(process.execPath, ['scripts/import-layers.mjs', ...args], { encoding: 'utf8' });
  } catch (error) {
    // The script exits 1 when it finds a circle; its report still says which.
    out = String((error as { stdout?: string }).stdout ?? '');
  }
  const [summary, ...lines] = out.trim().split('\n');
  const count = (label: string) => Number(new RegExp(`${label}: (\\d+)`).exec(summary!)?.[1]);
  return {
    circles: count('circles'),
    upward: count('upward imports'),
    testOnly: count('test-only imports'),
    lines,
  };
}

it('imports run one way down: no circle, at most 1 upward import, no test helper in shipped code', () => {
  const graph = measure();
  expect(graph.lines.filter((line) => line.startsWith('circle'))).toEqual([]);
  expect(graph.circles).toBe(0);
  expect(graph.upward, graph.lines.join('\n')).toBeLessThanOrEqual(1);
  expect(graph.lines.filter((line) => line.startsWith('test-only import'))).toEqual([]);
  expect(graph.testOnly).toBe(0);
  // Every shipped file sits on a layer, so a new folder cannot slip past the check.
  expect(graph.lines.filter((line) => line.startsWith('no layer'))).toEqual([]);
});

// The list puts the import toolkit above the hierarchy and events above the dashboard. Two
// arrows joined the 14 of that list on purpose: the area import shares the register imports' reject
// schema (imports/schema.ts) and the big screen counts overdue events by the events' own definition
// (events/repository.ts overdueEvent), so neither keeps a copy. The file-level layers above hold 0.
it("on the issue's own layer list, no more upward imports than the toolkit and the overdue rule need (16)", () => {
  const graph = measure('--issue-layers');
  expect(graph.upward, graph.lines.join('\n')).toBeLessThanOrEqual(16);
});
