// What a gate phone keeps to verify passes (通行证) with no network: the public signing keys, the ids of
// revoked passes of its area and its checkpoints, synced when online (incrementally after the first
// time) and kept sealed in the offline store. Verification itself is pure WebCrypto: the same
// verifyPassToken the server's tests use.
import {
  type PassPublicKey,
  type PassVerification,
  verifyPassToken,
} from '../../../src/checkpoints/pass-token';
import { api, call } from '../api/client';
import type { PassVerificationMaterial } from '../api/model';
import { offlineDb, seal, storedKey, unseal } from '../offline/store';

/** The snapshot key the material is kept under (not an API path: the snapshot middleware never serves it). */
const STORE_KEY = 'pass-verification';

export interface PassMaterial {
  /** Server time of the last sync: the next sync asks only for what changed since. */
  syncedAt: string;
  /** When this phone last synced, by its own clock. */
  savedAt: number;
  keys: PassPublicKey[];
  revoked: Array<{ id: number; revokedAt: string }>;
  checkpoints: PassVerificationMaterial['checkpoints'];
}

/** The kept material, or null (never synced on this phone, signed out since, or older than a day). */
export async function loadPassMaterial(): Promise<PassMaterial | null> {
  const key = await storedKey();
  if (!key) return null;
  const record = await (await offlineDb()).get('snapshots', STORE_KEY);
  if (!record) return null;
  try {
    return await unseal<PassMaterial>(key, record.sealed);
  } catch {
    return null;
  }
}

async function savePassMaterial(material: PassMaterial): Promise<void> {
  const key = await storedKey();
  if (!key) return;
  await (
    await offlineDb()
  ).put('snapshots', {
    url: STORE_KEY,
    savedAt: material.savedAt,
    sealed: await seal(key, material),
  });
}

/** Revocations newer than the kept ones are added; those of passes now expired drop off at the next full sync. */
export function mergeMaterial(
  kept: PassMaterial | null,
  fresh: PassVerificationMaterial,
  now: number,
): PassMaterial {
  const revoked = new Map((kept?.revoked ?? []).map((r) => [r.id, r]));
  for (const r of fresh.revoked) revoked.set(r.id, r);
  return {
    syncedAt: fresh.syncedAt,
    savedAt: now,
    keys: fresh.keys,
    revoked: [...revoked.values()],
    checkpoints: fresh.checkpoints,
  };
}

/**
 * Fetches what changed since the last sync and keeps it. Throws when the server cannot be reached
 * (the caller goes on with the kept material).
 */
export async function syncPassMaterial(): Promise<PassMaterial> {
  const kept = await loadPassMaterial();
  const fresh = await call(
    api.GET('/api/passes/verification', { params: { query: kept ? { since: kept.syncedAt } : {} } }),
  );
  const material = mergeMaterial(kept, fresh, Date.now());
  try {
    await savePassMaterial(material);
  } catch {
    // Private mode or full storage: this page verifies all the same until it is closed.
  }
  return material;
}

/** Verifies a scanned pass against the kept material by this phone's clock, at a checkpoint if one is chosen. */
export function verifyOffline(
  text: string,
  material: PassMaterial,
  checkpointId?: number,
  now = Date.now(),
): Promise<PassVerification> {
  const checkpoint = material.checkpoints.find((c) => c.id === checkpointId);
  return verifyPassToken(text, material.keys, {
    now: Math.floor(now / 1000),
    revoked: new Set(material.revoked.map((r) => r.id)),
    ...(checkpoint ? { checkpoint: { id: checkpoint.id, areaPath: checkpoint.areaPath } } : {}),
  });
}
