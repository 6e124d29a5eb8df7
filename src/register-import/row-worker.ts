/**
 * The worker side of row-checker.ts: validates person rows (ID number, dates, phone) and
 * computes their encrypted record and keyed hashes, so this CPU work runs beside the database's.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createFieldCipher } from '../privacy/field-crypto.js';
import type { KeyMaterial } from '../privacy/suites.js';
import { validatePersonRow } from './person-rows.js';
import type { CheckReply, CheckRequest } from './row-checker.js';

const port = parentPort;
if (!port) throw new Error('row-worker.ts runs only as a worker thread');
const { keys, today } = workerData as { keys: KeyMaterial; today: number };
const cipher = createFieldCipher(keys);
const day = new Date(today);

port.on('message', (request: CheckRequest) => {
  const reply: CheckReply = {
    id: request.id,
    results: request.rows.map(([rowNumber, fields]) => {
      const result = validatePersonRow(cipher, fields, rowNumber, day);
      // Problems cross as plain data; the main thread makes them CellProblems again.
      return Array.isArray(result)
        ? result.map((p) => ({ field: p.field, code: p.code, ...(p.params ? { params: p.params } : {}) }))
        : result;
    }),
  };
  port.postMessage(reply);
});
