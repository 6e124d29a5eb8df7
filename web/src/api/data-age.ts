// How old the data on screen may be: the server marks answers read from a read replica that lags
// beyond its bound with X-Gridguard-Data-Age (seconds). Kept per API path, so the next answer of the
// same page without the header clears its notice; a path not asked again for a while stops counting.
import { useSyncExternalStore } from 'react';

export const DATA_AGE_HEADER = 'x-gridguard-data-age';
/** A lagging answer older than this no longer speaks for what is on screen. */
const FORGET_AFTER_MS = 2 * 60_000;

const ages = new Map<string, { seconds: number; at: number }>();
const listeners = new Set<() => void>();
let snapshot: number | null = null;

function recompute(now: number): void {
  let oldest: number | null = null;
  for (const [path, entry] of ages) {
    if (now - entry.at > FORGET_AFTER_MS) ages.delete(path);
    else oldest = Math.max(oldest ?? 0, entry.seconds);
  }
  if (oldest === snapshot) return;
  snapshot = oldest;
  for (const listener of listeners) listener();
}

/** Every API answer passes here (the transport in client.ts). */
export function noteDataAge(method: string, url: string, headers: Headers, now = Date.now()): void {
  if (method !== 'GET') return;
  const path = new URL(url || '/', 'http://x').pathname;
  const raw = headers.get(DATA_AGE_HEADER);
  const seconds = raw === null ? NaN : Number(raw);
  if (Number.isFinite(seconds) && seconds > 0) ages.set(path, { seconds: Math.round(seconds), at: now });
  else if (!ages.has(path)) return;
  else ages.delete(path);
  recompute(now);
}

/** The largest lag any page on screen was answered with, or null when all data is current. */
export function dataAge(): number | null {
  return snapshot;
}

export function clearDataAges(): void {
  ages.clear();
  recompute(Date.now());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useDataAge(): number | null {
  return useSyncExternalStore(subscribe, dataAge, dataAge);
}
