import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Params } from '../i18n/locale.js';
import type { ProblemCode } from '../i18n/problem-codes.js';
import type { KeyMaterial } from '../privacy/suites.js';
import type { PersonCandidate } from './person-rows.js';
import { CellProblem } from './values.js';

/**
 * Person rows are checked and encrypted in worker threads (one AES-GCM record and three keyed
 * hashes a row are most of an import's Node time), a chunk of rows per message, answered in
 * the order asked. The workers live for one import.
 */

type Fields = Partial<Record<string, string>>;

export interface CheckRequest {
  id: number;
  rows: Array<[number, Fields]>;
}

interface PlainProblem {
  field: string;
  code: ProblemCode;
  params?: Params;
}

export interface CheckReply {
  id: number;
  results: Array<PersonCandidate | PlainProblem[]>;
}

/** Files at least this large are checked in threads; smaller ones are not worth starting them. */
export const THREADED_CHECK_MIN_BYTES = 1024 * 1024;

const require = createRequire(import.meta.url);

function spawn(workerData: unknown): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 };
  if (import.meta.url.endsWith('.ts')) {
    // Run from src/ (tsx, tests): the TypeScript source through tsx's require hook, as table-thread.ts does.
    const source = fileURLToPath(new URL('./row-worker.ts', import.meta.url));
    const tsx = require.resolve('tsx/cjs/api');
    return new Worker(`require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(source)});`, {
      eval: true,
      workerData,
      resourceLimits,
    });
  }
  return new Worker(new URL('./row-worker.js', import.meta.url), { workerData, resourceLimits });
}

export class PersonRowChecker {
  private readonly workers: Worker[];
  private readonly waiting = new Map<
    number,
    { resolve: (r: Array<PersonCandidate | CellProblem[]>) => void; reject: (e: Error) => void }
  >();
  private next = 0;
  private failure: Error | undefined;

  constructor(keys: KeyMaterial, today: Date, threads = Math.max(1, Math.min(4, availableParallelism()))) {
    this.workers = Array.from({ length: threads }, () => {
      const worker = spawn({ keys, today: today.getTime() });
      worker.on('message', (reply: CheckReply) => {
        const waiting = this.waiting.get(reply.id);
        this.waiting.delete(reply.id);
        waiting?.resolve(
          reply.results.map((r) =>
            Array.isArray(r) ? r.map((p) => new CellProblem(p.field, p.code, p.params)) : r,
          ),
        );
      });
      worker.on('error', (error: Error) => this.fail(new Error(`the row checker stopped: ${error.message}`)));
      worker.on('exit', () => this.fail(new Error('the row checker stopped')));
      return worker;
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.waiting.values()) waiting.reject(this.failure);
    this.waiting.clear();
  }

  /** Validates a chunk of rows (row number, mapped fields) in the next worker, round robin. */
  check(rows: Array<[number, Fields]>): Promise<Array<PersonCandidate | CellProblem[]>> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.workers[id % this.workers.length]!.postMessage({ id, rows } satisfies CheckRequest);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the row checker was closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
