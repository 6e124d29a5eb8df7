import { notificationText } from '../../i18n/notifications.js';
import { presentFailure } from '../../imports/failure.js';
import { PROCESS_OWNER } from '../../imports/staging.js';
import { recordAudit } from '../../audit/repository.js';
import { can, scopePaths, type Viewer, viewerName } from '../../auth/scope.js';
import type { Actor, Db } from '../../auth/context.js';
import { onPersonsRegistered, type RegisteredPersons } from '../../register/person-hooks.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../../core/errors.js';
import type { PageOf } from '../../core/pagination.js';
import type { HealthRecordKind } from '../../db/schema.js';
import { DEFAULT_LOCALE, type Locale } from '../../i18n/locale.js';
import { localizeRejects, type RowReject, writeRejectsXlsx } from '../../imports/report.js';
import type { Writable } from 'node:stream';
import { type AreaRow, findActiveAreasAtPaths, findAreaInScope } from '../../hierarchy/repository.js';
import type { FieldCipher } from '../../privacy/field-crypto.js';
import { protectIdentity } from '../../privacy/protect.js';
import { countNewTests, recountAreas } from '../rounds/counters-repository.js';
import { createLeadFromUnmatched } from '../leads/service.js';
import { applyHealthRules } from '../rules/service.js';
import { FEED_KIND_OF, type FeedKind, STORED_KIND } from './kinds.js';
import type { RecordCandidate, RiskAreaCandidate } from './records.js';
import * as repo from './repository.js';
import type {
  DismissBody,
  FeedBatchQuery,
  FeedBatchSummary,
  FeedBatchView,
  InboxItem,
  InboxQuery,
  LeadFromInboxBody,
  LeadFromInboxResult,
  MatchBody,
  PushAccepted,
  PushBody,
  RiskAreaQuery,
  RiskAreaView,
} from './schema.js';

/** What one stored chunk changed; summed into the import report. */
export interface ChunkCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  matched: number;
  unmatched: number;
}

export const emptyCounts = (): ChunkCounts => ({
  inserted: 0,
  updated: 0,
  unchanged: 0,
  matched: 0,
  unmatched: 0,
});

export function addCounts(total: ChunkCounts, chunk: ChunkCounts): void {
  total.inserted += chunk.inserted;
  total.updated += chunk.updated;
  total.unchanged += chunk.unchanged;
  total.matched += chunk.matched;
  total.unmatched += chunk.unmatched;
}

export interface StoreContext extends repo.ChunkMeta {
  cipher: FieldCipher;
  /** The chunk is the whole batch (a push): round coverage is counted by batch id. */
  wholeBatch: boolean;
}

/** The identity an unmatched record keeps: one encrypted blob, masked copies for the inbox. */
function protect(cipher: FieldCipher, record: RecordCandidate) {
  const { secret, documentMasked, nameMasked } = protectIdentity(cipher, {
    documentNumber: record.documentNumber,
    name: record.name,
  });
  // An empty number has an empty mask, as before.
  return { secret, documentMasked: documentMasked ?? '', nameMasked };
}

/**
 * Stores one chunk of a feed's records, all in the caller's transaction: new records are
 * inserted and matched in one statement (moving person_health forward), unmatched ones keep
 * their identity encrypted for the inbox, round coverage counts the newly tested, and records
 * the source corrected (same record id, other content) are updated with their persons' state
 * recomputed. Records already stored as they are count as unchanged.
 */
