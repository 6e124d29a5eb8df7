/**
 * The built-in checklist for an enterprise back at work (复工复产), used where no district has set its
 * own. Stored by key only: its names are translated (notifications catalogs `checklist*`, and the web).
 */
export const DEFAULT_CHECKLIST = [
  'handwash',
  'temperature',
  'masks',
  'gatherings',
  'spacing',
  'meals',
  'supplies',
  'ventilation',
  'disinfection',
  'staffHealth',
] as const;
export type DefaultChecklistKey = (typeof DEFAULT_CHECKLIST)[number];

/** Days a failed item has to be put right, unless the district's checklist says otherwise. */
export const DEFAULT_RECTIFICATION_DAYS = 3;

/** The notification catalog key naming a built-in item. */
export const checklistTextKey = (key: string) =>
  `checklist${key.charAt(0).toUpperCase()}${key.slice(1)}` as const;
