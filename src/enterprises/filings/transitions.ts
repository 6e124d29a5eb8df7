import type { FilingState } from '../../db/schema.js';

export type { FilingState };

/** The states of a filing, in the order a filing usually passes them. */
export const FILING_STATES = [
  'draft',
  'submitted',
  'inspected',
  'approved',
  'returned',
  'suspended',
] as const;

/** What moves a filing: the enterprise submits, an inspection is recorded, staff decide. */
export const FILING_ACTIONS = ['submit', 'inspect', 'approve', 'return', 'suspend'] as const;
export type FilingAction = (typeof FILING_ACTIONS)[number];

/** Staff decisions, each a route of its own. */
export const FILING_DECISIONS = ['approve', 'return', 'suspend'] as const;
export type FilingDecision = (typeof FILING_DECISIONS)[number];

/**
 * The one table of moves (state × action → state). A returned filing is edited and submitted
 * again; an approved one (back at work) can be suspended, and a suspended one either re-approved
 * once its problems are put right or returned so the enterprise files again.
 */
const MOVES: Readonly<Record<FilingAction, Partial<Record<FilingState, FilingState>>>> = {
  submit: { draft: 'submitted', returned: 'submitted' },
  inspect: { submitted: 'inspected' },
  approve: { inspected: 'approved', suspended: 'approved' },
  return: { submitted: 'returned', inspected: 'returned', suspended: 'returned' },
  suspend: { approved: 'suspended' },
};

/** The state after `action`, or null when the action is not allowed in `state`. */
export function nextState(state: FilingState, action: FilingAction): FilingState | null {
  return MOVES[action][state] ?? null;
}

/** The actions allowed in a state (what a page offers). */
export function allowedActions(state: FilingState): FilingAction[] {
  return FILING_ACTIONS.filter((action) => nextState(state, action) !== null);
}

/** The enterprise (or staff for it) edits, uploads and signs only before submitting, or after a return. */
export const isEditable = (state: FilingState): boolean => state === 'draft' || state === 'returned';

/** Waiting for staff: inspected and decided by the filing's deadline. */
export const isAwaitingDecision = (state: FilingState): boolean =>
  state === 'submitted' || state === 'inspected';
