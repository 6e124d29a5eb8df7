// Ties the offline store to the session: a key at sign-in, everything wiped at sign-out or when the
// server no longer knows the session (401).
import { api } from '../api/client';
import type { MeResponse } from '../api/model';
import { flushOutbox, startOutbox } from './outbox';
import { dropExpiredSnapshots, saveSnapshot, snapshotMiddleware } from './snapshots';
import { clearAll, deviceKey } from './store';

let installed = false;

/** Once, at start: lists answered offline from their copies; the outbox sending when it can. */
export function installOffline(): void {
  if (installed || typeof indexedDB === 'undefined') return;
  installed = true;
  api.use(snapshotMiddleware);
  void dropExpiredSnapshots().catch(() => undefined);
  startOutbox();
}

/**
 * A user is signed in (or the app started with their session): make sure their key exists, keep
 * who they are for an offline start, install the service worker and send what waits.
 */
export async function startOfflineSession(me: MeResponse): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  try {
    await deviceKey(me.id);
    await saveSnapshot('/api/auth/me', me);
  } catch {
    // No IndexedDB (private mode of some browsers): the app works online only.
    return;
  }
  void registerServiceWorker();
  void flushOutbox();
}

/** Signing out, or a session the server refused: nothing of the user stays on the phone. */
export async function wipeOfflineData(): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  try {
    await clearAll();
  } catch {
    // Nothing was stored.
  }
}

let registering: Promise<unknown> | null = null;
/** The precache (about 2 MB) waits until the first screen has had the connection to itself. */
const REGISTER_DELAY_MS = 3000;

/** The app shell's service worker: only for signed-in users, so the door page never downloads it. */
function registerServiceWorker(): Promise<unknown> {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return Promise.resolve();
  registering ??= new Promise((resolve) => setTimeout(resolve, REGISTER_DELAY_MS))
    .then(() => import('virtual:pwa-register'))
    .then(({ registerSW }) => registerSW({ immediate: true }));
  return registering;
}
