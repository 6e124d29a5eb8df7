import { recordAudit } from '../../audit/repository.js';
import { can, isStaffAt } from '../../auth/scope.js';
import type { Actor, Db } from '../../auth/context.js';
import { conflict, invalid, notFound } from '../../core/errors.js';
import type { PageOf } from '../../core/pagination.js';
import type { Updateable } from 'kysely';
import type { ServiceResourcesTable } from '../../db/schema.js';
import { findAreaInScope } from '../../hierarchy/repository.js';
import { checkedOptionalText, checkedText } from '../../household-codes/validation.js';
import type { FieldCipher } from '../../privacy/field-crypto.js';
import { protectPhone } from '../../privacy/protect.js';
import { checkedPhone } from '../../register/person-service.js';
import * as repo from './repository.js';
import type {
  CreateResourceBody,
  ResourceQuery,
  ResourceView,
  ThreeLists,
  UpdateResourceBody,
} from './schema.js';

/** Lists are kept per community: at a village or an area above it, never at a grid. */
const LIST_LEVELS = new Set(['village', 'township', 'county', 'city']);
const TOP_ENTRIES = 5;

const RESOURCE_NOT_FOUND = (id: number) =>
  notFound('RESOURCE_NOT_FOUND', `List entry ${id} does not exist or is outside your area`);
const AREA_NOT_FOUND = (field: string, id: number) =>
  notFound('AREA_NOT_FOUND', `${field}: area ${id} does not exist or is outside your area`);

