// The worker's own lists, kept for offline use: every successful GET of the paths below is sealed
// into IndexedDB as the API returned it (already masked); when the network is gone, the same GET is
// answered from that copy (if under 24 h old) and the page says how old it is.
import type { Middleware } from 'openapi-fetch';
import { offlineDb, seal, SNAPSHOT_TTL_MS, storedKey, unseal } from './store';

/**
 * What a grid worker needs at the door with no signal: who they are, Today's lists (open rounds,
 * the untested of their grid, leads, follow-ups, tasks), houses and residents of their rows, and
 * the choices the visit and patrol forms offer (areas, event categories).
 */
const OFFLINE_PATHS: readonly RegExp[] = [
  /^\/api\/auth\/me$/,
  /^\/api\/rounds$/,
  /^\/api\/rounds\/\d+\/untested$/,
  /^\/api\/leads$/,
  /^\/api\/key-persons$/,
  /^\/api\/key-persons\/\d+$/,
  /^\/api\/key-persons\/tasks$/,
  /^\/api\/houses$/,
  /^\/api\/houses\/\d+$/,
  /^\/api\/persons$/,
  /^\/api\/pending-changes$/,
  /^\/api\/areas$/,
  /^\/api\/areas\/\d+$/,
  /^\/api\/events\/categories$/,
  // Door-to-door sweeps: the households left to visit and each one's form (residents, visits).
  /^\/api\/sweeps\/households\/mine$/,
  /^\/api\/sweeps\/\d+\/households\/\d+$/,
];

/** The header a response answered from the phone's copy carries: when that copy was saved. */
export const OFFLINE_HEADER = 'x-gridguard-offline-saved-at';

const keyOf = (url: URL) => `${url.pathname}${url.search}`;
const kept = (url: URL) => OFFLINE_PATHS.some((pattern) => pattern.test(url.pathname));

// ---- what the page shows: "offline data, updated at HH:mm" ----

let oldestShown: number | null = null;
const listeners = new Set<() => void>();

/** The time of the oldest copy shown since the connection was lost; null when everything is live. */
export const offlineSince = () => oldestShown;

export function onOfflineChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function setShown(next: number | null) {
  if (next === oldestShown) return;
  oldestShown = next;
  for (const listener of listeners) listener();
}

// ---- the copies ----

/** Keeps one answer (a value the app already holds, e.g. the user after sign-in, or a response body). */
export async function saveSnapshot(url: string, value: unknown): Promise<void> {
  const key = await storedKey();
  if (!key) return;
  await (await offlineDb()).put('snapshots', { url, savedAt: Date.now(), sealed: await seal(key, value) });
}

async function readSnapshot(url: string): Promise<{ value: unknown; savedAt: number } | null> {
  const key = await storedKey();
  if (!key) return null;
  const db = await offlineDb();
  const snapshot = await db.get('snapshots', url);
  if (!snapshot) return null;
  if (Date.now() - snapshot.savedAt > SNAPSHOT_TTL_MS) {
    await db.delete('snapshots', url);
    return null;
  }
  try {
    return { value: await unseal(key, snapshot.sealed), savedAt: snapshot.savedAt };
  } catch {
    // Sealed under a key that is gone: useless, forget it.
    await db.delete('snapshots', url);
    return null;
  }
}

/** Deletes copies past their 24 hours (at start; reading an old one deletes it too). */
export async function dropExpiredSnapshots(): Promise<void> {
  const db = await offlineDb();
  const now = Date.now();
  for (const snapshot of await db.getAll('snapshots'))
    if (now - snapshot.savedAt > SNAPSHOT_TTL_MS) await db.delete('snapshots', snapshot.url);
}

/** The typed client's middleware: keeps answers of the paths above, and answers from them offline. */
export const snapshotMiddleware: Middleware = {
  async onResponse({ request, response }) {
    if (request.method !== 'GET' || response.headers.has(OFFLINE_HEADER)) return response;
    const url = new URL(request.url, window.location.origin);
    if (!response.ok || !kept(url)) return response;
    setShown(null);
    try {
      await saveSnapshot(keyOf(url), await response.clone().json());
    } catch {
      // Storage full or private mode: the page works online all the same.
    }
    return response;
  },
  async onError({ request }) {
    if (request.method !== 'GET') return undefined;
    const url = new URL(request.url, window.location.origin);
    if (!kept(url)) return undefined;
    const snapshot = await readSnapshot(keyOf(url));
    if (!snapshot) return undefined;
    setShown(Math.min(oldestShown ?? snapshot.savedAt, snapshot.savedAt));
    return new Response(JSON.stringify(snapshot.value), {
      status: 200,
      headers: { 'content-type': 'application/json', [OFFLINE_HEADER]: String(snapshot.savedAt) },
    });
  },
};

// Back online: the next answers are live again.
if (typeof window !== 'undefined') window.addEventListener('online', () => setShown(null));
