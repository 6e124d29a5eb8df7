import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';

// scripts/import-layers.mjs reads every shipped file under src/ (tests and test support left out).
function measure() {
  const out = execFileSync(process.execPath, ['scripts/import-layers.mjs'], { encoding: 'utf8' });
  const [summary, ...lines] = out.trim().split('\n');
  const count = (label: string) => Number(new RegExp(`${label}: (\\d+)`).exec(summary!)?.[1]);
  return {
    circles: count('circles'),
    upward: count('upward imports'),
    testOnly: count('test-only imports'),
    lines,
  };
}

it('imports run one way down: no circle, at most 3 upward imports, no test helper in shipped code', () => {
  const graph = measure();
  expect(graph.lines.filter((line) => line.startsWith('circle'))).toEqual([]);
  expect(graph.circles).toBe(0);
  expect(graph.upward, graph.lines.join('\n')).toBeLessThanOrEqual(3);
  expect(graph.lines.filter((line) => line.startsWith('test-only import'))).toEqual([]);
  expect(graph.testOnly).toBe(0);
  // Every shipped file sits on a layer, so a new folder cannot slip past the check.
  expect(graph.lines.filter((line) => line.startsWith('no layer'))).toEqual([]);
});
