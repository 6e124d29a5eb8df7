import type { Right } from '../auth/rights.js';
import { conflict } from '../core/errors.js';
import type { EventStatus, EventStep } from '../db/schema.js';
import { CLOCKED_EVENT_STATUSES, WORKFLOW_ACTIONS, type WorkflowAction } from '../core/vocabulary.js';

/**
 * The event workflow as data: collect → register → dispatch → handle → report back → check and
 * close → evaluate, with reject, reassign, return, suspend/resume and merge. Every action names the
 * statuses it may start from and where it leads; anything else is refused with 409.
 */
export { WORKFLOW_ACTIONS, type WorkflowAction };

/** Statuses whose step clock runs (and can escalate). */
export const CLOCKED_STATUSES = CLOCKED_EVENT_STATUSES;
export const isClocked = (status: EventStatus) => (CLOCKED_STATUSES as readonly string[]).includes(status);

/** 'previous': back to the status held before the suspension. */
type Target = EventStatus | 'previous';
const fromEveryOpen = (to: Target): Partial<Record<EventStatus, Target>> =>
  Object.fromEntries(CLOCKED_STATUSES.map((s) => [s, to]));

export const TRANSITIONS: Record<WorkflowAction, Partial<Record<EventStatus, Target>>> = {
  register: { collected: 'registered' },
  reject: { collected: 'rejected', registered: 'rejected' },
  dispatch: { registered: 'dispatched' },
  reassign: { dispatched: 'dispatched', handling: 'dispatched' },
  // From 'registered' a handler takes the event on themselves (small matters in the micro-grid).
  accept: { registered: 'handling', dispatched: 'handling' },
  report: { handling: 'reported' },
  // The checker returns a report to the handler; the handler returns an event to the dispatcher.
  return: { reported: 'handling', dispatched: 'registered', handling: 'registered' },
  close: { reported: 'closed' },
  evaluate: { closed: 'evaluated' },
  suspend: fromEveryOpen('suspended'),
  resume: { suspended: 'previous' },
  merge: fromEveryOpen('merged'),
};

/** The step whose time limit runs in each status. */
export const STEP_OF: Partial<Record<EventStatus, EventStep>> = {
  collected: 'register',
  registered: 'dispatch',
  dispatched: 'handle',
  handling: 'handle',
  reported: 'check',
};

/** Where `action` leads from `current`, or 409 EVENT_TRANSITION_INVALID naming both. */
export function nextStatus(
  action: WorkflowAction,
  current: EventStatus,
  beforeSuspension: EventStatus | null,
): EventStatus {
  const target = TRANSITIONS[action][current];
  if (target === undefined) {
    const allowed = Object.keys(TRANSITIONS[action]).join(', ');
    throw conflict(
      'EVENT_TRANSITION_INVALID',
      `Cannot ${action} an event that is ${current} (allowed from: ${allowed})`,
      { action, status: current, allowedFrom: Object.keys(TRANSITIONS[action]) },
    );
  }
  if (target === 'previous') {
    if (!beforeSuspension) throw new Error('A suspended event without its previous status');
    return beforeSuspension;
  }
  return target;
}

export function canStart(action: WorkflowAction, current: EventStatus): boolean {
  return TRANSITIONS[action][current] !== undefined;
}

/** A fresh step clock starts when the step changes, and on a return (the step is done again). */
export function restartsClock(action: WorkflowAction, from: EventStatus, to: EventStatus): boolean {
  if (action === 'resume') return false;
  return STEP_OF[to] !== undefined && (STEP_OF[from] !== STEP_OF[to] || action === 'return');
}

/** The rights any one of which allows `action` from `from` (within the event's area). */
export function rightsFor(action: WorkflowAction, from: EventStatus): readonly Right[] {
  switch (action) {
    case 'register':
    case 'reject':
      return ['event.handle', 'event.dispatch'];
    case 'accept':
    case 'report':
      return ['event.handle'];
    case 'return':
      return from === 'reported' ? ['event.dispatch'] : ['event.handle', 'event.dispatch'];
    case 'dispatch':
    case 'reassign':
    case 'close':
    case 'evaluate':
    case 'suspend':
    case 'resume':
    case 'merge':
      return ['event.dispatch'];
  }
}
