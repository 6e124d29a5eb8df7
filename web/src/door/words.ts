// The server's lists the door page offers, copied because src/core/vocabulary.ts as a whole is too big
// for this page; src/i18n/door-dictionary.test.ts keeps them equal to the server's.
import type { RequestKind, Urgency } from '../api/vocabulary';

export const DOOR_REQUEST_KINDS: readonly RequestKind[] = [
  'medicine',
  'groceries',
  'gas',
  'doctor_visit',
  'transport',
  'other',
];
export const DOOR_URGENCIES: readonly Urgency[] = ['normal', 'urgent'];
