// Everything the worker's phone keeps for working without a connection, in one IndexedDB database:
// the encryption key, snapshots of the worker's lists, and the outbox of writes waiting to upload.
// Snapshots and queued writes are sealed with AES-GCM under a non-extractable WebCrypto key made
// at sign-in; signing out (or a 401) deletes the whole database.
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';

const DB_NAME = 'gridguard-offline';
/** A snapshot older than this is not shown: the lists change daily (rounds, follow-ups). */
export const SNAPSHOT_TTL_MS = 24 * 3600 * 1000;

/** AES-GCM ciphertext with its nonce. */
export interface Sealed {
  iv: Uint8Array<ArrayBuffer>;
  data: ArrayBuffer;
}

export interface KeyRecord {
  name: 'device';
  /** Whose data this key protects: another user signing in on this phone wipes everything first. */
  userId: number;
  key: CryptoKey;
  createdAt: number;
}

export interface SnapshotRecord {
  /** The request path with its query, e.g. "/api/rounds/3/untested?page=1&pageSize=10". */
  url: string;
  savedAt: number;
  sealed: Sealed;
}

export type OutboxState = 'pending' | 'rejected';

export interface OutboxRecord {
  seq?: number;
  /** The Idempotency-Key sent with every attempt of this write (a new one after an edit). */
  key: string;
  kind: OutboxKind;
  state: OutboxState;
  createdAt: number;
  attempts: number;
  /** The server's refusal, in the language the server answered in. */
  rejection?: { status: number; code: string; message: string };
  /** The request (method, path, body or form fields, a summary for the list), sealed. */
  request: Sealed;
  /** Photos, each sealed separately (their bytes, then type and name in clear: no personal data). */
  photos: Array<{ sealed: Sealed; type: string; name: string }>;
}

export type OutboxKind = 'visit' | 'event' | 'followUp' | 'mark' | 'verify' | 'reportBack' | 'sweepVisit';

interface OfflineSchema extends DBSchema {
  keys: { key: 'device'; value: KeyRecord };
  snapshots: { key: string; value: SnapshotRecord };
  outbox: { key: number; value: OutboxRecord };
}

let opening: Promise<IDBPDatabase<OfflineSchema>> | null = null;

export function offlineDb(): Promise<IDBPDatabase<OfflineSchema>> {
  opening ??= openDB<OfflineSchema>(DB_NAME, 1, {
    upgrade(db) {
      db.createObjectStore('keys', { keyPath: 'name' });
      db.createObjectStore('snapshots', { keyPath: 'url' });
      db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
    },
    // Another tab deletes the database (sign-out): let it, and open afresh next time.
    blocking() {
      void opening?.then((db) => db.close());
      opening = null;
    },
  });
  return opening;
}

/** The key of the signed-in user, made on first use; another user's key (and data) is wiped first. */
export async function deviceKey(userId: number): Promise<CryptoKey> {
  const db = await offlineDb();
  const current = await db.get('keys', 'device');
  if (current?.userId === userId) return current.key;
  if (current) await clearAll();
  // Non-extractable: script on the page can use it but never read its bits out.
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
  await (await offlineDb()).put('keys', { name: 'device', userId, key, createdAt: Date.now() });
  return key;
}

/** The stored key, if a user signed in on this phone and has not signed out. */
export async function storedKey(): Promise<CryptoKey | null> {
  return (await (await offlineDb()).get('keys', 'device'))?.key ?? null;
}

export async function sealBytes(key: CryptoKey, bytes: ArrayBuffer): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  return { iv, data: await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, bytes) };
}

export const openBytes = (key: CryptoKey, sealed: Sealed): Promise<ArrayBuffer> =>
  crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv }, key, sealed.data);

export const seal = (key: CryptoKey, value: unknown): Promise<Sealed> =>
  sealBytes(key, new TextEncoder().encode(JSON.stringify(value)).buffer);

export async function unseal<T>(key: CryptoKey, sealed: Sealed): Promise<T> {
  return JSON.parse(new TextDecoder().decode(await openBytes(key, sealed))) as T;
}

/** Deletes every snapshot, queued write and the key: nothing of the user stays on the phone. */
export async function clearAll(): Promise<void> {
  const db = await offlineDb();
  const tx = db.transaction(['keys', 'snapshots', 'outbox'], 'readwrite');
  await Promise.all([
    tx.objectStore('keys').clear(),
    tx.objectStore('snapshots').clear(),
    tx.objectStore('outbox').clear(),
    tx.done,
  ]);
}
