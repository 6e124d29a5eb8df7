import { inScope, scopePaths, viewerName } from '../auth/scope.js';
import { type Actor, type Db } from '../auth/context.js';
import { type PageOf, pageWindow } from '../core/pagination.js';
import { AUDIT_ACTIONS, type AuditAction, type EntityType, isOneOf } from '../core/vocabulary.js';
import type { AuditLogTable } from '../db/schema.js';
import { type Selectable, sql } from 'kysely';
import type { AuditQuery } from './schema.js';

export interface AuditEntry {
  /** A closed set (core/vocabulary.ts): a new action is named there, and so must be translated. */
  action: AuditAction;
  entityType: EntityType;
  entityId?: string | number | null;
  areaPath?: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

/** Write one audit entry; call it with the same transaction as the change it records. */
export async function recordAudit(db: Db, actor: Actor, entry: AuditEntry): Promise<void> {
  await recordAuditMany(db, actor, [entry]);
}

export async function recordAuditMany(db: Db, actor: Actor, entries: AuditEntry[]): Promise<void> {
  const viewer = actor.viewer;
  await insertAudit(
    db,
    {
      userId: viewer.kind === 'user' ? viewer.userId : null,
      tokenId: viewer.kind === 'token' ? viewer.tokenId : null,
      name: viewerName(viewer),
      ip: actor.ip,
      at: actor.now(),
    },
    entries,
  );
}

/** For events before anyone is signed in (a failed login): the actor is only a claimed name. */
export async function recordAnonymousAudit(
  db: Db,
  who: { name: string; userId: number | null; ip: string | null; at: Date },
  entry: AuditEntry,
): Promise<void> {
  await insertAudit(db, { ...who, tokenId: null }, [entry]);
}

async function insertAudit(
  db: Db,
  who: { userId: number | null; tokenId: number | null; name: string; ip: string | null; at: Date },
  entries: AuditEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('audit_log')
    .values(
      entries.map((entry) => ({
        at: who.at,
        actor_user_id: who.userId,
        actor_token_id: who.tokenId,
        actor_name: who.name,
        ip: who.ip,
        action: entry.action,
        entity_type: entry.entityType,
        entity_id: entry.entityId == null ? null : String(entry.entityId),
        area_path: entry.areaPath ?? null,
        before: entry.before === undefined ? null : JSON.stringify(entry.before),
        after: entry.after === undefined ? null : JSON.stringify(entry.after),
        reason: entry.reason ?? null,
      })),
    )
    .execute();
}

/** Entries about records in the viewer's audit scope; system-wide entries (no area) only for root admins. */
export async function listAudit(
  db: Db,
  actor: Actor,
  query: AuditQuery,
): Promise<PageOf<Selectable<AuditLogTable>>> {
  const { page, pageSize, offset } = pageWindow(query);
  let base = db.selectFrom('audit_log').where((eb) => {
    const viewer = actor.viewer;
    const scoped = inScope(viewer, 'audit.read', 'audit_log.area_path');
    const ownEntries =
      viewer.kind === 'user' ? eb('audit_log.actor_user_id', '=', viewer.userId) : eb.lit(false);
    // Entries with no area (logins, system settings) belong to whoever audits a whole tree.
    const seesSystem = scopePaths(viewer, 'audit.read').some((p) => /^\/\d+\/$/.test(p));
    return eb.or([scoped, ownEntries, ...(seesSystem ? [eb('audit_log.area_path', 'is', null)] : [])]);
  });
  // A whole action matches itself only ("person.import" is not "person.import.rejects"); a stem
  // ("person.") matches the actions under it.
  if (query.action)
    base = isOneOf(AUDIT_ACTIONS, query.action)
      ? base.where('action', '=', query.action)
      : base.where(sql.ref<string>('action'), 'like', `${query.action}%`);
  if (query.entityType) base = base.where('entity_type', '=', query.entityType);
  if (query.entityId) base = base.where('entity_id', '=', query.entityId);
  if (query.actor) base = base.where('actor_name', '=', query.actor);
  if (query.from) base = base.where('at', '>=', new Date(query.from));
  if (query.to) base = base.where('at', '<', new Date(query.to));
  const [items, count] = await Promise.all([
    base.selectAll().orderBy('id', 'desc').limit(pageSize).offset(offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, page, pageSize, total: Number(count.n) };
}
