/**
 * The worker side of table-thread.ts: opens one table at a time with openTableHere and hands its
 * rows over in batches when asked. Runs in a worker thread with a capped heap.
 */
import { parentPort } from 'node:worker_threads';
import { AppError } from '../core/errors.js';
import { ImportFileError } from './errors.js';
import { ImportLimitError } from './limits.js';
import { openTableHere } from './table-reader.js';
import type { Table, TableRow } from './table-types.js';
import type { FromWorker, SerializedError, ToWorker } from './table-thread.js';

/** Rows per message: large enough that posting costs little, small enough to stay light. */
const BATCH_ROWS = 500;
const BATCH_CHARS = 2 * 1024 * 1024;

function serialize(error: unknown): SerializedError {
  if (error instanceof ImportFileError)
    return { kind: 'file', problem: error.problem, message: error.message, extra: error.extra };
  if (error instanceof ImportLimitError)
    return { kind: 'limit', limit: error.limit, max: error.max, message: error.message };
  if (error instanceof AppError)
    return {
      kind: 'app',
      code: error.code,
      statusCode: error.statusCode,
      message: error.message,
      details: error.details,
    };
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

const port = parentPort;
if (!port) throw new Error('table-worker.ts runs only as a worker thread');

let table: Table | undefined;
let rows: AsyncIterator<TableRow> | undefined;
const post = (message: FromWorker) => port.postMessage(message);

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'open': {
      // The XLSX reader parks worksheets it meets before the shared strings in a temp file: beside the upload.
      if (message.scratchDir) process.env.TMPDIR = message.scratchDir;
      try {
        table = await openTableHere(message.source, message.options);
        rows = table[Symbol.asyncIterator]();
        post({
          type: 'opened',
          meta: {
            fileName: table.fileName,
            format: table.format,
            headers: table.headers,
            headerRowNumber: table.headerRowNumber,
            encoding: table.encoding,
            delimiter: table.delimiter,
            sheetName: table.sheetName,
            totalBytes: table.totalBytes,
          },
        });
      } catch (error) {
        table = undefined;
        post({ type: 'failed', error: serialize(error) });
      }
      return;
    }
    case 'next': {
      if (!table || !rows) return post({ type: 'failed', error: serialize(new Error('no table is open')) });
      const batch: Array<[number, string[]]> = [];
      let chars = 0;
      let done = false;
      try {
        while (batch.length < BATCH_ROWS && chars < BATCH_CHARS) {
          const next = await rows.next();
          if (next.done) {
            done = true;
            break;
          }
          const cells = table.headers.map((header) => next.value.values[header] ?? '');
          for (const cell of cells) chars += cell.length;
          batch.push([next.value.rowNumber, cells]);
        }
      } catch (error) {
        return post({ type: 'failed', error: serialize(error) });
      }
      post({
        type: 'rows',
        rows: batch,
        done,
        bytesRead: table.bytesRead,
        rowsRead: table.rowsRead,
        sheetName: table.sheetName,
      });
      return;
    }
    case 'close': {
      const open = table;
      table = undefined;
      rows = undefined;
      await open?.close().catch(() => undefined);
      delete process.env.TMPDIR;
      post({ type: 'closed' });
      return;
    }
  }
}

// One message at a time, in order: a close waits for the batch being read.
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: ToWorker) => {
  queue = queue.then(() => handle(message));
});
