// The health pages' closed word lists, in the order they are offered. The server's own lists live in
// src/core/vocabulary.ts (../../api/vocabulary); these are the ones it keeps beside its schemas, so each
// is checked here against the generated API types: a word the server adds or drops fails the build.
import type {
  EventFigures,
  HealthInboxQuery,
  KeyPersonView,
  LeadView,
  MarkBody,
  VerifyBody,
} from '../../api/model';

/** The list, when it names every member of the union `T` (in the order shown). */
export const everyOf =
  <T extends string>() =>
  <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : never)): L =>
    list;

export type KeyPersonCategory = KeyPersonView['category'];
export const KEY_PERSON_CATEGORIES = everyOf<KeyPersonCategory>()([
  'returnee',
  'close_contact',
  'secondary_contact',
  'home_quarantine',
  'home_monitoring',
  'positive',
  'fever',
]);

export type LeadTier = LeadView['tier'];
export const LEAD_TIERS = everyOf<LeadTier>()(['worker', 'grid_leader', 'community']);

export type LeadOutcome = VerifyBody['outcome'];
export const LEAD_OUTCOMES = everyOf<LeadOutcome>()(['found_here', 'moved', 'not_found', 'wrong_data']);

export type LeadMeasure = VerifyBody['measures'][number];
export const LEAD_MEASURES = everyOf<LeadMeasure>()([
  'home_quarantine',
  'home_monitoring',
  'centralised_quarantine',
  'test_arranged',
  'health_code_managed',
  'referred',
  'none',
]);

export type MarkKind = MarkBody['kind'];
export type MarkReason = MarkBody['reason'];
export const EXEMPT_REASONS = [
  'bedridden',
  'infant',
  'away',
  'other',
] as const satisfies readonly MarkReason[];
export const OUTCOME_REASONS = [
  'refused',
  'tested_elsewhere',
  'unreachable',
  'scheduled',
] as const satisfies readonly MarkReason[];
const MARK_REASONS: readonly MarkReason[] = everyOf<MarkReason>()([...EXEMPT_REASONS, ...OUTCOME_REASONS]);

/** A mark's reason as the server sends it back (a plain string) is one the dialog offers. */
export const isMarkReason = (value: string): value is MarkReason =>
  MARK_REASONS.some((reason) => reason === value);

export type InboxReason = NonNullable<HealthInboxQuery['reason']>;
export const INBOX_REASONS = everyOf<InboxReason>()(['unknown_number', 'invalid_number']);

export type RecordKind = NonNullable<HealthInboxQuery['kind']>;
export const RECORD_KINDS = everyOf<RecordKind>()(['tests', 'vaccinations', 'temperatures', 'healthcodes']);

export type EventTier = keyof EventFigures['byTier'];
export const DASHBOARD_EVENT_TIERS = everyOf<EventTier>()([
  'microgrid',
  'grid',
  'village',
  'township',
  'county',
]);
