import cliProgress from 'cli-progress';

/** How an import tells the outside world how far it got. */
export interface ProgressReporter {
  update(done: number, total?: number): void;
  finish(): void;
}

export type ProgressUnit = 'bytes' | 'rows';

export function formatAmount(value: number, unit: ProgressUnit): string {
  if (unit === 'rows') return value.toLocaleString('en-US');
  if (value < 1024) return `${value} B`;
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(1)} KiB`;
  if (value < 1024 ** 3) return `${(value / 1024 / 1024).toFixed(1)} MiB`;
  return `${(value / 1024 ** 3).toFixed(2)} GiB`;
}

export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean };

export interface CliProgressOptions {
  label?: string;
  unit?: ProgressUnit;
  /** Default process.stderr, so piped stdout output stays clean. */
  stream?: ProgressStream;
  /** Without a TTY: print at least this often (default 5 s) ... */
  intervalMs?: number;
  /** ... or whenever another this-much of the total is done (default 10%). */
  step?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * A progress bar on a terminal; in logs and CI (no TTY) a bar would spew
 * control codes, so a plain line is printed every ~5 s or 10% instead.
 */
export function createCliProgress(options: CliProgressOptions = {}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const label = options.label ?? 'Importing';
  const unit = options.unit ?? 'bytes';
  if (stream.isTTY === true) return ttyProgress(stream, label, unit);
  return lineProgress(
    stream,
    label,
    unit,
    options.intervalMs ?? 5000,
    options.step ?? 0.1,
    options.now ?? Date.now,
  );
}

function ttyProgress(stream: ProgressStream, label: string, unit: ProgressUnit): ProgressReporter {
  let bar: cliProgress.SingleBar | undefined;
  let knownTotal = false;
  let last = 0;
  return {
    update(done, total) {
      last = done;
      const payload = {
        amount: formatAmount(done, unit),
        of: total === undefined ? '' : formatAmount(total, unit),
      };
      if (bar === undefined) {
        knownTotal = total !== undefined && total > 0;
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: knownTotal
              ? `${label} [{bar}] {percentage}% | {amount} / {of} | ETA {eta_formatted}`
              : `${label} {amount}`,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(knownTotal && total !== undefined ? total : 1, done, payload);
        return;
      }
      if (knownTotal && total !== undefined) bar.setTotal(total);
      bar.update(done, payload);
    },
    finish() {
      if (bar === undefined) return;
      bar.update(last);
      bar.stop();
      bar = undefined;
    },
  };
}

function lineProgress(
  stream: ProgressStream,
  label: string,
  unit: ProgressUnit,
  intervalMs: number,
  step: number,
  now: () => number,
): ProgressReporter {
  let lastAt = now();
  let lastStep = 0;
  let done = 0;
  let total: number | undefined;
  let finished = false;
  const describe = () => {
    if (total === undefined || total <= 0) return `${label}: ${formatAmount(done, unit)}`;
    const percent = Math.min(100, Math.floor((done / total) * 100));
    return `${label}: ${percent}% (${formatAmount(done, unit)} / ${formatAmount(total, unit)})`;
  };
  return {
    update(value, newTotal) {
      done = value;
      if (newTotal !== undefined) total = newTotal;
      // Whole steps, so float remainders never print the same 10% twice.
      const reached = total !== undefined && total > 0 ? Math.floor(done / total / step + 1e-9) : 0;
      const at = now();
      if (at - lastAt >= intervalMs || reached > lastStep) {
        stream.write(`${describe()}\n`);
        lastAt = at;
        lastStep = reached;
      }
    },
    finish() {
      if (finished) return;
      finished = true;
      stream.write(`${describe()} - done\n`);
    },
  };
}

export interface ProgressEvent {
  done: number;
  total: number | undefined;
  /** 0..1 when the total is known. */
  fraction: number | undefined;
  finished: boolean;
}

/**
 * Progress for the web (e.g. pushed over SSE) or tests: calls back at most
 * every `minIntervalMs`, always on finish.
 */
export function createCallbackProgress(
  onProgress: (event: ProgressEvent) => void,
  options: { minIntervalMs?: number; now?: () => number } = {},
): ProgressReporter {
  const minIntervalMs = options.minIntervalMs ?? 0;
  const now = options.now ?? Date.now;
  let lastAt = Number.NEGATIVE_INFINITY;
  let done = 0;
  let total: number | undefined;
  const event = (finished: boolean): ProgressEvent => ({
    done,
    total,
    fraction: total !== undefined && total > 0 ? Math.min(1, done / total) : undefined,
    finished,
  });
  return {
    update(value, newTotal) {
      done = value;
      if (newTotal !== undefined) total = newTotal;
      const at = now();
      if (at - lastAt < minIntervalMs) return;
      lastAt = at;
      onProgress(event(false));
    },
    finish() {
      onProgress(event(true));
    },
  };
}

/** For callers that do not care. */
export const noProgress: ProgressReporter = {
  update() {},
  finish() {},
};
