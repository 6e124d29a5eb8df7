import { createHash, randomBytes } from 'node:crypto';
import type { AccessCodeKind } from '../db/schema.js';

/**
 * Code tokens are 128 random bits (22 base64url characters): nothing about the house is in
 * them, so they cannot be guessed or forged, and they stay valid across key rotations.
 * The database keeps their SHA-256 to find them (a plain hash suffices at 128 bits of entropy)
 * and an encrypted copy so a label can be printed again without revoking the one on the door.
 */
export const TOKEN_PATTERN = '^[A-Za-z0-9_-]{22}$';

export function newToken(): string {
  return randomBytes(16).toString('base64url');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** Web paths the printed QR codes open (pages of the web app, which call /api/public/...). */
export const SCAN_PATHS: Readonly<Record<AccessCodeKind, string>> = {
  household: 'h',
  self_report: 'r',
  place: 'p',
  enterprise: 'c',
  employee_apply: 'j',
};

export function scanUrl(baseUrl: string, kind: AccessCodeKind, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${SCAN_PATHS[kind]}/${token}`;
}
