import {
  type ExpressionBuilder,
  type Insertable,
  type RawBuilder,
  type Selectable,
  sql,
  type Updateable,
} from 'kysely';
import { inScope, inSubtrees, prefixUpperBound, type Viewer } from '../../auth/scope.js';
import type { Db } from '../../auth/context.js';
import { pageWindow } from '../../core/pagination.js';
import type {
  DB,
  FeedBatchesTable,
  HealthRecordKind,
  HealthRecordsTable,
  RiskAreasTable,
} from '../../db/schema.js';
import type { RecordCandidate, RiskAreaCandidate } from './records.js';

// All SQL of the health feeds: set-based, one statement per chunk and purpose, never one per record.

export type FeedBatchRow = Selectable<FeedBatchesTable>;
export type HealthRecordRow = Selectable<HealthRecordsTable>;
export type RiskAreaRow = Selectable<RiskAreasTable>;

// ---------------------------------------------------------------- batches

export async function insertBatch(db: Db, batch: Insertable<FeedBatchesTable>): Promise<FeedBatchRow> {
  return db.insertInto('feed_batches').values(batch).returningAll().executeTakeFirstOrThrow();
}

export async function findBatch(db: Db, id: number): Promise<FeedBatchRow | undefined> {
  return db.selectFrom('feed_batches').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface BatchListFilter {
  withinPath?: string | undefined;
  kind?: FeedBatchRow['kind'] | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

/**
 * Batches of the viewer's health.read subtrees (and the viewer's own uploads), newest first, with
 * the area's name and who sent them; the rejects stay in the batch (GET one batch to read them).
 */
export async function listBatches(db: Db, viewer: Viewer, filter: BatchListFilter) {
  const { page, pageSize, offset } = pageWindow(filter);
  let base = db
    .selectFrom('feed_batches as b')
    .where((eb) =>
      eb.or([
        inScope(viewer, 'health.read', 'b.area_path'),
        ...(viewer.kind === 'user' ? [eb('b.user_id', '=', viewer.userId)] : []),
      ]),
    );
  if (filter.withinPath) base = base.where(inSubtrees([filter.withinPath], 'b.area_path'));
  if (filter.kind) base = base.where('b.kind', '=', filter.kind);
  const [items, count] = await Promise.all([
    base
      .innerJoin('areas as a', 'a.id', 'b.area_id')
      .leftJoin('users as u', 'u.id', 'b.user_id')
      .leftJoin('api_tokens as t', 't.id', 'b.token_id')
      .select([
        'b.id',
        'b.kind',
        'b.source',
        'b.channel',
        'b.status',
        'b.area_id',
        'b.area_path',
        'b.file_name',
        'b.processed',
        'b.bytes_read',
        'b.total_bytes',
        'b.inserted',
        'b.updated',
        'b.duplicates',
        'b.matched',
        'b.unmatched',
        'b.rejected_total',
        'b.error',
        'b.created_at',
        'b.finished_at',
        'a.code as area_code',
        'a.name as area_name',
        'u.display_name as user_name',
        't.name as token_name',
      ])
      .orderBy('b.created_at', 'desc')
      .orderBy('b.id', 'desc')
      .limit(pageSize)
      .offset(offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n), page, pageSize };
}
export type BatchListRow = Awaited<ReturnType<typeof listBatches>>['items'][number];

export async function updateBatch(db: Db, id: number, changes: Updateable<FeedBatchesTable>): Promise<void> {
  await db.updateTable('feed_batches').set(changes).where('id', '=', id).execute();
}

/** Takes an uploaded file's batch for processing; undefined when it is not waiting (done, failed, or gone). */
export async function claimBatch(db: Db, id: number): Promise<FeedBatchRow | undefined> {
  return db
    .updateTable('feed_batches')
    .set({ status: 'processing' })
    .where('id', '=', id)
    .where('channel', '=', 'file')
    .where('status', 'in', ['received', 'processing'])
    .returningAll()
    .executeTakeFirst();
}

/** The batch is still processing under this claim (no later claim took it over). */
const heldClaim = (id: number, attempt: number) => (eb: ExpressionBuilder<DB, 'feed_batches'>) =>
  eb.and([eb('id', '=', id), eb('attempts', '=', attempt), eb('status', '=', 'processing')]);

/**
 * Claims the oldest pushed batch that waits, or whose lease ran out (its node died mid-batch): one
 * statement under `for update skip locked`, so two nodes never take the same one. The claim is
 * numbered (`attempts`); only the holder of the latest claim may finish the batch.
 */
export async function claimPushedBatch(
  db: Db,
  owner: string,
  now: Date,
  leaseUntil: Date,
): Promise<FeedBatchRow | undefined> {
  return db
    .updateTable('feed_batches')
    .set((eb) => ({
      status: 'processing',
      owner,
      locked_until: leaseUntil,
      heartbeat_at: now,
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('feed_batches')
        .select('id')
        .where('channel', '=', 'push')
        .where('status', 'in', ['received', 'processing'])
        .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<=', now)]))
        .orderBy('id')
        .limit(1)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .executeTakeFirst();
}

/** Extends the lease of a claim still held (`attempts` is its number); false once it was taken over. */
export async function renewLease(
  db: Db,
  id: number,
  attempt: number,
  now: Date,
  leaseUntil: Date,
): Promise<boolean> {
  const row = await db
    .updateTable('feed_batches')
    .set({ locked_until: leaseUntil, heartbeat_at: now })
    .where(heldClaim(id, attempt))
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Frees the leases of pushed batches held by processes known to be gone (this host's earlier lives). */
export async function releaseLeases(db: Db, owners: string[]): Promise<void> {
  if (owners.length === 0) return;
  await db
    .updateTable('feed_batches')
    .set({ locked_until: null })
    .where('channel', '=', 'push')
    .where('status', '=', 'processing')
    .where('owner', 'in', owners)
    .execute();
}

/**
 * Settles a claimed batch (done or failed) only while the claim is the latest: run last in the
 * transaction that stored its records, a lost claim rolls that work back. False when lost.
 */
export async function settleClaim(
  db: Db,
  id: number,
  attempt: number,
  changes: Updateable<FeedBatchesTable>,
): Promise<boolean> {
  const row = await db
    .updateTable('feed_batches')
    .set({ ...changes, locked_until: null })
    .where(heldClaim(id, attempt))
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Batches a stopped server left unfinished, oldest first. */
export async function unfinishedBatches(
  db: Db,
): Promise<Array<Pick<FeedBatchRow, 'id' | 'channel' | 'owner' | 'heartbeat_at'>>> {
  return db
    .selectFrom('feed_batches')
    .select(['id', 'channel', 'owner', 'heartbeat_at'])
    .where('status', 'in', ['received', 'processing'])
    .orderBy('id')
    .execute();
}

/** Uploaded files this process still works on are alive (see FeedProcessor.recover). */
export async function touchBatches(db: Db, ids: number[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('feed_batches')
    .set({ heartbeat_at: at })
    .where('id', 'in', ids)
    .where('status', 'in', ['received', 'processing'])
    .execute();
}

/** Marks a batch failed unless it already finished. */
export async function failUnfinished(db: Db, id: number, error: string, at: Date): Promise<void> {
  await db
    .updateTable('feed_batches')
    .set({ status: 'failed', error, finished_at: at })
    .where('id', '=', id)
    .where('status', 'in', ['received', 'processing'])
    .execute();
}

export async function savePayload(db: Db, batchId: number, payload: string): Promise<void> {
  await db.insertInto('feed_batch_payloads').values({ batch_id: batchId, payload }).execute();
}

export async function loadPayload(db: Db, batchId: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('feed_batch_payloads')
    .select('payload')
    .where('batch_id', '=', batchId)
    .executeTakeFirst();
  return row?.payload;
}

export async function forgetFailedPayloads(db: Db, before: Date): Promise<void> {
  await db
    .deleteFrom('feed_batch_payloads')
    .where('batch_id', 'in', (eb) =>
      eb
        .selectFrom('feed_batches')
        .select('id')
        .where('status', '=', 'failed')
        .where('finished_at', '<', before),
    )
    .execute();
}

export async function deletePayload(db: Db, batchId: number): Promise<void> {
  await db.deleteFrom('feed_batch_payloads').where('batch_id', '=', batchId).execute();
}

// ---------------------------------------------------------------- storing records

export interface ChunkMeta {
  kind: HealthRecordKind;
  source: string;
  batchId: number;
  /** The feed's area: records match only persons living under it, and stay there while unmatched. */
  feedPath: string;
  now: Date;
}

/**
 * The person a record's number belongs to, if they live under the feed's area (a feed bound to
 * a grid cannot attach records to people elsewhere). Lateral, so each record is one probe of
 * the document-hash index: a join would let the planner hash the whole register per chunk.
 */
const personOf = (meta: ChunkMeta) => sql`left join lateral (
    select id, area_path from persons where i.id_valid and document_hash = i.id_hash
      and area_path >= ${meta.feedPath} and area_path < ${prefixUpperBound(meta.feedPath)} limit 1
  ) p on true`;

/** The chunk as a relation `i`, one array parameter per column. */
function recordRelation(rows: readonly RecordCandidate[]): RawBuilder<unknown> {
  return sql`unnest(
      ${rows.map((r) => r.recordKey)}::text[], ${rows.map((r) => r.contentHash)}::text[],
      ${rows.map((r) => r.idHash)}::text[], ${rows.map((r) => r.idValid)}::bool[],
      ${rows.map((r) => r.occurredAt.toISOString())}::timestamptz[], ${rows.map((r) => r.result)}::text[],
      ${rows.map((r) => r.value)}::numeric[], ${rows.map((r) => r.details)}::text[])
    as i(record_key, content_hash, id_hash, id_valid, occurred_at, result, value, details)`;
}

/**
 * Moves person_health forward from the records in `from` (columns person_id, occurred_at,
 * result, value): the latest test, code colour and temperature replace older ones only; doses
 * only grow. One row per person, so a chunk never touches a person twice.
 */
export function advanceFrom(
  kind: HealthRecordKind,
  from: RawBuilder<unknown>,
  now: Date,
): RawBuilder<unknown> {
  switch (kind) {
    case 'test':
      return sql`insert into person_health (person_id, last_test_at, last_test_result, updated_at)
        select distinct on (person_id) person_id, occurred_at, result, ${now}::timestamptz from ${from}
        where person_id is not null order by person_id, occurred_at desc
        on conflict (person_id) do update set last_test_at = excluded.last_test_at,
          last_test_result = excluded.last_test_result, updated_at = excluded.updated_at
        where person_health.last_test_at is null or excluded.last_test_at >= person_health.last_test_at`;
    case 'health_code':
      return sql`insert into person_health (person_id, health_code, health_code_at, updated_at)
        select distinct on (person_id) person_id, result, occurred_at, ${now}::timestamptz from ${from}
        where person_id is not null order by person_id, occurred_at desc
        on conflict (person_id) do update set health_code = excluded.health_code,
          health_code_at = excluded.health_code_at, updated_at = excluded.updated_at
        where person_health.health_code_at is null or excluded.health_code_at >= person_health.health_code_at`;
    case 'temperature':
      return sql`insert into person_health (person_id, last_temperature, last_temperature_at, updated_at)
        select distinct on (person_id) person_id, value, occurred_at, ${now}::timestamptz from ${from}
        where person_id is not null order by person_id, occurred_at desc
        on conflict (person_id) do update set last_temperature = excluded.last_temperature,
          last_temperature_at = excluded.last_temperature_at, updated_at = excluded.updated_at
        where person_health.last_temperature_at is null or excluded.last_temperature_at >= person_health.last_temperature_at`;
    case 'vaccination':
      return sql`insert into person_health (person_id, vaccination_doses, last_vaccinated_at, updated_at)
        select person_id, max(value)::int, max(occurred_at), ${now}::timestamptz from ${from}
        where person_id is not null group by person_id
        on conflict (person_id) do update set
          vaccination_doses = greatest(person_health.vaccination_doses, excluded.vaccination_doses),
          last_vaccinated_at = greatest(person_health.last_vaccinated_at, excluded.last_vaccinated_at),
          updated_at = excluded.updated_at`;
  }
}

export interface InsertedRecord {
  id: number;
  matched: boolean;
  record_key: string;
  person_id: number | null;
}

/**
 * Stores the chunk's new records matched to persons at insert (keyed hash = document hash,
 * under the feed's area) and moves the matched persons' health state forward, in one
 * statement. Records already stored (same kind, source, key) are skipped: the caller compares
 * them. Unmatched records get the reason and an open inbox entry in the feed's area.
 */
export async function insertRecords(
  db: Db,
  meta: ChunkMeta,
  rows: readonly RecordCandidate[],
): Promise<InsertedRecord[]> {
  if (rows.length === 0) return [];
  const result = await sql<InsertedRecord>`
    with ins as (
      insert into health_records (kind, source, record_key, content_hash, batch_id, id_hash, person_id, area_path,
        occurred_at, result, value, details, unmatched_reason, inbox_status, created_at)
      select ${meta.kind}, ${meta.source}, i.record_key, i.content_hash, ${meta.batchId}, i.id_hash, p.id,
        coalesce(p.area_path, ${meta.feedPath}), i.occurred_at, i.result, i.value, i.details::jsonb,
        case when p.id is not null then null when i.id_valid then 'unknown_number' else 'invalid_number' end,
        case when p.id is null then 'open' end, ${meta.now}
      from ${recordRelation(rows)}
      ${personOf(meta)}
      on conflict (kind, source, record_key) do nothing
      returning id, record_key, person_id, occurred_at, result, value
    ), advanced as (${advanceFrom(meta.kind, sql`ins`, meta.now)})
    select id, person_id is not null as matched, record_key, person_id from ins`.execute(db);
  return result.rows;
}

export interface ProtectedIdentity {
  id: number;
  secret: string;
  documentMasked: string;
  nameMasked: string | null;
}

/** Keeps the identity of unmatched records: encrypted, and masked for the inbox. */
export async function protectIdentities(db: Db, rows: readonly ProtectedIdentity[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    update health_records h set identity_secret = i.secret, document_masked = i.dm, name_masked = i.nm
    from unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.secret)}::text[],
      ${rows.map((r) => r.documentMasked)}::text[], ${rows.map((r) => r.nameMasked)}::text[]) as i(id, secret, dm, nm)
    where h.id = i.id`.execute(db);
}

export type StoredRecordState = Pick<HealthRecordRow, 'id' | 'record_key' | 'content_hash'>;

export async function storedRecords(
  db: Db,
  kind: HealthRecordKind,
  source: string,
  keys: readonly string[],
): Promise<StoredRecordState[]> {
  if (keys.length === 0) return [];
  return db
    .selectFrom('health_records')
    .select(['id', 'record_key', 'content_hash'])
    .where('kind', '=', kind)
    .where('source', '=', source)
    .where('record_key', 'in', sql<string>`(select unnest(${[...keys]}::text[]))`)
    .execute();
}

export interface CorrectedRecord extends RecordCandidate {
  id: number;
  /** Encrypted identity and masks, used if the corrected record is (still) unmatched. */
  secret: string;
  documentMasked: string;
  nameMasked: string | null;
}

/**
 * Applies a source's corrections to stored records (same record id, other content). The same
 * identity keeps its match (automatic or by hand) and inbox state; a changed identity is matched
 * again. Returns the persons before and after, whose health state and round counts the caller
 * recomputes.
 */
export async function correctRecords(
  db: Db,
  meta: ChunkMeta,
  rows: readonly CorrectedRecord[],
): Promise<Array<{ id: number; person_id: number | null; old_person_id: number | null }>> {
  if (rows.length === 0) return [];
  const result = await sql<{ id: number; person_id: number | null; old_person_id: number | null }>`
    with i as (
      select * from unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.contentHash)}::text[],
        ${rows.map((r) => r.idHash)}::text[], ${rows.map((r) => r.idValid)}::bool[],
        ${rows.map((r) => r.occurredAt.toISOString())}::timestamptz[], ${rows.map((r) => r.result)}::text[],
        ${rows.map((r) => r.value)}::numeric[], ${rows.map((r) => r.details)}::text[],
        ${rows.map((r) => r.secret)}::text[], ${rows.map((r) => r.documentMasked)}::text[],
        ${rows.map((r) => r.nameMasked)}::text[])
        as i(id, content_hash, id_hash, id_valid, occurred_at, result, value, details, secret, dm, nm)
    ), old as (
      select h.id, h.person_id from health_records h join i on i.id = h.id
    ), upd as (
      update health_records h set content_hash = i.content_hash, occurred_at = i.occurred_at, result = i.result,
        value = i.value, details = i.details::jsonb, id_hash = i.id_hash,
        person_id = case when h.id_hash = i.id_hash then h.person_id else p.id end,
        area_path = case when h.id_hash = i.id_hash then h.area_path else coalesce(p.area_path, ${meta.feedPath}) end,
        unmatched_reason = case when h.id_hash = i.id_hash or p.id is not null then h.unmatched_reason
          when i.id_valid then 'unknown_number' else 'invalid_number' end,
        inbox_status = case when h.id_hash = i.id_hash then h.inbox_status when p.id is null then 'open'
          when h.inbox_status is null then null else 'matched' end,
        identity_secret = case when h.id_hash = i.id_hash then h.identity_secret when p.id is null then i.secret end,
        document_masked = case when h.id_hash = i.id_hash then h.document_masked when p.id is null then i.dm end,
        name_masked = case when h.id_hash = i.id_hash then h.name_masked when p.id is null then i.nm end
      from i ${personOf(meta)}
      where h.id = i.id
      returning h.id, h.person_id
    )
    select upd.id, upd.person_id, old.person_id as old_person_id from upd join old on old.id = upd.id`.execute(
    db,
  );
  return result.rows;
}

export async function anyOpenRound(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('screening_rounds')
    .select('id')
    .where('status', '=', 'open')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

// ---------------------------------------------------------------- person health

/** Moves the persons' health state forward from these (newly stored or newly matched) records. */
export async function advancePersonHealth(
  db: Db,
  kind: HealthRecordKind,
  recordIds: readonly number[],
  now: Date,
): Promise<void> {
  if (recordIds.length === 0) return;
  const from = sql`(select person_id, occurred_at, result, value from health_records
    where id = any(${[...recordIds]}::bigint[]) and kind = ${kind}) r`;
  await advanceFrom(kind, from, now).execute(db);
}

/** Recomputes the persons' health state from all their records (after corrections, which may move it back). */
export async function rebuildPersonHealth(db: Db, personIds: readonly number[], now: Date): Promise<void> {
  if (personIds.length === 0) return;
  await sql`
    insert into person_health (person_id, last_test_at, last_test_result, health_code, health_code_at,
      vaccination_doses, last_vaccinated_at, last_temperature, last_temperature_at, updated_at)
    select p.id, t.occurred_at, t.result, c.result, c.occurred_at, coalesce(v.doses, 0), v.last_at,
      tp.value, tp.occurred_at, ${now}
    from unnest(${[...new Set(personIds)]}::int[]) as p(id)
    left join lateral (select occurred_at, result from health_records where person_id = p.id and kind = 'test'
      order by occurred_at desc, id desc limit 1) t on true
    left join lateral (select occurred_at, result from health_records where person_id = p.id and kind = 'health_code'
      order by occurred_at desc, id desc limit 1) c on true
    left join lateral (select occurred_at, value from health_records where person_id = p.id and kind = 'temperature'
      order by occurred_at desc, id desc limit 1) tp on true
    left join lateral (select max(value)::int as doses, max(occurred_at) as last_at from health_records
      where person_id = p.id and kind = 'vaccination') v on true
    on conflict (person_id) do update set last_test_at = excluded.last_test_at,
      last_test_result = excluded.last_test_result, health_code = excluded.health_code,
      health_code_at = excluded.health_code_at, vaccination_doses = excluded.vaccination_doses,
      last_vaccinated_at = excluded.last_vaccinated_at, last_temperature = excluded.last_temperature,
      last_temperature_at = excluded.last_temperature_at, updated_at = excluded.updated_at`.execute(db);
}

/** The areas the persons live in (for recounting round coverage). */
export async function areaIdsOfPersons(db: Db, personIds: readonly number[]): Promise<number[]> {
  if (personIds.length === 0) return [];
  const rows = await db
    .selectFrom('persons')
    .select('area_id')
    .distinct()
    .where('id', '=', sql<number>`any(${[...personIds]}::int[])`)
    .where('area_id', 'is not', null)
    .execute();
  return rows.map((r) => r.area_id!);
}

// ---------------------------------------------------------------- matching later

/**
 * Matches the persons' unmatched records (unknown number, inbox open or turned into a lead)
 * that a feed under their area sent before they were registered.
 */
export async function matchOpenByPersons(
  db: Db,
  persons: { personIds: readonly number[] } | { documentHashes: readonly string[] },
  now: Date,
): Promise<Array<{ id: number; kind: HealthRecordKind; person_id: number }>> {
  const which =
    'personIds' in persons
      ? sql`p.id = any(${[...persons.personIds]}::int[])`
      : sql`p.document_hash = any(${[...persons.documentHashes]}::text[])`;
  if (('personIds' in persons ? persons.personIds : persons.documentHashes).length === 0) return [];
  const result = await sql<{ id: number; kind: HealthRecordKind; person_id: number }>`
    update health_records h set person_id = p.id, area_path = p.area_path, inbox_status = 'matched',
      inbox_by = 'register', inbox_at = ${now}
    from persons p
    where ${which} and p.area_path is not null
      and h.person_id is null and h.id_hash = p.document_hash and h.unmatched_reason = 'unknown_number'
      and h.inbox_status in ('open', 'lead')
      and p.area_path >= h.area_path and p.area_path < left(h.area_path, -1) || '0'
    returning h.id, h.kind, h.person_id`.execute(db);
  return result.rows;
}

// ---------------------------------------------------------------- unmatched inbox

export interface InboxFilter {
  withinPath?: string | undefined;
  reason?: 'unknown_number' | 'invalid_number' | undefined;
  kind?: HealthRecordKind | undefined;
  status: 'open' | 'matched' | 'lead' | 'dismissed';
  page?: number | undefined;
  pageSize?: number | undefined;
}

export type InboxRow = Pick<
  HealthRecordRow,
  | 'id'
  | 'kind'
  | 'source'
  | 'batch_id'
  | 'person_id'
  | 'area_path'
  | 'occurred_at'
  | 'result'
  | 'value'
  | 'details'
  | 'unmatched_reason'
  | 'inbox_status'
  | 'document_masked'
  | 'name_masked'
  | 'inbox_note'
  | 'inbox_by'
  | 'inbox_at'
  | 'created_at'
>;

const INBOX_COLUMNS = [
  'id',
  'kind',
  'source',
  'batch_id',
  'person_id',
  'area_path',
  'occurred_at',
  'result',
  'value',
  'details',
  'unmatched_reason',
  'inbox_status',
  'document_masked',
  'name_masked',
  'inbox_note',
  'inbox_by',
  'inbox_at',
  'created_at',
] as const;

export async function listInbox(
  db: Db,
  viewer: Viewer,
  filter: InboxFilter,
): Promise<{ items: InboxRow[]; total: number; page: number; pageSize: number }> {
  const { page, pageSize, offset } = pageWindow(filter);
  let base = db
    .selectFrom('health_records')
    .where('inbox_status', '=', filter.status)
    .where(inScope(viewer, 'health.read', 'health_records.area_path'));
  if (filter.withinPath) base = base.where(inSubtrees([filter.withinPath], 'health_records.area_path'));
  if (filter.reason) base = base.where('unmatched_reason', '=', filter.reason);
  if (filter.kind) base = base.where('kind', '=', filter.kind);
  const [items, count] = await Promise.all([
    base
      .select(INBOX_COLUMNS)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(pageSize)
      .offset(offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n), page, pageSize };
}

/** An inbox entry the viewer holds `right` over, locked for the change that follows. */
export async function findInboxEntry(
  db: Db,
  viewer: Viewer,
  right: 'health.read' | 'health.write',
  id: number,
): Promise<(InboxRow & { id_hash: string | null; identity_secret: string | null }) | undefined> {
  return db
    .selectFrom('health_records')
    .select([...INBOX_COLUMNS, 'id_hash', 'identity_secret'])
    .where('id', '=', id)
    .where('inbox_status', 'is not', null)
    .where(inScope(viewer, right, 'health_records.area_path'))
    .forUpdate()
    .executeTakeFirst();
}

export async function findInboxRow(db: Db, id: number): Promise<InboxRow> {
  return db.selectFrom('health_records').select(INBOX_COLUMNS).where('id', '=', id).executeTakeFirstOrThrow();
}

export async function resolveInboxEntry(
  db: Db,
  id: number,
  changes: Pick<
    Updateable<HealthRecordsTable>,
    'person_id' | 'area_path' | 'inbox_status' | 'inbox_note' | 'inbox_by' | 'inbox_at'
  >,
): Promise<void> {
  await db.updateTable('health_records').set(changes).where('id', '=', id).execute();
}

// ---------------------------------------------------------------- risk areas

/** Stores the chunk's risk areas; a known (source, name, level, from) gets its code and end updated. */
export async function upsertRiskAreas(
  db: Db,
  source: string,
  rows: readonly RiskAreaCandidate[],
  now: Date,
): Promise<{ inserted: number; updated: number }> {
  if (rows.length === 0) return { inserted: 0, updated: 0 };
  const result = await sql<{ inserted: boolean }>`
    insert into risk_areas (source, region_code, name, level, valid_from, valid_to, created_at)
    select ${source}, region_code, name, level, valid_from, valid_to, ${now}
    from unnest(${rows.map((r) => r.regionCode)}::text[], ${rows.map((r) => r.name)}::text[],
      ${rows.map((r) => r.level)}::text[], ${rows.map((r) => r.validFrom.toISOString())}::timestamptz[],
      ${rows.map((r) => r.validTo?.toISOString() ?? null)}::timestamptz[])
      as i(region_code, name, level, valid_from, valid_to)
    on conflict (source, name, level, valid_from) do update
      set region_code = excluded.region_code, valid_to = excluded.valid_to
      where (risk_areas.region_code, risk_areas.valid_to) is distinct from (excluded.region_code, excluded.valid_to)
    returning (xmax = 0) as inserted`.execute(db);
  const inserted = result.rows.filter((r) => r.inserted).length;
  return { inserted, updated: result.rows.length - inserted };
}

export interface RiskAreaFilter {
  /** Only those in force at this moment. */
  at?: Date | undefined;
  level?: 'high' | 'medium' | 'low' | undefined;
  limit: number;
}

export async function listRiskAreas(db: Db, filter: RiskAreaFilter): Promise<RiskAreaRow[]> {
  let query = db.selectFrom('risk_areas').selectAll();
  if (filter.at) {
    const at = filter.at;
    query = query
      .where('valid_from', '<=', at)
      .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', at)]));
  }
  if (filter.level) query = query.where('level', '=', filter.level);
  return query.orderBy('valid_from', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}

/** A person the viewer may write health data for, with the area path a matched record moves to. */
export async function findPersonPlaceInScope(
  db: Db,
  viewer: Viewer,
  personId: number,
): Promise<{ id: number; area_path: string | null } | undefined> {
  return db
    .selectFrom('persons')
    .select(['id', 'area_path'])
    .where('id', '=', personId)
    .where(inScope(viewer, 'health.write', 'persons.area_path'))
    .executeTakeFirst();
}

/** For this transaction only, commits without waiting for the disk: callers store chunks that a rerun stores again. */
export async function skipCommitFlush(trx: Db): Promise<void> {
  await sql`set local synchronous_commit = off`.execute(trx);
}
