import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Selectable } from 'kysely';
import { errors } from '../core/schemas.js';
import type { AuditLogTable } from '../db/schema.js';
import { listAudit } from './repository.js';
import { AuditPage, AuditQuery, type AuditEntryView } from './schema.js';

function presentAuditEntry(row: Selectable<AuditLogTable>): AuditEntryView {
  return {
    id: Number(row.id),
    at: row.at.toISOString(),
    actor: row.actor_name,
    ip: row.ip,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    before: row.before,
    after: row.after,
    reason: row.reason,
  };
}

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/audit',
    {
      schema: {
        operationId: 'listAudit',
        tags: ['audit'],
        summary: 'Audit log entries in the caller’s scope, newest first',
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errors(400, 401, 403) },
      },
      preHandler: app.requireRight('audit.read'),
    },
    async (request) => {
      const page = await listAudit(app.db, request.actor(), request.query);
      return { ...page, items: page.items.map(presentAuditEntry) };
    },
  );
};
