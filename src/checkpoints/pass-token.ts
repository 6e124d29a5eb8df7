// The pass (通行证) as its QR code carries it, signed so a gate phone can verify it with no network:
// "GGP1.<payload>.<signature>", both base64url; the signature is ECDSA P-256 / SHA-256 over the
// text "GGP1.<payload>". WebCrypto only, so the same file verifies on the server and in the browser.
// The payload holds masked identity only: a photographed pass reveals no more than the gate screen.

export const PASS_TOKEN_PREFIX = 'GGP1';
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNATURE = { name: 'ECDSA', hash: 'SHA-256' } as const;
/** A gate phone's clock may run a little behind or ahead of the server's. */
export const PASS_CLOCK_SKEW_SECONDS = 120;

export interface PassPayload {
  /** Format version. */
  v: 1;
  /** Which signing key (pass_signing_keys.kid). */
  kid: string;
  /** The pass's id (revocation lists name ids). */
  pid: number;
  /** The printed pass number. */
  code: string;
  /** Holder's name and ID number, masked. */
  name: string;
  doc: string;
  /** Purpose as the issuer wrote it. */
  purpose: string;
  /** Checkpoints the pass opens; empty = every checkpoint of `area`. */
  cps: number[];
  /** Area path the pass belongs to. */
  area: string;
  /** Valid from / to, seconds since the epoch. */
  nbf: number;
  exp: number;
}

export type PassTokenProblem =
  /** Not a pass at all, or damaged. */
  | 'PASS_MALFORMED'
  /** Signed by no key this gate knows. */
  | 'PASS_UNKNOWN_KEY'
  /** The signature does not match: forged or altered. */
  | 'PASS_FORGED'
  | 'PASS_NOT_YET_VALID'
  | 'PASS_EXPIRED'
  | 'PASS_REVOKED'
  /** Valid, but not for this checkpoint. */
  | 'PASS_WRONG_CHECKPOINT';

export type PassVerification =
  | { ok: true; payload: PassPayload }
  /** A payload is given when the signature held (so the screen can say whose pass was refused). */
  | { ok: false; problem: PassTokenProblem; payload?: PassPayload };

/** An ECDSA P-256 key as JWK: the public half (x, y) or the private one (with d). */
export interface PassJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  d?: string;
  ext?: boolean;
  key_ops?: string[];
}

export interface PassPublicKey {
  kid: string;
  jwk: PassJwk;
}

export interface PassCheckContext {
  /** Seconds since the epoch. */
  now: number;
  /** Ids of revoked passes (from the server, or the list a phone synced). */
  revoked: ReadonlySet<number>;
  /** The checkpoint verifying, with the area path it sits in; omitted = any checkpoint. */
  checkpoint?: { id: number; areaPath: string };
}

const encoder = new TextEncoder();

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  try {
    const binary = atob(padded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

/** A new signing key pair, both halves as JWK (the private half is sealed before it is stored). */
export async function generatePassKeyPair(): Promise<{ publicJwk: PassJwk; privateJwk: PassJwk }> {
  const pair = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  return {
    publicJwk: (await crypto.subtle.exportKey('jwk', pair.publicKey)) as PassJwk,
    privateJwk: (await crypto.subtle.exportKey('jwk', pair.privateKey)) as PassJwk,
  };
}

/** Signs a payload into the text a pass QR code holds. */
export async function signPassToken(payload: PassPayload, privateJwk: PassJwk): Promise<string> {
  const key = await crypto.subtle.importKey('jwk', privateJwk, ALGORITHM, false, ['sign']);
  const body = `${PASS_TOKEN_PREFIX}.${toBase64Url(encoder.encode(JSON.stringify(payload)))}`;
  const signature = new Uint8Array(await crypto.subtle.sign(SIGNATURE, key, encoder.encode(body)));
  return `${body}.${toBase64Url(signature)}`;
}

/** Whether a text looks like a pass at all (before any key is at hand): a scanner's first sort. */
export function isPassToken(text: string): boolean {
  return text.startsWith(`${PASS_TOKEN_PREFIX}.`);
}

function parsePayload(bytes: Uint8Array): PassPayload | null {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const p = value as Record<string, unknown>;
  const isText = (x: unknown, max: number) => typeof x === 'string' && x.length <= max;
  const isSeconds = (x: unknown) => Number.isSafeInteger(x) && (x as number) > 0;
  if (
    p.v !== 1 ||
    !isText(p.kid, 64) ||
    !Number.isSafeInteger(p.pid) ||
    (p.pid as number) <= 0 ||
    !isText(p.code, 40) ||
    !isText(p.name, 40) ||
    !isText(p.doc, 40) ||
    !isText(p.purpose, 200) ||
    !isText(p.area, 400) ||
    !isSeconds(p.nbf) ||
    !isSeconds(p.exp) ||
    !Array.isArray(p.cps) ||
    !p.cps.every((id) => Number.isSafeInteger(id) && (id as number) > 0)
  )
    return null;
  return p as unknown as PassPayload;
}

/**
 * Verifies a scanned pass: format, key, signature, validity window (with clock skew), revocation and,
 * when a checkpoint is given, that the pass opens it. Never throws on bad input.
 */
export async function verifyPassToken(
  token: string,
  keys: readonly PassPublicKey[],
  context: PassCheckContext,
): Promise<PassVerification> {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts[0] !== PASS_TOKEN_PREFIX || token.length > 2000)
    return { ok: false, problem: 'PASS_MALFORMED' };
  const payloadBytes = fromBase64Url(parts[1]!);
  const signature = fromBase64Url(parts[2]!);
  if (!payloadBytes || !signature || signature.length !== 64) return { ok: false, problem: 'PASS_MALFORMED' };
  const payload = parsePayload(payloadBytes);
  if (!payload) return { ok: false, problem: 'PASS_MALFORMED' };
  const known = keys.find((key) => key.kid === payload.kid);
  if (!known) return { ok: false, problem: 'PASS_UNKNOWN_KEY' };
  let valid: boolean;
  try {
    const key = await crypto.subtle.importKey('jwk', known.jwk, ALGORITHM, false, ['verify']);
    valid = await crypto.subtle.verify(SIGNATURE, key, signature, encoder.encode(`${parts[0]}.${parts[1]}`));
  } catch {
    valid = false; // a damaged key is no key
  }
  if (!valid) return { ok: false, problem: 'PASS_FORGED' };
  if (context.revoked.has(payload.pid)) return { ok: false, problem: 'PASS_REVOKED', payload };
  if (context.now + PASS_CLOCK_SKEW_SECONDS < payload.nbf)
    return { ok: false, problem: 'PASS_NOT_YET_VALID', payload };
  if (context.now - PASS_CLOCK_SKEW_SECONDS > payload.exp)
    return { ok: false, problem: 'PASS_EXPIRED', payload };
  const checkpoint = context.checkpoint;
  if (checkpoint) {
    const opens =
      payload.cps.length > 0
        ? payload.cps.includes(checkpoint.id)
        : // Area paths end in "/": a gate inside the pass's area, or guarding the area around it.
          checkpoint.areaPath.startsWith(payload.area) || payload.area.startsWith(checkpoint.areaPath);
    if (!opens) return { ok: false, problem: 'PASS_WRONG_CHECKPOINT', payload };
  }
  return { ok: true, payload };
}
