// Writes recorded without a connection wait here, sealed, and are sent in the order they were made
// once the connection returns (the `online` event, every 30 s, and at start). Each carries its own
// Idempotency-Key from the first attempt on, so a write whose answer was lost is not run twice.
//
// A refusal (a 4xx: the person moved meanwhile, the follow-up was already recorded, 422…) marks
// that write "rejected" with the server's message and the queue goes on with the next: the writes
// are independent (visits, marks, follow-ups of different people), so one refusal must not hold
// back a day's work. The worker then edits and sends it again (under a new key) or discards it.
// A lost connection, a 5xx, a 429 or a 409 "still running" stops the round; the next one retries.
import { type ApiError, http, isApiError } from '../api/client';
import {
  offlineDb,
  openBytes,
  type OutboxKind,
  type OutboxRecord,
  sealBytes,
  seal,
  storedKey,
  unseal,
} from './store';

/** One write as the outbox keeps it: JSON body, or multipart text fields plus photos. */
export interface OutboxRequest {
  kind: OutboxKind;
  method: 'POST' | 'PUT';
  /** Path under /api, e.g. "/visits". */
  path: string;
  body?: Record<string, unknown>;
  fields?: Record<string, string>;
  /** What the list shows for it (an address, a name, a title). */
  summary: string;
}

export interface OutboxItem {
  seq: number;
  kind: OutboxKind;
  state: OutboxRecord['state'];
  createdAt: number;
  attempts: number;
  rejection: OutboxRecord['rejection'];
  request: OutboxRequest;
  photos: number;
}

export type SendOutcome<T> = { queued: false; data: T } | { queued: true };

const RETRY_MS = 30_000;
const listeners = new Set<() => void>();

export function onOutboxChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
const changed = () => listeners.forEach((listener) => listener());

/** The queued writes, oldest first, opened for display. */
export async function outboxItems(): Promise<OutboxItem[]> {
  const key = await storedKey();
  if (!key) return [];
  const records = await (await offlineDb()).getAll('outbox');
  return Promise.all(
    records.map(async (record) => ({
      seq: record.seq!,
      kind: record.kind,
      state: record.state,
      createdAt: record.createdAt,
      attempts: record.attempts,
      rejection: record.rejection,
      request: await unseal<OutboxRequest>(key, record.request),
      photos: record.photos.length,
    })),
  );
}

async function enqueue(request: OutboxRequest, photos: File[], idempotencyKey: string): Promise<void> {
  const key = await storedKey();
  // Signed out meanwhile: nothing may be kept.
  if (!key) throw new Error('No offline key: sign in again');
  const sealedPhotos = await Promise.all(
    photos.map(async (photo) => ({
      sealed: await sealBytes(key, await photo.arrayBuffer()),
      type: photo.type,
      name: photo.name,
    })),
  );
  await (
    await offlineDb()
  ).add('outbox', {
    key: idempotencyKey,
    kind: request.kind,
    state: 'pending',
    createdAt: Date.now(),
    attempts: 0,
    request: await seal(key, request),
    photos: sealedPhotos,
  });
  changed();
}

/** Sends one write with its key; throws ApiError (status 0 when the server cannot be reached). */
async function transmit<T>(request: OutboxRequest, photos: File[], idempotencyKey: string): Promise<T> {
  const headers = { 'idempotency-key': idempotencyKey };
  let response: Response;
  if (request.fields || photos.length > 0) {
    const form = new FormData();
    // Fields first: the server reads the multipart stream in order.
    for (const [name, value] of Object.entries(request.fields ?? {})) form.append(name, value);
    for (const photo of photos) form.append('photos', photo, photo.name);
    response = await http.send(request.method, request.path, { form, headers });
  } else {
    response = await http.send(request.method, request.path, { body: request.body ?? {}, headers });
  }
  return (response.status === 204 ? undefined : await response.json()) as T;
}

async function pendingCount(): Promise<number> {
  const records = await (await offlineDb()).getAll('outbox');
  return records.filter((record) => record.state === 'pending').length;
}

/**
 * The one way the offline-capable forms write: sent now when the phone is online and nothing waits
 * before it; otherwise (or when the request is lost on the way) queued with its key. A refusal by
 * the server while online is thrown as usual, for the form to show beside its fields.
 */
