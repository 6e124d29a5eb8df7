import type { Actor, Db } from '../auth/context.js';
import { AppError } from '../core/errors.js';
import type { AccessCodeKind } from '../db/schema.js';
import { findHouseInScope, findLiveHouse } from '../register/repository.js';
import { CODE_NOT_FOUND } from './house-by-token.js';
import { findActiveCode } from './repository.js';
import type { ScannedHouse } from './schema.js';
import { SCAN_PATHS, TOKEN_PATTERN, tokenHash } from './tokens.js';

const KIND_OF_PATH = new Map<string, AccessCodeKind>(
  Object.entries(SCAN_PATHS).map(([kind, segment]) => [segment, kind as AccessCodeKind]),
);
const TOKEN = new RegExp(TOKEN_PATTERN);

/**
 * What a worker's scanner read, if it is one of our codes: the printed address `<base>/h/<token>`
 * (any host: the public address may differ from the one the worker's phone uses; the 128-bit token
 * alone identifies the code), or a bare token typed from the label. Anything else is null.
 */
export function parseScannedCode(text: string): { kind: AccessCodeKind; token: string } | null {
  const trimmed = text.trim();
  if (TOKEN.test(trimmed)) return { kind: 'household', token: trimmed };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const path = url.pathname;
  const [segment, token, ...rest] = path.split('/').filter(Boolean).slice(-2);
  if (rest.length > 0 || !segment || !token || !TOKEN.test(token)) return null;
  const kind = KIND_OF_PATH.get(segment);
  return kind ? { kind, token } : null;
}

const notHousehold = (kind: AccessCodeKind | null) =>
  new AppError(
    'CODE_NOT_HOUSEHOLD',
    400,
    kind
      ? `This is a ${kind.replace('_', '-')} code, not a household door code`
      : 'The scanned text is not a household door code of this system',
    { kind },
  );

/**
 * The house a scanned door code opens for a signed-in worker. Not one of our household codes: 400
 * CODE_NOT_HOUSEHOLD (with the kind when it is a self-report or place code); unknown, revoked or
 * of a retired house: 404 CODE_NOT_FOUND, as on the door page; a house outside the caller's
 * person.read subtrees: 403 HOUSE_OUT_OF_SCOPE with nothing about the house.
 */
export async function resolveScannedCode(db: Db, actor: Actor, text: string): Promise<ScannedHouse> {
  const parsed = parseScannedCode(text);
  if (!parsed) throw notHousehold(null);
  if (parsed.kind !== 'household') throw notHousehold(parsed.kind);
  const code = await findActiveCode(db, 'household', tokenHash(parsed.token));
  if (!code?.house_id) throw CODE_NOT_FOUND();
  const house = await findHouseInScope(db, actor.viewer, 'person.read', code.house_id);
  if (house)
    return {
      houseId: house.id,
      address: house.address,
      area: { id: house.area_id, code: house.area_code, name: house.area_name },
    };
  if (!(await findLiveHouse(db, code.house_id))) throw CODE_NOT_FOUND();
  throw new AppError('HOUSE_OUT_OF_SCOPE', 403, 'This house is not in your area');
}
