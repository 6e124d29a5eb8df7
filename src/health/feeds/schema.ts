import { InboxReason } from '../../core/closed-schemas.js';
import { type Static, type TProperties, Type } from 'typebox';
import { Page, PageQuery } from '../../core/pagination.js';
import { RowRejectSchema } from '../../register-import/schema.js';
import { FEED_KINDS } from './kinds.js';
import { Id } from '../../core/schemas.js';
import { INBOX_STATUSES, RECORD_KINDS } from '../../core/vocabulary.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** The most records one pushed batch may hold. */
export const MAX_BATCH_RECORDS = 10_000;

export { RECORD_KINDS };

export const FeedKindParams = Type.Object({ kind: Type.Enum(FEED_KINDS) }, { $id: 'FeedKindParams' });
export const BatchParams = Type.Object(
  { id: Type.Integer({ minimum: 1, maximum: 2147483647 }) },
  { $id: 'BatchParams' },
);

const SOURCE_PATTERN = '^[\\p{L}\\p{N}_.:-]+$';
export const SourceName = Type.With(
  Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: SOURCE_PATTERN,
    description:
      'The feed’s source (lab, platform): record ids are unique per source, and it picks the health-code colour table',
  }),
  { $id: 'SourceName' },
);

// Values are text as a file cell holds it; numbers are accepted and read as written.
const Text = (maxLength: number, description?: string) =>
  Type.String({ maxLength, ...(description ? { description } : {}) });
const Time = (description: string) =>
  Text(40, `${description}: ISO 8601 with a zone, or Beijing time as 2026-11-02 08:30`);

const PERSON_FIELDS = {
  recordId: Type.Optional(
    Text(100, 'The source’s id of the record; a batch resent with the same ids changes nothing'),
  ),
  name: Type.Optional(Text(100)),
  idNumber: Text(40, 'Resident ID number (GB 11643); an invalid one lands in the unmatched inbox'),
};

const record = (fields: TProperties) => Type.Object(fields, { additionalProperties: false });

export const PUSHED_RECORD = {
  tests: record({
    ...PERSON_FIELDS,
    sampledAt: Time('Sampling time'),
    result: Text(20, '阴性/阳性/待出/无效 or negative/positive/pending/invalid'),
    institution: Type.Optional(Text(200)),
    reportedAt: Type.Optional(Time('Report time')),
  }),
  vaccinations: record({
    ...PERSON_FIELDS,
    vaccinatedAt: Time('Vaccination date (a date alone is fine)'),
    dose: Text(10, 'Dose number 1-9'),
    vaccine: Type.Optional(Text(100)),
    manufacturer: Type.Optional(Text(100)),
    site: Type.Optional(Text(200)),
  }),
  temperatures: record({
    ...PERSON_FIELDS,
    measuredAt: Time('Measuring time'),
    temperature: Text(10, '°C, 35.0-43.0'),
    method: Type.Optional(Text(50)),
  }),
  healthcodes: record({
    ...PERSON_FIELDS,
    colour: Text(20, 'As the source writes it; mapped by the source’s table, unknown values rejected'),
    codeAt: Time('Time of the code colour'),
    issuer: Type.Optional(Text(100)),
  }),
  riskareas: record({
    name: Text(200),
    regionCode: Type.Optional(Text(12, '6, 9 or 12-digit administrative code')),
    level: Text(20, '高/中/低 or high/medium/low'),
    validFrom: Time('Start (a date alone means its start)'),
    validTo: Type.Optional(Time('End (a date alone means its end)')),
  }),
} as const;

export const pushBody = (kind: (typeof FEED_KINDS)[number]) =>
  Type.Object(
    {
      source: SourceName,
      records: Type.Array(PUSHED_RECORD[kind], {
        minItems: 1,
        maxItems: MAX_BATCH_RECORDS,
        description: `At most ${MAX_BATCH_RECORDS.toLocaleString('en-US')} records per batch`,
      }),
    },
    { $id: `${kind.charAt(0).toUpperCase()}${kind.slice(1)}PushBody`, additionalProperties: false },
  );
/** One named body per kind, for the contract (the routes build equal ones with pushBody). */
export const TestsPushBody = pushBody('tests');
export const VaccinationsPushBody = pushBody('vaccinations');
export const TemperaturesPushBody = pushBody('temperatures');
export const HealthcodesPushBody = pushBody('healthcodes');
export const RiskareasPushBody = pushBody('riskareas');
export interface PushBody {
  source: string;
  records: Array<Record<string, unknown>>;
}

export const PushAccepted = Type.Object(
  {
    batchId: Type.Integer(),
    status: Type.Enum(['received', 'processing', 'done', 'failed']),
  },
  { $id: 'PushAccepted' },
);
export type PushAccepted = Static<typeof PushAccepted>;

export const FeedReport = Type.Object(
  {
    inserted: Type.Integer(),
    updated: Type.Integer({ description: 'Records the source corrected (same record id, other content)' }),
    unchanged: Type.Integer({ description: 'Records already stored as they are' }),
    rejected: Type.Array(RowRejectSchema, {
      description:
        'At most 10,000 (rejectedTotal counts all); row is the spreadsheet row, or the 1-based position in records',
    }),
    matched: Type.Integer({ description: 'Stored records matched to a person' }),
    unmatched: Type.Integer({ description: 'Stored records left in the unmatched inbox' }),
  },
  { $id: 'FeedReport' },
);
export type FeedReport = Static<typeof FeedReport>;

