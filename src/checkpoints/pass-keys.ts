import { randomBytes } from 'node:crypto';
import { recordAudit } from '../audit/repository.js';
import type { Actor, Db } from '../auth/context.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { generatePassKeyPair, type PassJwk, type PassPublicKey } from './pass-token.js';
import * as repo from './pass-repository.js';

/**
 * The keys passes are signed with. The active key lives in the database (private half sealed with
 * the field cipher) so every app node signs alike; it is made on first need. A retired key stays
 * published while a pass signed before its retirement can still be valid.
 */

export interface SigningKey {
  kid: string;
  privateJwk: PassJwk;
}

const newKid = () => `k${randomBytes(9).toString('base64url')}`;

async function insertNewKey(db: Db, cipher: FieldCipher, now: Date): Promise<string | null> {
  const { publicJwk, privateJwk } = await generatePassKeyPair();
  const kid = newKid();
  const inserted = await repo.insertSigningKeyIfNoneActive(db, {
    kid,
    public_jwk: JSON.stringify(publicJwk),
    private_secret: cipher.encrypt(JSON.stringify(privateJwk)),
    created_at: now,
  });
  return inserted ? kid : null;
}

function unseal(cipher: FieldCipher, row: { kid: string; private_secret: string }): SigningKey {
  return { kid: row.kid, privateJwk: JSON.parse(cipher.decrypt(row.private_secret)) as PassJwk };
}

/**
 * The active signing key, created when there is none. Two nodes creating at once: the unique index
 * on the active key lets one insert win, and both then sign with the winner's key.
 */
export async function activeSigningKey(db: Db, actor: Actor, cipher: FieldCipher): Promise<SigningKey> {
  const existing = await repo.findActiveSigningKey(db);
  if (existing) return unseal(cipher, existing);
  const kid = await insertNewKey(db, cipher, actor.now());
  if (kid)
    await recordAudit(db, actor, {
      action: 'pass.key_create',
      entityType: 'pass_signing_key',
      entityId: kid,
    });
  const active = await repo.findActiveSigningKey(db);
  if (!active) throw new Error('No active pass signing key after creating one');
  return unseal(cipher, active);
}

/** Retires the active key and makes a new one (call inside a transaction); returns the new kid. */
export async function rotateSigningKey(db: Db, actor: Actor, cipher: FieldCipher): Promise<string> {
  const now = actor.now();
  const retired = await repo.retireActiveSigningKey(db, now);
  const kid = await insertNewKey(db, cipher, now);
  if (!kid) throw new Error('Another node rotated the pass signing key at the same time');
  await recordAudit(db, actor, {
    action: 'pass.key_rotate',
    entityType: 'pass_signing_key',
    entityId: kid,
    before: retired ? { kid: retired } : null,
  });
  return kid;
}

/** The public keys a gate phone needs: the active one and every retired one whose passes may still be valid. */
export async function publishedKeys(db: Db, now: Date): Promise<PassPublicKey[]> {
  const rows = await repo.publishedSigningKeys(db, now);
  return rows.map((row) => {
    const { kty, crv, x, y } = row.public_jwk as unknown as PassJwk;
    return { kid: row.kid, jwk: { kty, crv, x, y } };
  });
}