export async function storeRecords(
  trx: Db,
  ctx: StoreContext,
  rows: readonly RecordCandidate[],
): Promise<ChunkCounts> {
  const counts = emptyCounts();
  if (rows.length === 0) return counts;
  const inserted = await repo.insertRecords(trx, ctx, rows);
  counts.inserted = inserted.length;
  const byKey = new Map<string, RecordCandidate>();
  const candidate = (key: string) => {
    if (byKey.size === 0) for (const row of rows) byKey.set(row.recordKey, row);
    return byKey.get(key)!;
  };

  const identities: repo.ProtectedIdentity[] = [];
  const matchedIds: number[] = [];
  const touched = new Set<number>();
  for (const record of inserted) {
    if (record.matched) {
      matchedIds.push(record.id);
      if (record.person_id !== null) touched.add(Number(record.person_id));
    } else identities.push({ id: record.id, ...protect(ctx.cipher, candidate(record.record_key)) });
  }
  counts.matched = matchedIds.length;
  counts.unmatched = identities.length;
  await repo.protectIdentities(trx, identities);
  // Before any correction below: a recount from source must come after the increments.
  // countNewTests changes nothing while no round is open, but costs two statements per chunk.
  if (ctx.kind === 'test' && matchedIds.length > 0 && (await repo.anyOpenRound(trx)))
    await countNewTests(trx, ctx.wholeBatch ? { batchId: ctx.batchId } : { recordIds: matchedIds });

  if (inserted.length < rows.length) {
    const insertedKeys = new Set(inserted.map((r) => r.record_key));
    const stored = await repo.storedRecords(
      trx,
      ctx.kind,
      ctx.source,
      rows.filter((r) => !insertedKeys.has(r.recordKey)).map((r) => r.recordKey),
    );
    const corrected: repo.CorrectedRecord[] = [];
    for (const row of stored) {
      const fresh = candidate(row.record_key);
      if (row.content_hash === fresh.contentHash) counts.unchanged++;
      else corrected.push({ ...fresh, id: row.id, ...protect(ctx.cipher, fresh) });
    }
    if (corrected.length > 0) {
      const changes = await repo.correctRecords(trx, ctx, corrected);
      counts.updated = changes.length;
      for (const change of changes) {
        if (change.person_id === null) counts.unmatched++;
        else counts.matched++;
      }
      const persons = [
        ...new Set(changes.flatMap((c) => [c.person_id, c.old_person_id]).filter((id) => id !== null)),
      ];
      await repo.rebuildPersonHealth(trx, persons, ctx.now);
      if (ctx.kind === 'test') await recountAreas(trx, await repo.areaIdsOfPersons(trx, persons));
      for (const id of persons) touched.add(id);
    }
  }
  // After person_health moved: a fever, a yellow/red code or a positive test opens its key person.
  if (ctx.kind !== 'vaccination') await applyHealthRules(trx, [...touched], ctx.now);
  return counts;
}

/** Stores one chunk of a risk-area list; areas already listed as they are count as unchanged. */
export async function storeRiskAreas(
  trx: Db,
  source: string,
  rows: readonly RiskAreaCandidate[],
  now: Date,
): Promise<ChunkCounts> {
  const { inserted, updated } = await repo.upsertRiskAreas(trx, source, rows, now);
  return { inserted, updated, unchanged: rows.length - inserted - updated, matched: 0, unmatched: 0 };
}

/**
 * Matches open unmatched records (unknown number) to persons just registered or moved into a
 * feed's area: call it in the transaction that registers them. Moves their health state
 * forward and counts their tests into round coverage. Returns the number of records matched.
 */
export async function matchOpenRecords(
  db: Db,
  persons: RegisteredPersons,
  now = new Date(),
): Promise<number> {
  const which = 'documentHashes' in persons ? persons : { personIds: persons };
  const matched = await repo.matchOpenByPersons(db, which, now);
  if (matched.length === 0) return 0;
  const kinds = new Map<HealthRecordKind, number[]>();
  for (const record of matched) kinds.set(record.kind, [...(kinds.get(record.kind) ?? []), record.id]);
  for (const [kind, ids] of kinds) {
    await repo.advancePersonHealth(db, kind, ids, now);
    if (kind === 'test') await countNewTests(db, { recordIds: ids });
  }
  await applyHealthRules(db, [...new Set(matched.map((r) => Number(r.person_id)))], now);
  return matched.length;
}

/**
 * Health listens to the register (which may not import health): every registration, move or
 * document change matches the records waiting for those persons. Called where the app and the CLI
 * are assembled, and by tests that call register services without an app.
 */
export function matchRecordsOnRegistration(): void {
  onPersonsRegistered(matchOpenRecords);
}

// ---------------------------------------------------------------- batches

