import { recordAudit } from '../audit/repository.js';
import type { Actor, Db } from '../auth/context.js';
import { conflict, invalid, notFound } from '../core/errors.js';
import type { PageOf } from '../core/pagination.js';
import { findAreaInScope } from '../hierarchy/repository.js';
import { checkedText } from '../household-codes/validation.js';
import type { Locale } from '../i18n/locale.js';
import { announcementKindName } from '../i18n/messages.js';
import { notificationText } from '../i18n/notifications.js';
import { notifyInTheirLanguage } from '../notifications/notify.js';
import { houseByToken } from '../household-codes/house-by-token.js';
import * as repo from './repository.js';
import {
  type AnnouncementQuery,
  type AnnouncementView,
  type CreateAnnouncementBody,
  type PublicAnnouncementList,
  type PublicReadReceipt,
  type ReadsReport,
  type UpdateAnnouncementBody,
} from './schema.js';

const PUBLIC_LIST_LIMIT = 50;
const ANNOUNCEMENT_NOT_FOUND = (id: number) =>
  notFound('ANNOUNCEMENT_NOT_FOUND', `Announcement ${id} does not exist or is outside your area`);

export function presentAnnouncement(row: repo.AnnouncementRow, now: Date): AnnouncementView {
  return {
    id: row.id,
    area: { id: row.area_id, code: row.area_code, name: row.area_name, level: row.area_level },
    kind: row.kind,
    title: row.title,
    body: row.body,
    tags: row.tags,
    status: row.status,
    expired: row.expires_at !== null && row.expires_at.getTime() <= now.getTime(),
    publishedAt: row.published_at?.toISOString() ?? null,
    expiresAt: row.expires_at?.toISOString() ?? null,
    createdBy: row.created_by_name,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function checkedExpiry(value: string | null | undefined, now: Date): Date | null | undefined {
  if (value === undefined || value === null) return value;
  const at = new Date(value);
  if (at.getTime() <= now.getTime())
    throw invalid('VALIDATION_FAILED', 'body.expiresAt must be in the future', [
      { field: 'body.expiresAt', code: 'mustBeFuture', message: 'must be in the future' },
    ]);
  return at;
}

/** The body may run over several lines; only blank bodies and control characters other than line breaks are refused. */
function checkedBody(value: string): string {
  const trimmed = value.trim();
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (trimmed === '' || /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(trimmed))
    throw invalid('VALIDATION_FAILED', 'body.body must not be blank or contain control characters', [
      {
        field: 'body.body',
        code: trimmed === '' ? 'blank' : 'controlChars',
        message: 'must not be blank or contain control characters',
      },
    ]);
  return trimmed;
}

const auditView = (row: repo.AnnouncementRow) => ({
  kind: row.kind,
  title: row.title,
  tags: row.tags,
  status: row.status,
  expiresAt: row.expires_at?.toISOString() ?? null,
});

export async function createAnnouncement(
  db: Db,
  actor: Actor,
  body: CreateAnnouncementBody,
): Promise<AnnouncementView> {
  const area = await findAreaInScope(db, actor.viewer, 'announcement.write', body.areaId);
  if (!area)
    throw notFound('AREA_NOT_FOUND', `areaId: area ${body.areaId} does not exist or is outside your area`);
  if (area.retired_at) throw conflict('AREA_RETIRED', `areaId: area ${area.id} is retired`);
  const now = actor.now();
  const id = await repo.insertAnnouncement(db, {
    area_id: area.id,
    area_path: area.path,
    kind: body.kind,
    title: checkedText(body.title, 'body.title'),
    body: checkedBody(body.body),
    tags: body.tags ?? [],
    status: 'draft',
    expires_at: checkedExpiry(body.expiresAt, now) ?? null,
    created_by: actor.viewer.kind === 'user' ? actor.viewer.userId : null,
    created_at: now,
    updated_at: now,
  });
  const row = await repo.findAnnouncement(db, id);
  await recordAudit(db, actor, {
    action: 'announcement.create',
    entityType: 'announcement',
    entityId: id,
    areaPath: area.path,
    after: auditView(row),
  });
  return presentAnnouncement(row, now);
}

async function writable(db: Db, actor: Actor, id: number) {
  const row = await repo.findWritable(db, actor.viewer, id);
  if (!row) throw ANNOUNCEMENT_NOT_FOUND(id);
  return row;
}

function statusConflict(row: { id: number; status: string }, action: string) {
  return conflict(
    'ANNOUNCEMENT_STATUS_CONFLICT',
    `Announcement ${row.id} is ${row.status}; it cannot be ${action}`,
    { status: row.status },
  );
}

/** Drafts and published announcements can be corrected; a withdrawn one stays as it was. */
export async function updateAnnouncement(
  db: Db,
  actor: Actor,
  id: number,
  body: UpdateAnnouncementBody,
): Promise<AnnouncementView> {
  const row = await writable(db, actor, id);
  const now = actor.now();
  const changes = {
    updated_at: now,
    ...(body.kind !== undefined ? { kind: body.kind } : {}),
    ...(body.title !== undefined ? { title: checkedText(body.title, 'body.title') } : {}),
    ...(body.body !== undefined ? { body: checkedBody(body.body) } : {}),
    ...(body.tags !== undefined ? { tags: body.tags } : {}),
    ...(body.expiresAt !== undefined ? { expires_at: checkedExpiry(body.expiresAt, now) ?? null } : {}),
  };
  if (!(await repo.guardedUpdate(db, id, ['draft', 'published'], changes)))
    throw statusConflict(await repo.findAnnouncement(db, id), 'edited');
  const after = await repo.findAnnouncement(db, id);
  await recordAudit(db, actor, {
    action: 'announcement.update',
    entityType: 'announcement',
    entityId: id,
    areaPath: row.area_path,
    before: auditView(row),
    after: auditView(after),
  });
  return presentAnnouncement(after, now);
}

/** Publishes a draft and tells the subtree's workers, once each. */
export async function publishAnnouncement(db: Db, actor: Actor, id: number): Promise<AnnouncementView> {
  const row = await writable(db, actor, id);
  const now = actor.now();
  if (row.expires_at && row.expires_at.getTime() <= now.getTime())
    throw conflict(
      'ANNOUNCEMENT_EXPIRED',
      `Announcement ${id} expired at ${row.expires_at.toISOString()}; change expiresAt first`,
    );
  if (
    !(await repo.guardedUpdate(db, id, ['draft'], {
      status: 'published',
      published_at: now,
      updated_at: now,
    }))
  )
    throw statusConflict(await repo.findAnnouncement(db, id), 'published');
  await recordAudit(db, actor, {
    action: 'announcement.publish',
    entityType: 'announcement',
    entityId: id,
    areaPath: row.area_path,
    before: { status: row.status },
    after: { status: 'published' },
  });
  const self = actor.viewer.kind === 'user' ? actor.viewer.userId : null;
  await notifyInTheirLanguage(db, {
    userIds: (await repo.workersOf(db, row.area_path)).filter((u) => u !== self),
    kind: 'announcement.published',
    priority: row.kind === 'alert' ? 'urgent' : 'normal',
    title: (locale) =>
      notificationText(locale, 'announcementPublished', {
        kind: announcementKindName(locale, row.kind),
        title: row.title,
      }),
    body: row.body.slice(0, 200),
    link: `/announcements/${id}`,
    readRule: repo.ANNOUNCEMENT_READ_RULE,
    entityId: id,
    dedupeKey: `announcement:${id}:published`,
    now,
  });
  return presentAnnouncement(await repo.findAnnouncement(db, id), now);
}

export async function withdrawAnnouncement(db: Db, actor: Actor, id: number): Promise<AnnouncementView> {
  const row = await writable(db, actor, id);
  const now = actor.now();
  if (!(await repo.guardedUpdate(db, id, ['published'], { status: 'withdrawn', updated_at: now })))
    throw statusConflict(await repo.findAnnouncement(db, id), 'withdrawn');
  await recordAudit(db, actor, {
    action: 'announcement.withdraw',
    entityType: 'announcement',
    entityId: id,
    areaPath: row.area_path,
    before: { status: row.status },
    after: { status: 'withdrawn' },
  });
  return presentAnnouncement(await repo.findAnnouncement(db, id), now);
}

export async function getAnnouncement(db: Db, actor: Actor, id: number): Promise<AnnouncementView> {
  const row = await repo.findVisible(db, actor.viewer, id);
  if (!row) throw ANNOUNCEMENT_NOT_FOUND(id);
  return presentAnnouncement(row, actor.now());
}

export async function listAnnouncements(
  db: Db,
  actor: Actor,
  query: AnnouncementQuery,
): Promise<PageOf<AnnouncementView>> {
  let addressedPath: string | undefined;
  if (query.areaId !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'area.read', query.areaId);
    if (!area)
      throw notFound('AREA_NOT_FOUND', `areaId: area ${query.areaId} does not exist or is outside your area`);
    addressedPath = area.path;
  }
  const page = await repo.listAnnouncements(db, actor.viewer, {
    addressedPath,
    status: query.status,
    kind: query.kind,
    page: query.page,
    pageSize: query.pageSize,
  });
  const now = actor.now();
  return { ...page, items: page.items.map((row) => presentAnnouncement(row, now)) };
}

/** Read counts per grid, limited to the grids and households of the caller's areas. */
export async function readsReport(db: Db, actor: Actor, id: number): Promise<ReadsReport> {
  const row = await repo.findVisible(db, actor.viewer, id);
  if (!row) throw ANNOUNCEMENT_NOT_FOUND(id);
  const grids = await repo.readsPerGrid(db, id, repo.readerPaths(actor.viewer));
  return {
    announcement: { id: row.id, title: row.title, status: row.status, tags: row.tags },
    grids: grids.map((g) => ({
      grid: { id: g.id, code: g.code, name: g.name },
      targetedHouseholds: g.targeted,
      readHouseholds: g.read,
    })),
    totals: {
      targetedHouseholds: grids.reduce((sum, g) => sum + g.targeted, 0),
      readHouseholds: grids.reduce((sum, g) => sum + g.read, 0),
    },
  };
}

// ---- the household page ----

export async function publicAnnouncements(
  db: Db,
  now: Date,
  token: string,
  locale: Locale,
): Promise<PublicAnnouncementList> {
  const house = await houseByToken(db, token);
  const rows = await repo.announcementsForHouse(db, house, now, PUBLIC_LIST_LIMIT);
  return {
    items: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      kindLabel: announcementKindName(locale, r.kind),
      title: r.title,
      body: r.body,
      from: r.area_name,
      publishedAt: (r.published_at ?? now).toISOString(),
      expiresAt: r.expires_at?.toISOString() ?? null,
      read: r.read_at !== null,
    })),
  };
}

/** Marks the announcement read by this household; reading again keeps the first time. */
export async function markRead(db: Db, now: Date, token: string, id: number): Promise<PublicReadReceipt> {
  const house = await houseByToken(db, token);
  const row = await repo.findForHouse(db, house, now, id);
  if (!row) throw notFound('ANNOUNCEMENT_NOT_FOUND', `Announcement ${id} is not addressed to this household`);
  // The read row itself is the record; reads are not audited (thousands per announcement).
  const readAt = await repo.markRead(db, id, house.id, now);
  return { id, read: true, readAt: readAt.toISOString() };
}
