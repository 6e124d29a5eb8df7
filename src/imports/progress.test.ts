import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  createCallbackProgress,
  createCliProgress,
  formatAmount,
  noProgress,
  type ProgressEvent,
} from './progress.js';

/** A fake stderr that records what is written. */
function sink(isTTY: boolean): { stream: Writable & { isTTY: boolean }; text: () => string } {
  let out = '';
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        out += chunk.toString();
        callback();
      },
    }),
    { isTTY },
  );
  return { stream, text: () => out };
}

describe('createCliProgress without a TTY', () => {
  it('prints a line every 10% or every 5 s, and a final line', () => {
    let clock = 0;
    const { stream, text } = sink(false);
    const progress = createCliProgress({ label: '导入人员', stream, now: () => clock, unit: 'bytes' });
    const total = 10 * 1024 * 1024;
    for (let done = 0; done <= total; done += 256 * 1024) {
      clock += 10;
      progress.update(done, total);
    }
    progress.finish();
    const lines = text().trim().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('导入人员: 10% (1.0 MiB / 10.0 MiB)');
    expect(lines.at(-1)).toBe('导入人员: 100% (10.0 MiB / 10.0 MiB) - done');
  });

  it('falls back to time when the total is unknown', () => {
    let clock = 0;
    const { stream, text } = sink(false);
    const progress = createCliProgress({ label: 'rows', stream, now: () => clock, unit: 'rows' });
    for (let done = 1; done <= 100; done++) {
      clock += 1000;
      progress.update(done * 1000);
    }
    progress.finish();
    expect(text().trim().split('\n')).toHaveLength(21);
    expect(text()).toContain('rows: 5,000\n');
  });
});

describe('createCliProgress on a TTY', () => {
  it('draws a cli-progress bar', () => {
    const { stream, text } = sink(true);
    const progress = createCliProgress({ label: 'Importing', stream });
    progress.update(512, 1024);
    progress.update(1024, 1024);
    progress.finish();
    expect(text()).toContain('Importing');
    expect(text()).toContain('100%');
  });
});

describe('createCallbackProgress', () => {
  it('throttles updates and always reports the finish', () => {
    let clock = 0;
    const events: ProgressEvent[] = [];
    const progress = createCallbackProgress((e) => events.push(e), { minIntervalMs: 100, now: () => clock });
    for (let i = 1; i <= 10; i++) {
      clock += 30;
      progress.update(i, 10);
    }
    progress.finish();
    expect(events.map((e) => e.done)).toEqual([1, 5, 9, 10]);
    expect(events.at(-1)).toEqual({ done: 10, total: 10, fraction: 1, finished: true });
    noProgress.update(1);
    noProgress.finish();
  });

  it('formats amounts', () => {
    expect(formatAmount(1536, 'bytes')).toBe('1.5 KiB');
    expect(formatAmount(1234567, 'rows')).toBe('1,234,567');
  });
});