/** The area a feed belongs to: the one asked for (where the actor may upload health data), or the top area. */
export async function resolveFeedArea(db: Db, actor: Actor, areaId: number | undefined): Promise<AreaRow> {
  if (areaId !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'health.manage', areaId);
    if (!area)
      throw notFound(
        'AREA_NOT_FOUND',
        `area ${areaId} does not exist or you may not import health data there`,
      );
    if (area.retired_at) throw new AppError('AREA_RETIRED', 409, `area ${areaId} is retired`);
    return area;
  }
  const paths = actor.viewer.kind === 'system' ? null : scopePaths(actor.viewer, 'health.manage');
  const roots = await findActiveAreasAtPaths(db, paths);
  if (roots.length !== 1)
    throw invalid(
      'AREA_REQUIRED',
      roots.length === 0
        ? 'there is no area to import into; create the hierarchy first'
        : 'there are several top areas: say which one the feed belongs to',
      [{ field: 'area', code: 'required', message: 'is required' }],
    );
  return roots[0]!;
}

/** A batch as the API shows it; its rejects are worded in the reader's language. */
export function presentBatch(row: repo.FeedBatchRow, locale: Locale = DEFAULT_LOCALE): FeedBatchView {
  return {
    batchId: row.id,
    kind: FEED_KIND_OF[row.kind],
    source: row.source,
    channel: row.channel,
    status: row.status,
    areaId: row.area_id,
    fileName: row.file_name,
    received: row.received,
    processed: row.processed,
    bytesRead: Number(row.bytes_read),
    totalBytes: row.total_bytes === null ? null : Number(row.total_bytes),
    report: {
      inserted: row.inserted,
      updated: row.updated,
      unchanged: row.duplicates,
      rejected: localizeRejects(locale, row.rejected),
      matched: row.matched,
      unmatched: row.unmatched,
    },
    rejectedTotal: row.rejected_total,
    ...presentFailure(row.error, locale),
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/** A batch for the token that sent it, the user who uploaded it, or staff who may read health data of its area. */
export async function getBatch(
  db: Db,
  viewer: Viewer,
  id: number,
  locale: Locale = DEFAULT_LOCALE,
): Promise<FeedBatchView> {
  const row = await repo.findBatch(db, id);
  const allowed =
    row !== undefined &&
    (viewer.kind === 'token'
      ? row.token_id === viewer.tokenId
      : (viewer.kind === 'user' && row.user_id === viewer.userId) ||
        can(viewer, 'health.read', row.area_path));
  if (!row || !allowed)
    throw notFound('FEED_BATCH_NOT_FOUND', `Batch ${id} does not exist or was sent by someone else`);
  return presentBatch(row, locale);
}

/** Batches of the caller's area (and their own uploads), newest first: status, counts, who sent them. */
export async function listBatches(
  db: Db,
  actor: Actor,
  query: FeedBatchQuery,
  locale: Locale = DEFAULT_LOCALE,
): Promise<PageOf<FeedBatchSummary>> {
  let withinPath: string | undefined;
  if (query.within !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'health.read', query.within);
    if (!area)
      throw notFound(
        'AREA_NOT_FOUND',
        `querystring.within: area ${query.within} does not exist or is outside your area`,
      );
    withinPath = area.path;
  }
  const page = await repo.listBatches(db, actor.viewer, {
    withinPath,
    kind: query.kind === undefined ? undefined : STORED_KIND[query.kind],
    page: query.page,
    pageSize: query.pageSize,
  });
  return {
    ...page,
    items: page.items.map((row) => ({
      batchId: row.id,
      kind: FEED_KIND_OF[row.kind],
      source: row.source,
      channel: row.channel,
      status: row.status,
      area: { id: row.area_id, code: row.area_code, name: row.area_name, path: row.area_path },
      fileName: row.file_name,
      processed: row.processed,
      bytesRead: Number(row.bytes_read),
      totalBytes: row.total_bytes === null ? null : Number(row.total_bytes),
      inserted: row.inserted,
      updated: row.updated,
      unchanged: row.duplicates,
      matched: row.matched,
      unmatched: row.unmatched,
      rejectedTotal: row.rejected_total,
      sentBy: row.user_name ?? row.token_name,
      ...presentFailure(row.error, locale),
      createdAt: row.created_at.toISOString(),
      finishedAt: row.finished_at?.toISOString() ?? null,
    })),
  };
}

/**
 * The rejects of a batch as the XLSX the CLI writes with --rejects (row, column, code, problem in
 * the reader's language), for whoever may read the batch. The rows' original values are not kept
 * with the batch (they hold ID numbers), so the file lists the problems only.
 */
export async function batchRejects(
  db: Db,
  viewer: Viewer,
  id: number,
  locale: Locale = DEFAULT_LOCALE,
): Promise<{ batch: FeedBatchView; write(output: Writable): Promise<void> }> {
  const batch = await getBatch(db, viewer, id, locale);
  const rejects: RowReject[] = batch.report.rejected;
  return {
    batch,
    write: (output) => writeRejectsXlsx(rejects, undefined, undefined, output, locale),
  };
}

// ---------------------------------------------------------------- unmatched inbox

function presentInbox(row: repo.InboxRow): InboxItem {
  return {
    id: row.id,
    kind: FEED_KIND_OF[row.kind],
    source: row.source,
    batchId: row.batch_id,
    reason: row.unmatched_reason,
    status: row.inbox_status!,
    // Paths are chains of area ids: the last one is the record's area.
    areaId: Number(row.area_path.split('/').filter(Boolean).at(-1)),
    areaPath: row.area_path,
    personId: row.person_id,
    occurredAt: row.occurred_at.toISOString(),
    result: row.result,
    value: row.value === null ? null : Number(row.value),
    details: (row.details as Record<string, string> | null) ?? null,
    documentMasked: row.document_masked,
    nameMasked: row.name_masked,
    note: row.inbox_note,
    resolvedBy: row.inbox_by,
    resolvedAt: row.inbox_at?.toISOString() ?? null,
    receivedAt: row.created_at.toISOString(),
  };
}

export async function listUnmatched(db: Db, actor: Actor, query: InboxQuery): Promise<PageOf<InboxItem>> {
  let withinPath: string | undefined;
  if (query.within !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'health.read', query.within);
    if (!area)
      throw notFound(
        'AREA_NOT_FOUND',
        `querystring.within: area ${query.within} does not exist or is outside your area`,
      );
    withinPath = area.path;
  }
  const page = await repo.listInbox(db, actor.viewer, {
    withinPath,
    reason: query.reason,
    kind: query.kind === undefined ? undefined : STORED_KIND[query.kind],
    status: query.status ?? 'open',
    page: query.page,
    pageSize: query.pageSize,
  });
  return { ...page, items: page.items.map(presentInbox) };
}

