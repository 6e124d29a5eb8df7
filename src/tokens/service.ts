import { recordAudit } from '../audit/repository.js';
import { createApiToken } from '../auth/repository.js';
import { can } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import { forbidden, notFound } from '../core/errors.js';
import { findAreaInScope } from '../hierarchy/repository.js';
import { findTokenInScope, getTokenInScope, listTokensInScope, markTokenRevoked } from './repository.js';
import type { CreateTokenBody, TokenView } from './schema.js';

type TokenRow = Awaited<ReturnType<typeof getTokenInScope>>;

const present = (row: TokenRow): TokenView => ({
  id: row.id,
  name: row.name,
  capability: row.capability,
  area: { id: row.area_id, code: row.code, name: row.area_name },
  createdAt: row.created_at.toISOString(),
  lastUsedAt: row.last_used_at?.toISOString() ?? null,
  revoked: row.revoked_at !== null,
});

export async function listTokens(db: Db, actor: Actor): Promise<TokenView[]> {
  return (await listTokensInScope(db, actor.viewer)).map(present);
}

/** Issues a token for a data feed, device or Open311 client, bound to an area of the caller's scope. */
export async function createToken(
  db: Db,
  actor: Actor,
  body: CreateTokenBody,
): Promise<TokenView & { token: string }> {
  const area = await findAreaInScope(db, actor.viewer, 'area.read', body.areaId);
  if (!area)
    throw notFound(
      'AREA_NOT_FOUND',
      `body.areaId: area ${body.areaId} does not exist or is outside your area`,
    );
  if (!can(actor.viewer, 'token.manage', area.path))
    throw forbidden('You may not issue API tokens for this area');
  const created = await createApiToken(db, {
    name: body.name.trim(),
    areaId: area.id,
    capability: body.capability,
    createdBy: actor.viewer.kind === 'user' ? actor.viewer.userId : null,
  });
  await recordAudit(db, actor, {
    action: 'token.create',
    entityType: 'api_token',
    entityId: created.id,
    areaPath: area.path,
    after: { name: body.name, capability: body.capability },
  });
  const row = await getTokenInScope(db, actor.viewer, created.id);
  return { ...present(row), token: created.token };
}

export async function revokeToken(db: Db, actor: Actor, id: number): Promise<void> {
  const row = await findTokenInScope(db, actor.viewer, id);
  if (!row) throw notFound('TOKEN_NOT_FOUND', `API token ${id} does not exist or is outside your area`);
  if (row.revoked_at) return;
  await markTokenRevoked(db, id, actor.now());
  await recordAudit(db, actor, {
    action: 'token.revoke',
    entityType: 'api_token',
    entityId: id,
    areaPath: row.path,
    before: { name: row.name },
  });
}
