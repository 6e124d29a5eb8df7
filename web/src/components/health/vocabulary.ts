// The health pages' closed word lists, in the order they are offered. They are the server's own
// (src/core/vocabulary.ts through ../../api/vocabulary), so there is no copy here to drift.
import { isOneOf, MARK_REASONS, type MarkReason } from '../../api/vocabulary';

export {
  EVENT_TIERS as DASHBOARD_EVENT_TIERS,
  EXEMPT_REASONS,
  INBOX_REASONS,
  KEY_PERSON_CATEGORIES,
  LEAD_MEASURES,
  LEAD_OUTCOMES,
  LEAD_TIERS,
  OUTCOME_REASONS,
  RECORD_KINDS,
} from '../../api/vocabulary';
export type {
  EventTier,
  InboxReason,
  KeyPersonCategory,
  LeadMeasure,
  LeadOutcome,
  LeadTier,
  MarkKind,
  MarkReason,
  RecordKind,
} from '../../api/vocabulary';

/** The list, when it names every member of the union `T` (in the order shown). */
export const everyOf =
  <T extends string>() =>
  <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : never)): L =>
    list;

/** A mark's reason as the server sends it back (a plain string) is one the dialog offers. */
export const isMarkReason = (value: string): value is MarkReason => isOneOf(MARK_REASONS, value);