export async function sendOrQueue<T>(request: OutboxRequest, photos: File[] = []): Promise<SendOutcome<T>> {
  const idempotencyKey = crypto.randomUUID();
  if (!navigator.onLine || (await pendingCount()) > 0) {
    await enqueue(request, photos, idempotencyKey);
    void flushOutbox();
    return { queued: true };
  }
  try {
    return { queued: false, data: await transmit<T>(request, photos, idempotencyKey) };
  } catch (error) {
    if (isApiError(error) && error.status === 0) {
      await enqueue(request, photos, idempotencyKey);
      return { queued: true };
    }
    throw error;
  }
}

/**
 * The server's sentence, in the language it answered in, with its first field problem on a line of
 * its own instead of after the field's technical name ("… (body.seenPersonIds.0: …)").
 */
function refusalText(error: ApiError): string {
  const first = error.details[0];
  if (!first) return error.message;
  const suffix = ` (${first.field}: ${first.message})`;
  return error.message.endsWith(suffix)
    ? `${error.message.slice(0, -suffix.length)}\n${first.message}`
    : error.message;
}

/** Whether a failed attempt is worth repeating as it is, later. */
const transient = (status: number, code: string) =>
  status === 0 || status >= 500 || status === 429 || code === 'IDEMPOTENCY_KEY_IN_FLIGHT';

let flushing: Promise<void> | null = null;

/** Sends the pending writes in order; one round at a time in this tab, and across tabs by a lock. */
export function flushOutbox(): Promise<void> {
  if (!navigator.onLine) return Promise.resolve();
  flushing ??= (
    navigator.locks ? navigator.locks.request('gridguard-outbox', flushRound) : flushRound()
  ).finally(() => {
    flushing = null;
  });
  return flushing;
}

async function flushRound(): Promise<void> {
  const key = await storedKey();
  if (!key) return;
  const db = await offlineDb();
  for (const record of await db.getAll('outbox')) {
    if (record.state !== 'pending') continue;
    const request = await unseal<OutboxRequest>(key, record.request);
    const photos = await Promise.all(
      record.photos.map(
        async (photo) => new File([await openBytes(key, photo.sealed)], photo.name, { type: photo.type }),
      ),
    );
    try {
      await transmit(request, photos, record.key);
      await db.delete('outbox', record.seq!);
      changed();
    } catch (error) {
      const status = isApiError(error) ? error.status : 0;
      const code = isApiError(error) ? error.code : 'NETWORK_ERROR';
      // Signed out by the server (401): the session's handler wipes the queue with everything else.
      if (status === 401 || !(await db.get('outbox', record.seq!))) return;
      if (transient(status, code)) {
        await db.put('outbox', { ...record, attempts: record.attempts + 1 });
        changed();
        return;
      }
      const message = isApiError(error) ? refusalText(error) : code;
      await db.put('outbox', {
        ...record,
        attempts: record.attempts + 1,
        state: 'rejected',
        rejection: { status, code, message },
      });
      changed();
    }
  }
}

/** Drops a write the worker gave up on. */
export async function discardItem(seq: number): Promise<void> {
  await (await offlineDb()).delete('outbox', seq);
  changed();
}

/**
 * Puts a refused write back in the queue, with the worker's corrections to its text fields. It gets
 * a new key: the old one holds the server's refusal, and a different body under it is refused (422).
 */
export async function resendItem(seq: number, changes: Record<string, string>): Promise<void> {
  const key = await storedKey();
  const db = await offlineDb();
  const record = await db.get('outbox', seq);
  if (!key || !record) return;
  const request = await unseal<OutboxRequest>(key, record.request);
  const edited: OutboxRequest = {
    ...request,
    ...(request.body ? { body: { ...request.body, ...changes } } : {}),
    ...(request.fields ? { fields: { ...request.fields, ...changes } } : {}),
  };
  const { rejection: _dropped, ...rest } = record;
  await db.put('outbox', {
    ...rest,
    key: crypto.randomUUID(),
    state: 'pending',
    request: await seal(key, edited),
  });
  changed();
  void flushOutbox();
}

let started = false;

/** Sends what waits now, when the connection returns, and every 30 s while something waits. */
export function startOutbox(): void {
  if (started) return;
  started = true;
  window.addEventListener('online', () => void flushOutbox());
  setInterval(() => void flushOutbox(), RETRY_MS);
  void flushOutbox();
}
