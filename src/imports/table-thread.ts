import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode, type ErrorDetails } from '../core/errors.js';
import type { TextEncodingName } from './encoding.js';
import { ImportFileError, type ImportFileProblem } from './errors.js';
import { type ImportLimit, ImportLimitError } from './limits.js';
import type {
  CsvDelimiter,
  OpenTableOptions,
  Table,
  TableFormat,
  TableRow,
  TableSource,
} from './table-types.js';

/**
 * Uploaded tables are parsed in worker threads, each with a capped heap, so a hostile workbook
 * costs a worker (reported as a bad file) and never the event loop or the process. Workers are
 * kept warm for the next table (loading exceljs takes a second or two) and stop when idle.
 */

export type SerializedError =
  | { kind: 'file'; problem: ImportFileProblem; message: string; extra: Record<string, string | number> }
  | { kind: 'limit'; limit: ImportLimit; max: number; message: string }
  | { kind: 'app'; code: ErrorCode; statusCode: number; message: string; details: unknown }
  | { kind: 'other'; message: string };

interface TableMeta {
  fileName: string;
  format: TableFormat;
  headers: string[];
  headerRowNumber: number;
  encoding: TextEncodingName | undefined;
  delimiter: CsvDelimiter | undefined;
  sheetName: string | undefined;
  totalBytes: number | undefined;
}

type PathSource = Extract<TableSource, { path: string }>;

export type ToWorker =
  | {
      type: 'open';
      source: PathSource;
      options: Omit<OpenTableOptions, 'limits'> & { limits?: OpenTableOptions['limits'] };
      scratchDir: string | undefined;
    }
  | { type: 'next' }
  | { type: 'close' };

export type FromWorker =
  | { type: 'opened'; meta: TableMeta }
  | {
      type: 'rows';
      rows: Array<[number, string[]]>;
      done: boolean;
      bytesRead: number;
      rowsRead: number;
      sheetName: string | undefined;
    }
  | { type: 'closed' }
  | { type: 'failed'; error: SerializedError };

function revive(error: SerializedError): Error {
  switch (error.kind) {
    case 'file':
      return new ImportFileError(error.problem, error.message, error.extra);
    case 'limit':
      return new ImportLimitError(error.limit, error.max, error.message);
    case 'app':
      return new AppError(
        error.code,
        error.statusCode,
        error.message,
        error.details as ErrorDetails | undefined,
      );
    case 'other':
      return new Error(error.message);
  }
}

export interface TablePoolOptions {
  /** Tables parsed at once; more wait for a free worker. */
  maxWorkers?: number;
  /** Heap of one worker (V8 old generation), MiB. */
  heapMb?: number;
  /** An idle worker stops after this long. */
  idleMs?: number;
}

/** One worker thread that reads one table at a time. */
class TableWorker {
  readonly worker: Worker;
  /** The worker answers each message once, in order. */
  private readonly waiting: Array<{ resolve: (m: FromWorker) => void; reject: (e: Error) => void }> = [];
  dead: Error | undefined;
  idleTimer: NodeJS.Timeout | undefined;

  constructor(heapMb: number, onExit: (w: TableWorker) => void) {
    this.worker = spawnWorker(heapMb);
    this.worker.on('message', (message: FromWorker) => this.waiting.shift()?.resolve(message));
    this.worker.on('error', (error: Error & { code?: string }) => {
      // The heap cap was hit: the file is too much for an import, not a fault of the server.
      this.dead =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new ImportLimitError(
              'memory',
              heapMb,
              `reading the file needs more than ${heapMb} MiB of memory; split it or save it again as CSV`,
            )
          : new Error(`the table reader stopped: ${error.message}`);
    });
    this.worker.on('exit', () => {
      this.dead ??= new Error('the table reader stopped');
      for (const waiting of this.waiting.splice(0)) waiting.reject(this.dead);
      onExit(this);
    });
  }

  /** Sends a message; resolves with its answer. */
  ask(message: ToWorker): Promise<FromWorker> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage(message);
    });
  }
}

const require = createRequire(import.meta.url);

/** The compiled worker in dist; run from src/ (tsx, tests) the TypeScript source through tsx's require hook. */
function spawnWorker(heapMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 16 };
  if (import.meta.url.endsWith('.ts')) {
    const source = fileURLToPath(new URL('./table-worker.ts', import.meta.url));
    const tsx = require.resolve('tsx/cjs/api');
    return new Worker(`require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(source)});`, {
      eval: true,
      resourceLimits,
    });
  }
  return new Worker(new URL('./table-worker.js', import.meta.url), { resourceLimits });
}

