import type { Db } from '../auth/context.js';
import { notFound } from '../core/errors.js';
import { findLiveHouse } from '../register/repository.js';
import { findActiveCode } from './repository.js';
import { tokenHash } from './tokens.js';

/** The same answer for unknown, revoked and retired codes, as on the door page: a scanner learns nothing else. */
export const CODE_NOT_FOUND = () =>
  notFound('CODE_NOT_FOUND', 'This code is unknown or no longer valid (二维码无效或已停用)');

/** The house a door code (一户一码) opens; what every public household route starts from. */
export async function houseByToken(db: Db, token: string) {
  const code = await findActiveCode(db, 'household', tokenHash(token));
  if (!code?.house_id) throw CODE_NOT_FOUND();
  const house = await findLiveHouse(db, code.house_id);
  if (!house) throw CODE_NOT_FOUND();
  return house;
}
export type TokenHouse = Awaited<ReturnType<typeof houseByToken>>;