export const FeedBatchView = Type.Object(
  {
    batchId: Type.Integer(),
    kind: Type.Enum(FEED_KINDS),
    source: Type.String(),
    channel: Type.Enum(['file', 'push']),
    status: Type.Enum(['received', 'processing', 'done', 'failed']),
    areaId: Type.Integer({ description: 'The area the feed belongs to' }),
    fileName: Nullable(Type.String()),
    received: Type.Integer({ description: 'Records pushed (a file: 0 until done, then its rows)' }),
    processed: Type.Integer({ description: 'Rows read so far' }),
    bytesRead: Type.Integer(),
    totalBytes: Nullable(Type.Integer()),
    report: FeedReport,
    rejectedTotal: Type.Integer(),
    error: Nullable(Type.String({ description: "Why it failed, in the reader's language" })),
    errorCode: Nullable(
      Type.String({ description: 'Why it failed, as an error code (null for old entries)' }),
    ),
    createdAt: Type.String({ format: 'date-time' }),
    finishedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'FeedBatchView' },
);
export type FeedBatchView = Static<typeof FeedBatchView>;

export const FeedBatchQuery = Type.Object(
  {
    ...PageQuery.properties,
    within: Type.Optional(Id({ description: 'Only batches of this area’s subtree' })),
    kind: Type.Optional(Type.Enum(FEED_KINDS)),
  },
  { $id: 'FeedBatchQuery' },
);
export type FeedBatchQuery = Static<typeof FeedBatchQuery>;

export const FeedBatchSummary = Type.Object(
  {
    batchId: Type.Integer(),
    kind: Type.Enum(FEED_KINDS),
    source: Type.String(),
    channel: Type.Enum(['file', 'push']),
    status: Type.Enum(['received', 'processing', 'done', 'failed']),
    area: Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String(), path: Type.String() }),
    fileName: Nullable(Type.String()),
    processed: Type.Integer({ description: 'Rows read so far' }),
    bytesRead: Type.Integer(),
    totalBytes: Nullable(Type.Integer()),
    inserted: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    matched: Type.Integer(),
    unmatched: Type.Integer(),
    rejectedTotal: Type.Integer(),
    sentBy: Nullable(
      Type.String({ description: 'The uploader’s display name, or the name of the token that pushed it' }),
    ),
    error: Nullable(Type.String({ description: "Why it failed, in the reader's language" })),
    errorCode: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    finishedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'FeedBatchSummary' },
);
export type FeedBatchSummary = Static<typeof FeedBatchSummary>;
export const FeedBatchList = Type.With(Page(FeedBatchSummary), { $id: 'FeedBatchList' });

export const InboxQuery = Type.Object(
  {
    ...PageQuery.properties,
    within: Type.Optional(Id({ description: 'Only records of this area’s subtree' })),
    reason: Type.Optional(InboxReason),
    kind: Type.Optional(Type.Enum(RECORD_KINDS)),
    status: Type.Optional(Type.Enum(INBOX_STATUSES, { default: 'open' })),
  },
  { $id: 'HealthInboxQuery' },
);
export type InboxQuery = Static<typeof InboxQuery>;

export const InboxItem = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.Enum(FEED_KINDS),
    source: Type.String(),
    batchId: Nullable(Type.Integer()),
    reason: Nullable(InboxReason),
    status: Type.Enum(INBOX_STATUSES),
    areaId: Type.Integer(),
    /** The record's area path ("/1/5/23/"): the web offers matching where a grant covers it. */
    areaPath: Type.String(),
    personId: Nullable(Type.Integer()),
    occurredAt: Type.String({ format: 'date-time' }),
    result: Nullable(Type.String()),
    value: Nullable(Type.Number()),
    details: Nullable(Type.Record(Type.String(), Type.String())),
    documentMasked: Nullable(Type.String()),
    nameMasked: Nullable(Type.String()),
    note: Nullable(Type.String()),
    resolvedBy: Nullable(Type.String()),
    resolvedAt: Nullable(Type.String({ format: 'date-time' })),
    receivedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'HealthInboxItem' },
);
export type InboxItem = Static<typeof InboxItem>;
export const InboxPage = Type.With(Page(InboxItem), { $id: 'HealthInboxPage' });

export const MatchBody = Type.Object(
  { personId: Type.Integer({ minimum: 1, maximum: 2147483647 }) },
  { $id: 'MatchBody', additionalProperties: false },
);
export type MatchBody = Static<typeof MatchBody>;

export const DismissBody = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 200 }) },
  { $id: 'DismissBody', additionalProperties: false },
);
export type DismissBody = Static<typeof DismissBody>;

export const LeadFromInboxBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 200 })) },
  { $id: 'LeadFromInboxBody', additionalProperties: false },
);
export type LeadFromInboxBody = Static<typeof LeadFromInboxBody>;

export const LeadFromInboxResult = Type.Object(
  { record: InboxItem, leadId: Type.Integer() },
  { $id: 'LeadFromInboxResult' },
);
export type LeadFromInboxResult = Static<typeof LeadFromInboxResult>;

export const RiskAreaQuery = Type.Object(
  {
    current: Type.Optional(Type.Boolean({ description: 'Only the areas in force now' })),
    level: Type.Optional(Type.Enum(['high', 'medium', 'low'])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 1000 })),
  },
  { $id: 'RiskAreaQuery' },
);
export type RiskAreaQuery = Static<typeof RiskAreaQuery>;

export const RiskAreaView = Type.Object(
  {
    id: Type.Integer(),
    source: Type.String(),
    name: Type.String(),
    regionCode: Nullable(Type.String()),
    level: Type.Enum(['high', 'medium', 'low']),
    validFrom: Type.String({ format: 'date-time' }),
    validTo: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'RiskAreaView' },
);
export type RiskAreaView = Static<typeof RiskAreaView>;
export const RiskAreaList = Type.Object({ items: Type.Array(RiskAreaView) }, { $id: 'RiskAreaList' });