export function presentResource(row: repo.ResourceRow): ResourceView {
  return {
    id: row.id,
    list: row.list,
    kind: row.kind,
    name: row.name,
    area: { id: row.area_id, code: row.area_code, name: row.area_name, level: row.area_level },
    contactName: row.contact_name,
    phoneMasked: row.phone_masked,
    address: row.address,
    details: row.details,
    retiredAt: row.retired_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function phoneColumns(cipher: FieldCipher, phone: string | null | undefined) {
  const checked = checkedPhone(phone, 'body.phone');
  if (checked === null) return { phone_secret: null, phone_masked: null };
  const { encrypted, masked } = protectPhone(cipher, checked);
  return { phone_secret: encrypted, phone_masked: masked };
}

const optional = (value: string | null | undefined, field: string) =>
  value === null ? null : checkedOptionalText(value, field);

export async function createResource(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  body: CreateResourceBody,
): Promise<ResourceView> {
  const area = await findAreaInScope(db, actor.viewer, 'service.manage', body.areaId);
  if (!area) throw AREA_NOT_FOUND('areaId', body.areaId);
  if (!LIST_LEVELS.has(area.level))
    throw invalid(
      'AREA_LEVEL_INVALID',
      `areaId: lists are kept per community; area ${area.id} is a ${area.level}`,
      [
        {
          field: 'body.areaId',
          code: 'wrongLevel',
          message: 'must be a village (community) or an area above it',
        },
      ],
    );
  if (area.retired_at) throw conflict('AREA_RETIRED', `areaId: area ${area.id} is retired`);
  const now = actor.now();
  const id = await repo.insertResource(db, {
    area_id: area.id,
    area_path: area.path,
    list: body.list,
    kind: body.kind,
    name: checkedText(body.name, 'body.name'),
    contact_name: optional(body.contactName, 'body.contactName'),
    ...phoneColumns(cipher, body.phone),
    address: optional(body.address, 'body.address'),
    details: optional(body.details, 'body.details'),
    created_at: now,
    updated_at: now,
  });
  const row = await repo.findResource(db, id);
  await recordAudit(db, actor, {
    action: 'service_resource.create',
    entityType: 'service_resource',
    entityId: id,
    areaPath: area.path,
    after: presentResource(row),
  });
  return presentResource(row);
}

export async function updateResource(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  id: number,
  body: UpdateResourceBody,
): Promise<ResourceView> {
  const row = await repo.findManageable(db, actor.viewer, id);
  if (!row) throw RESOURCE_NOT_FOUND(id);
  if (row.retired_at) throw conflict('RESOURCE_RETIRED', `List entry ${id} is retired`);
  const changes: Updateable<ServiceResourcesTable> = { updated_at: actor.now() };
  if (body.kind !== undefined) changes.kind = body.kind;
  if (body.name !== undefined) changes.name = checkedText(body.name, 'body.name');
  if (body.contactName !== undefined) changes.contact_name = optional(body.contactName, 'body.contactName');
  if (body.phone !== undefined) Object.assign(changes, phoneColumns(cipher, body.phone));
  if (body.address !== undefined) changes.address = optional(body.address, 'body.address');
  if (body.details !== undefined) changes.details = optional(body.details, 'body.details');
  await repo.updateResource(db, id, changes);
  const after = await repo.findResource(db, id);
  await recordAudit(db, actor, {
    action: 'service_resource.update',
    entityType: 'service_resource',
    entityId: id,
    areaPath: row.area_path,
    before: presentResource(row),
    after: presentResource(after),
  });
  return presentResource(after);
}

export async function retireResource(db: Db, actor: Actor, id: number): Promise<ResourceView> {
  const row = await repo.findManageable(db, actor.viewer, id);
  if (!row) throw RESOURCE_NOT_FOUND(id);
  if (row.retired_at) throw conflict('RESOURCE_RETIRED', `List entry ${id} is already retired`);
  await repo.updateResource(db, id, { retired_at: actor.now(), updated_at: actor.now() });
  await recordAudit(db, actor, {
    action: 'service_resource.retire',
    entityType: 'service_resource',
    entityId: id,
    areaPath: row.area_path,
    before: { name: row.name },
  });
  return presentResource(await repo.findResource(db, id));
}

export async function getResource(db: Db, actor: Actor, id: number): Promise<ResourceView> {
  const row = await repo.findReadable(db, actor.viewer, id);
  if (!row) throw RESOURCE_NOT_FOUND(id);
  return presentResource(row);
}

async function servingPath(db: Db, actor: Actor, areaId: number | undefined) {
  if (areaId === undefined) return undefined;
  const area = await findAreaInScope(db, actor.viewer, 'service.handle', areaId);
  if (!area) throw AREA_NOT_FOUND('areaId', areaId);
  return area.path;
}

export async function listResources(
  db: Db,
  actor: Actor,
  query: ResourceQuery,
): Promise<PageOf<ResourceView>> {
  const page = await repo.listResources(db, actor.viewer, {
    list: query.list,
    kind: query.kind,
    servingPath: await servingPath(db, actor, query.areaId),
    q: query.q?.trim() || undefined,
    includeRetired: query.includeRetired,
    page: query.page,
    pageSize: query.pageSize,
  });
  return { ...page, items: page.items.map(presentResource) };
}

/**
 * The three lists of an area (三张清单): problems (open resident requests and open events),
 * resources and services, each counted with its top entries.
 */
export async function threeLists(db: Db, actor: Actor, areaId: number): Promise<ThreeLists> {
  const area = await findAreaInScope(db, actor.viewer, 'service.handle', areaId);
  if (!area || !isStaffAt(actor.viewer, area.path)) throw AREA_NOT_FOUND('id', areaId);
  const seesEvents = can(actor.viewer, 'event.read', area.path);
  const list = async (name: 'resource' | 'service') => {
    const filter = { list: name, servingPath: area.path, page: 1, pageSize: TOP_ENTRIES };
    const [page, byKind] = await Promise.all([
      repo.listResources(db, actor.viewer, filter),
      repo.countsByKind(db, actor.viewer, filter),
    ]);
    return { total: page.total, byKind, top: page.items.map(presentResource) };
  };
  const [requests, topRequests, events, topEvents, resources, services] = await Promise.all([
    repo.requestFigures(db, area.path),
    repo.topRequests(db, area.path, TOP_ENTRIES),
    repo.eventFigures(db, area.path, actor.now()),
    seesEvents ? repo.topEvents(db, area.path, TOP_ENTRIES) : Promise.resolve([]),
    list('resource'),
    list('service'),
  ]);
  return {
    area: { id: area.id, code: area.code, name: area.name, level: area.level },
    problems: {
      openRequests: requests.open,
      urgentRequests: requests.urgent,
      unassignedRequests: requests.unassigned,
      openEvents: events.open,
      overdueEvents: events.overdue,
      requestsByKind: requests.byKind,
      topRequests: topRequests.map((r) => ({
        id: r.id,
        code: r.code,
        kind: r.kind,
        urgency: r.urgency,
        status: r.status,
        address: r.address,
        volunteer: r.display_name,
        createdAt: r.created_at.toISOString(),
      })),
      topEvents: topEvents.map((e) => ({
        id: e.id,
        code: e.code,
        title: e.title,
        status: e.status,
        deadline: e.step_deadline?.toISOString() ?? null,
        createdAt: e.created_at.toISOString(),
      })),
    },
    resources: await resources,
    services: await services,
  };
}