async function openEntry(db: Db, actor: Actor, id: number) {
  const entry = await repo.findInboxEntry(db, actor.viewer, 'health.write', id);
  if (!entry)
    throw notFound('HEALTH_RECORD_NOT_FOUND', `Record ${id} is not in the unmatched inbox of your area`);
  if (entry.inbox_status !== 'open')
    throw conflict('INBOX_NOT_OPEN', `Record ${id} was already resolved (${entry.inbox_status})`);
  return entry;
}

/**
 * Matches an inbox record to a person by hand (a typo in the number, a passport holder): the
 * record moves to the person's area, their health state moves forward and a test counts into
 * round coverage. The person must be one the caller may write health data for.
 */
export async function matchByHand(db: Db, actor: Actor, id: number, body: MatchBody): Promise<InboxItem> {
  const entry = await openEntry(db, actor, id);
  const person = await repo.findPersonPlaceInScope(db, actor.viewer, body.personId);
  if (!person?.area_path)
    throw notFound(
      'PERSON_NOT_FOUND',
      `body.personId: person ${body.personId} does not exist or is outside your area`,
    );
  const now = actor.now();
  await repo.resolveInboxEntry(db, id, {
    person_id: person.id,
    area_path: person.area_path,
    inbox_status: 'matched',
    inbox_by: viewerName(actor.viewer),
    inbox_at: now,
  });
  await repo.advancePersonHealth(db, entry.kind, [id], now);
  if (entry.kind === 'test') await countNewTests(db, { recordIds: [id] });
  await applyHealthRules(db, [person.id], now);
  await recordAudit(db, actor, {
    action: 'health.unmatched.match',
    entityType: 'health_record',
    entityId: id,
    areaPath: person.area_path,
    before: { areaPath: entry.area_path, reason: entry.unmatched_reason },
    after: { personId: person.id },
  });
  return presentInbox(await repo.findInboxRow(db, id));
}

