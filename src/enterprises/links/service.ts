import type { Actor, Db } from '../../auth/context.js';
import { notFound } from '../../core/errors.js';
import type { AccessCodeKind } from '../../db/schema.js';
import { issueOne } from '../../household-codes/code-service.js';
import { CODE_NOT_FOUND } from '../../household-codes/house-by-token.js';
import { communitiesOf, findActiveCode } from '../../household-codes/repository.js';
import { tokenHash } from '../../household-codes/tokens.js';
import type { FieldCipher } from '../../privacy/field-crypto.js';
import { findUnit, findUnitInScope, type UnitRow } from '../../register/repository.js';
import type { EnterpriseCodes, PublicEnterprise } from './schema.js';

/** The kinds of code an enterprise holds: its own (filing, roster) and its employees' (clearance applications). */
export type EnterpriseCodeKind = Extract<AccessCodeKind, 'enterprise' | 'employee_apply'>;

/**
 * Issues (or re-issues) both codes of an enterprise; re-issuing revokes the old ones at once, so a
 * link passed beyond the firm stops working. Staff who may handle the unit's filings issue them.
 */
export async function issueEnterpriseCodes(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  unitId: number,
  baseUrl: string,
): Promise<EnterpriseCodes> {
  const unit = await findUnitInScope(db, actor.viewer, 'enterprise.manage', unitId);
  if (!unit) throw notFound('UNIT_NOT_FOUND', `Unit ${unitId} does not exist or is outside your area`);
  const target = {
    houseId: null,
    placeId: null,
    unitId: unit.id,
    areaId: unit.area_id,
    areaPath: unit.area_path,
  };
  return {
    enterprise: await issueOne(db, actor, cipher, 'enterprise', target, baseUrl),
    employee: await issueOne(db, actor, cipher, 'employee_apply', target, baseUrl),
  };
}

/**
 * The live unit an enterprise or employee code opens: what every public enterprise route starts
 * from. Unknown, revoked and retired answer alike, as a door code does.
 */
export async function unitByToken(db: Db, kind: EnterpriseCodeKind, token: string): Promise<UnitRow> {
  const code = await findActiveCode(db, kind, tokenHash(token));
  if (!code?.unit_id) throw CODE_NOT_FOUND();
  const unit = await findUnit(db, code.unit_id);
  if (!unit) throw CODE_NOT_FOUND();
  return unit;
}

export async function publicEnterprise(
  db: Db,
  kind: EnterpriseCodeKind,
  token: string,
): Promise<PublicEnterprise> {
  const unit = await unitByToken(db, kind, token);
  const community = (await communitiesOf(db, [unit.area_path])).get(unit.area_path) ?? unit.area_name;
  return { name: unit.name, category: unit.category, community };
}
