import { createHash, randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import { recordAudit } from '../audit/repository.js';
import type { Actor, Db } from './context.js';
import { AppError } from '../core/errors.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import {
  claimMfaStep,
  confirmMfa,
  findMfa,
  replaceRecoveryCodes,
  saveMfaSecret,
  useRecoveryCode,
} from './repository.js';

export type MfaMode = 'required' | 'optional' | 'off';

const ISSUER = 'Gridguard';
const PERIOD_SECONDS = 30;
/** One step either side: phones whose clock is up to 30 s off still work. */
const WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;
/** A pending sign-in (password right, code owed) lives this long. */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;

const RECOVERY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const RECOVERY_LENGTH = 16;

function totp(secret: Secret, username: string): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label: username,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_SECONDS,
    secret,
  });
}

/** 16 characters (80 bits) in groups of four; the same code reads the same without dashes or case. */
function newRecoveryCode(): string {
  let code = '';
  for (let i = 0; i < RECOVERY_LENGTH; i++) code += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return code.match(/.{4}/g)!.join('-');
}

const canonicalRecoveryCode = (code: string) => code.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();

/*
 * 80 random bits need no slow hash: guessing one from its SHA-256 is out of reach, and the user id
 * in the input makes equal codes of two users hash apart. Not keyed with the field cipher's HMAC
 * key, so switching cipher suites cannot orphan the stored codes.
 */
const recoveryHash = (userId: number, code: string) =>
  createHash('sha256')
    .update(`gridguard-recovery:${userId}:${canonicalRecoveryCode(code)}`)
    .digest('hex');

export function mfaOff(): AppError {
  return new AppError('MFA_OFF', 409, 'The second factor is switched off on this server (GRIDGUARD_MFA=off)');
}

/** Starts enrolment: a new secret, as an otpauth:// link, a QR code of it, and the secret for typing in. */
export async function startEnrolment(db: Db, cipher: FieldCipher, actor: Actor, mode: MfaMode) {
  if (mode === 'off') throw mfaOff();
  if (actor.viewer.kind !== 'user') throw new AppError('FORBIDDEN', 403, 'Only users sign in');
  const existing = await findMfa(db, actor.viewer.userId);
  if (existing?.confirmed_at)
    throw new AppError(
      'MFA_ALREADY_ENABLED',
      409,
      'A second factor is already set up; an administrator can reset it',
    );
  const secret = new Secret({ size: 20 });
  await saveMfaSecret(db, actor.viewer.userId, cipher.encrypt(secret.base32), actor.now());
  const uri = totp(secret, actor.viewer.username).toString();
  return {
    secret: secret.base32,
    otpauthUri: uri,
    qrDataUrl: await QRCode.toDataURL(uri, { margin: 1, width: 220 }),
  };
}

/** The step a code belongs to, or null when it is not a current code of the secret. */
function matchingStep(secretBase32: string, username: string, code: string, now: Date): number | null {
  const delta = totp(Secret.fromBase32(secretBase32), username).validate({
    token: code,
    timestamp: now.getTime(),
    window: WINDOW,
  });
  if (delta === null) return null;
  return Math.floor(now.getTime() / 1000 / PERIOD_SECONDS) + delta;
}

/** Confirms enrolment with a first code; returns the recovery codes, shown this once and stored hashed. */
export async function confirmEnrolment(
  db: Db,
  cipher: FieldCipher,
  actor: Actor,
  code: string,
  mode: MfaMode,
) {
  if (mode === 'off') throw mfaOff();
  if (actor.viewer.kind !== 'user') throw new AppError('FORBIDDEN', 403, 'Only users sign in');
  const userId = actor.viewer.userId;
  const mfa = await findMfa(db, userId);
  if (!mfa) throw new AppError('MFA_NOT_STARTED', 409, 'Start the set-up first');
  if (mfa.confirmed_at) throw new AppError('MFA_ALREADY_ENABLED', 409, 'The second factor is already set up');
  const now = actor.now();
  const step = /^\d{6}$/.test(code)
    ? matchingStep(cipher.decrypt(mfa.secret), actor.viewer.username, code, now)
    : null;
  if (step === null)
    throw new AppError(
      'MFA_CODE_INVALID',
      400,
      'The code does not match; check the phone’s time and try the current code',
      [{ field: 'body.code', code: 'mfaCode', message: 'does not match' }],
    );
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await confirmMfa(db, userId, step, now);
  await replaceRecoveryCodes(
    db,
    userId,
    codes.map((c) => recoveryHash(userId, c)),
  );
  await recordAudit(db, actor, {
    action: 'auth.mfa_enrolled',
    entityType: 'user',
    entityId: userId,
    after: { method: 'totp', recoveryCodes: RECOVERY_CODE_COUNT },
  });
  return { recoveryCodes: codes };
}

export type SecondFactorResult =
  { ok: false } | { ok: true; method: 'totp' } | { ok: true; method: 'recovery'; left: number };

/**
 * Checks a sign-in's second factor: a current TOTP code not used before (its step is claimed in one
 * statement, so a replay in the same window fails), or an unused recovery code (used up at once).
 */
export async function checkSecondFactor(
  db: Db,
  cipher: FieldCipher,
  user: { id: number; username: string },
  code: string,
  now: Date,
): Promise<SecondFactorResult> {
  const mfa = await findMfa(db, user.id);
  if (!mfa?.confirmed_at) return { ok: false };
  const trimmed = code.trim();
  if (/^\d{6}$/.test(trimmed)) {
    const step = matchingStep(cipher.decrypt(mfa.secret), user.username, trimmed, now);
    if (step !== null && (await claimMfaStep(db, user.id, step, now))) return { ok: true, method: 'totp' };
    return { ok: false };
  }
  if (canonicalRecoveryCode(trimmed).length !== RECOVERY_LENGTH) return { ok: false };
  const left = await useRecoveryCode(db, user.id, recoveryHash(user.id, trimmed), now);
  return left === null ? { ok: false } : { ok: true, method: 'recovery', left };
}