export async function dismiss(db: Db, actor: Actor, id: number, body: DismissBody): Promise<InboxItem> {
  const entry = await openEntry(db, actor, id);
  await repo.resolveInboxEntry(db, id, {
    inbox_status: 'dismissed',
    inbox_note: body.reason.trim(),
    inbox_by: viewerName(actor.viewer),
    inbox_at: actor.now(),
  });
  await recordAudit(db, actor, {
    action: 'health.unmatched.dismiss',
    entityType: 'health_record',
    entityId: id,
    areaPath: entry.area_path,
    reason: body.reason.trim(),
  });
  return presentInbox(await repo.findInboxRow(db, id));
}

/** Turns an inbox record into a lead to verify on the ground (the leads module routes it). */
export async function turnIntoLead(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  id: number,
  body: LeadFromInboxBody,
  locale: Locale = DEFAULT_LOCALE,
): Promise<LeadFromInboxResult> {
  await openEntry(db, actor, id);
  const lead = await createLeadFromUnmatched(db, actor, cipher, id, locale);
  await repo.resolveInboxEntry(db, id, {
    inbox_note: body.note?.trim() || notificationText(locale, 'inboxTurnedIntoLead', { id: lead.id }),
    inbox_by: viewerName(actor.viewer),
    inbox_at: actor.now(),
  });
  return { record: presentInbox(await repo.findInboxRow(db, id)), leadId: lead.id };
}

// ---------------------------------------------------------------- risk areas

export async function listRiskAreas(db: Db, actor: Actor, query: RiskAreaQuery): Promise<RiskAreaView[]> {
  if (!scopePaths(actor.viewer, 'health.read').length) throw forbidden('This needs the right health.read');
  const rows = await repo.listRiskAreas(db, {
    at: query.current ? actor.now() : undefined,
    level: query.level,
    limit: query.limit ?? 1000,
  });
  return rows.map((r) => ({
    id: r.id,
    source: r.source,
    name: r.name,
    regionCode: r.region_code,
    level: r.level,
    validFrom: r.valid_from.toISOString(),
    validTo: r.valid_to?.toISOString() ?? null,
  }));
}

// ---------------------------------------------------------------- receiving

/**
 * Receives a pushed batch: the batch row and its records (encrypted: they hold ID numbers) are
 * stored in the caller's transaction, so once answered 202 nothing is lost; processing follows
 * in the background. The feed belongs to the token's area.
 */
export async function receivePush(
  trx: Db,
  actor: Actor,
  cipher: FieldCipher,
  kind: FeedKind,
  body: PushBody,
): Promise<PushAccepted> {
  const viewer = actor.viewer;
  if (viewer.kind !== 'token') throw forbidden('Batches are pushed with an API token');
  const batch = await repo.insertBatch(trx, {
    kind: STORED_KIND[kind],
    source: body.source,
    channel: 'push',
    area_id: viewer.areaId,
    area_path: viewer.areaPath,
    token_id: viewer.tokenId,
    status: 'received',
    received: body.records.length,
    created_at: actor.now(),
  });
  await repo.savePayload(trx, batch.id, cipher.encrypt(JSON.stringify(body.records)));
  await recordAudit(trx, actor, {
    action: 'health.feed.receive',
    entityType: 'feed_batch',
    entityId: batch.id,
    areaPath: viewer.areaPath,
    after: { kind, source: body.source, records: body.records.length },
  });
  return { batchId: batch.id, status: batch.status };
}

/** The batch row of a web upload, waiting for the background import. */
export async function createUploadBatch(
  db: Db,
  actor: Actor,
  input: { kind: FeedKind; source: string; areaId: number | undefined; fileName: string; totalBytes: number },
): Promise<repo.FeedBatchRow> {
  const area = await resolveFeedArea(db, actor, input.areaId);
  return repo.insertBatch(db, {
    kind: STORED_KIND[input.kind],
    source: input.source,
    channel: 'file',
    area_id: area.id,
    area_path: area.path,
    user_id: actor.viewer.kind === 'user' ? actor.viewer.userId : null,
    status: 'received',
    file_name: input.fileName.slice(0, 200),
    total_bytes: input.totalBytes,
    created_at: actor.now(),
    // The file is staged by this process only: if it dies, the batch cannot be finished.
    owner: PROCESS_OWNER,
    heartbeat_at: new Date(),
  });
}
