// The event words the forms and filters offer. The lists are the server's own (src/core/vocabulary.ts
// through ../../api/vocabulary), so a word the server adds or drops reaches the pages with no copy here.
import type { CategoryView, StepLimitsSchema } from '../../api/model';
import type { WorkflowAction } from '../../api/vocabulary';

export {
  EVENT_SOURCES,
  EVENT_STATUSES,
  EVENT_STEPS,
  EVENT_TIERS,
  LIMIT_UNITS,
  STAFF_SOURCES,
  WORKFLOW_ACTIONS as EVENT_ACTIONS,
  OPEN_EVENT_STATUSES as OPEN_STATUSES,
} from '../../api/vocabulary';
export type {
  EventSource,
  EventStatus,
  EventStep,
  EventTier,
  LimitUnit,
  StaffSource,
} from '../../api/vocabulary';

export type StepLimits = StepLimitsSchema;
export type EventCategory = CategoryView;
/** The workflow actions: one route each (/api/events/{id}/actions/<action>). */
export type EventAction = WorkflowAction;

/** A photo of an event, as an image address (the browser sends the session cookie). */
export const eventPhotoUrl = (eventId: number, photoId: number) => `/api/events/${eventId}/photos/${photoId}`;
