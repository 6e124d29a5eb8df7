export interface PeriodicJobOptions {
  intervalMs: number;
  /** Delay of the first run after start (default: one interval). */
  firstRunMs?: number;
  run: () => Promise<unknown>;
  onError: (error: unknown) => void;
}

/**
 * A background job on a timer that never keeps the process alive and never overlaps itself.
 * Only the job registry (core/jobs.ts) sets one: jobs are declared in src/jobs.ts.
 * `stop` clears the timer and waits for a run in progress, so the database can close right after.
 */
export function startPeriodicJob(options: PeriodicJobOptions): { stop: () => Promise<void> } {
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = options
      .run()
      .then(() => undefined)
      .catch(options.onError)
      .finally(() => {
        running = null;
      });
  };
  let interval: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    tick();
    interval = setInterval(tick, options.intervalMs);
    interval.unref();
  }, options.firstRunMs ?? options.intervalMs);
  first.unref();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(first);
      if (interval) clearInterval(interval);
      await running;
    },
  };
}
