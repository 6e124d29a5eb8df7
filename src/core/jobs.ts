import { startPeriodicJob } from './periodic.js';

/**
 * How a job makes sure that, with several app nodes on one database, each piece of work is done
 * once. Declared, not enforced here: it names the job's own mechanism, for readers and operators.
 */
export type JobClaim =
  /** Rows claimed with `select … for update skip locked`, updated guarded by the claimed state. */
  | 'skip-locked'
  /** Rows leased (`locked_until`) under `for update skip locked`; a dead node's lease runs out. */
  | 'lease'
  /** One conditional statement per step (`update … where state = from`): the first writer wins. */
  | 'guarded-update'
  /** A unique index and `on conflict do nothing`, or a delete: a second run finds nothing to do. */
  | 'idempotent'
  /** Work that belongs to this process or host alone (its files, its embedded database). */
  | 'per-node';

export type JobSchedule =
  /** A timer: the first run `firstRunMs` after start (default one interval), then every `intervalMs`. */
  | { every: number; firstRunMs?: number }
  /** Once, awaited while the server starts, before it listens (recovery of what a stopped process left). */
  | { every: 'start' };

export interface JobDefinition<Context> {
  /** Unique, kebab-case: what operators read in logs and pass to `start(only)` / `tick(name)`. */
  readonly name: string;
  /** One line: what it does. */
  readonly summary: string;
  readonly schedule: JobSchedule;
  readonly claim: JobClaim;
  /** Whether it runs on this installation at all (default: always). */
  readonly enabled?: (context: Context) => boolean;
  /** Awaited once by `start`, before the timer (e.g. sweep what a killed process left). */
  readonly atStart?: (context: Context) => Promise<unknown>;
  /** The work of one tick (or the one run of a start job); its result goes to `onRun`. */
  readonly run: (context: Context, signal: AbortSignal) => Promise<unknown>;
  /** Awaited by `stop` after the timer stopped and the run in progress finished. */
  readonly atStop?: (context: Context) => Promise<unknown>;
}

export interface JobLog {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface StartOptions {
  /** Faster timers for tests, by job name. */
  timing?: Readonly<Record<string, { every: number; firstRunMs?: number }>>;
  /** Called with each run's result. */
  onRun?: (name: string, result: unknown) => void;
  /** A failed run (default: logged; the timer goes on). */
  onError?: (name: string, error: unknown) => void;
}

/**
 * The one list of background work: jobs are declared while the registry is open (the catalogue in
 * src/jobs.ts), then it is sealed before any route plugin is registered, so no plugin can add one.
 * `start` runs them (the server, once, after migrations; a test, only the ones it names), `stop`
 * ends them in reverse order, `tick` runs one job's work once, now.
 */
export class JobRegistry<Context> {
  private readonly jobs = new Map<string, JobDefinition<Context>>();
  private sealed = false;
  private readonly started: Array<{ job: JobDefinition<Context>; stop: () => Promise<void> }> = [];
  /** Aborted by `stop`: a run that loops (batch after batch) ends after its current step. */
  private stopping = new AbortController();

  constructor(
    private readonly context: Context,
    private readonly log: JobLog,
  ) {}

  declare(job: JobDefinition<Context>): this {
    if (this.sealed)
      throw new Error(
        `Background job "${job.name}" declared outside the registry: declare it in src/jobs.ts, not in a plugin`,
      );
    if (!/^[a-z][a-z0-9-]*$/.test(job.name)) throw new Error(`Job name "${job.name}" is not kebab-case`);
    if (this.jobs.has(job.name)) throw new Error(`Job "${job.name}" is declared twice`);
    if (job.schedule.every !== 'start' && !(job.schedule.every > 0))
      throw new Error(`Job "${job.name}" has no interval`);
    this.jobs.set(job.name, job);
    return this;
  }

  /** Closes the list: later declarations throw. */
  seal(): this {
    this.sealed = true;
    return this;
  }

  /** Every declared job, in declaration order. */
  get declared(): ReadonlyArray<JobDefinition<Context>> {
    return [...this.jobs.values()];
  }

  /** The jobs running now, in start order. */
  get running(): string[] {
    return this.started.map((s) => s.job.name);
  }

  private job(name: string): JobDefinition<Context> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`No background job "${name}" (declared: ${[...this.jobs.keys()].join(', ')})`);
    return job;
  }

  /**
   * Starts the enabled jobs (or only those named), in declaration order: each one's `atStart`
   * is awaited, then its timer set. A job already running is left as it is.
   */
  async start(only?: readonly string[], options: StartOptions = {}): Promise<void> {
    const wanted = only ? new Set(only.map((name) => this.job(name).name)) : null;
    for (const job of this.jobs.values()) {
      if (wanted ? !wanted.has(job.name) : job.enabled && !job.enabled(this.context)) continue;
      if (this.started.some((s) => s.job === job)) continue;
      await job.atStart?.(this.context);
      const timing = options.timing?.[job.name] ?? job.schedule;
      // Run first: an optional call would skip evaluating its arguments when nobody listens.
      const run = async () => {
        const result = await job.run(this.context, this.stopping.signal);
        options.onRun?.(job.name, result);
      };
      if (timing.every === 'start') {
        await run();
        this.started.push({ job, stop: async () => undefined });
        continue;
      }
      const timer = startPeriodicJob({
        intervalMs: timing.every,
        ...(timing.firstRunMs !== undefined ? { firstRunMs: timing.firstRunMs } : {}),
        run,
        onError: (error) =>
          options.onError
            ? options.onError(job.name, error)
            : this.log.error({ err: error, job: job.name }, `background job ${job.name} failed`),
      });
      this.started.push({ job, stop: timer.stop });
    }
  }

  /** Runs one job's work once, now, whether or not it is started; resolves with its result. */
  async tick(name: string): Promise<unknown> {
    return this.job(name).run(this.context, new AbortController().signal);
  }

  /** Stops every started job, last started first, each waiting for its run in progress. */
  async stop(): Promise<void> {
    this.stopping.abort();
    for (let s = this.started.pop(); s; s = this.started.pop()) {
      await s.stop();
      await s.job.atStop?.(this.context);
    }
    this.stopping = new AbortController();
  }
}