export class TablePool {
  private readonly idle: TableWorker[] = [];
  private readonly waiters: Array<(w: TableWorker) => void> = [];
  private count = 0;
  private readonly maxWorkers: number;
  readonly heapMb: number;
  private readonly idleMs: number;

  constructor(options: TablePoolOptions = {}) {
    // One per core: the event loop keeps a core's share however many files come at once.
    this.maxWorkers = options.maxWorkers ?? Math.max(2, availableParallelism());
    this.heapMb = options.heapMb ?? 256;
    this.idleMs = options.idleMs ?? 30_000;
  }

  private async acquire(): Promise<TableWorker> {
    const ready = this.idle.pop();
    if (ready) {
      clearTimeout(ready.idleTimer);
      ready.worker.ref();
      return ready;
    }
    if (this.count < this.maxWorkers) {
      this.count++;
      return new TableWorker(this.heapMb, (w) => this.exited(w));
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private exited(worker: TableWorker): void {
    const at = this.idle.indexOf(worker);
    if (at >= 0) this.idle.splice(at, 1);
    this.count--;
    // Someone waits for a worker: a fresh one takes the dead one's place.
    const waiter = this.waiters.shift();
    if (waiter) {
      this.count++;
      waiter(new TableWorker(this.heapMb, (w) => this.exited(w)));
    }
  }

  private release(worker: TableWorker): void {
    if (worker.dead) return;
    const waiter = this.waiters.shift();
    if (waiter) return waiter(worker);
    worker.worker.unref();
    worker.idleTimer = setTimeout(() => void worker.worker.terminate(), this.idleMs);
    worker.idleTimer.unref();
    this.idle.push(worker);
  }

  /** Opens a file in a worker; the table behaves like openTableHere's. */
  async open(source: PathSource, options: OpenTableOptions = {}): Promise<Table> {
    const worker = await this.acquire();
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      if (!worker.dead) {
        const answer = await worker.ask({ type: 'close' }).catch(() => undefined);
        if (answer?.type !== 'closed') await worker.worker.terminate();
      }
      this.release(worker);
    };
    let opened: FromWorker;
    try {
      opened = await worker.ask({
        type: 'open',
        source: { path: source.path, fileName: source.fileName },
        options,
        scratchDir: source.scratchDir,
      });
    } catch (error) {
      await release();
      throw error;
    }
    if (opened.type !== 'opened') {
      await release();
      throw opened.type === 'failed' ? revive(opened.error) : new Error('the table reader did not answer');
    }
    const meta = opened.meta;
    let bytesRead = 0;
    let rowsRead = 0;
    let sheetName = meta.sheetName;
    let started = false;

    async function* iterate(): AsyncGenerator<TableRow> {
      if (started) throw new Error('a table can be read only once');
      started = true;
      try {
        // The next batch is read in the worker while this one is used.
        let pending = worker.ask({ type: 'next' });
        // A batch still being read when the reader stops is answered before the close.
        pending.catch(() => undefined);
        for (;;) {
          const answer = await pending;
          if (answer.type === 'failed') throw revive(answer.error);
          if (answer.type !== 'rows') throw new Error('the table reader answered out of turn');
          if (!answer.done) {
            pending = worker.ask({ type: 'next' });
            pending.catch(() => undefined);
          }
          bytesRead = answer.bytesRead;
          rowsRead = answer.rowsRead;
          sheetName = answer.sheetName;
          for (const [rowNumber, cells] of answer.rows) {
            // Null prototype: a column titled "__proto__" must stay data.
            const values = Object.create(null) as Record<string, string>;
            meta.headers.forEach((header, i) => (values[header] = cells[i] ?? ''));
            yield { rowNumber, values };
          }
          if (answer.done) return;
        }
      } finally {
        await release();
      }
    }

    return {
      fileName: meta.fileName,
      format: meta.format,
      headers: meta.headers,
      headerRowNumber: meta.headerRowNumber,
      encoding: meta.encoding,
      delimiter: meta.delimiter,
      get sheetName() {
        return sheetName;
      },
      get bytesRead() {
        return bytesRead;
      },
      totalBytes: meta.totalBytes,
      get rowsRead() {
        return rowsRead;
      },
      close: release,
      [Symbol.asyncIterator]: iterate,
    };
  }
}

const sharedPool = new TablePool();

export function openTableInWorker(source: PathSource, options: OpenTableOptions = {}): Promise<Table> {
  return sharedPool.open(source, options);
}
