// Names of the server's codes (roles, levels, error codes…) in the current language.
import { isApiError } from '../api/client';
import type { FeedEvent } from '../api/model';
import { isSystemActor } from '../api/vocabulary';
import type { I18n } from './context';

type Translator = Pick<I18n, 't' | 'has'>;

function named(i18n: Translator, prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return i18n.has(key) ? i18n.t(key) : value;
}

export const roleLabel = (i18n: Translator, role: string) => named(i18n, 'role', role);
export const rightLabel = (i18n: Translator, right: string) => named(i18n, 'right', right);
export const levelLabel = (i18n: Translator, level: string) => named(i18n, 'level', level);
export const kindLabel = (i18n: Translator, kind: string) => named(i18n, 'kind', kind);
export const categoryLabel = (i18n: Translator, category: string) => named(i18n, 'category', category);
export const auditActionLabel = (i18n: Translator, action: string) => named(i18n, 'auditAction', action);
export const entityTypeLabel = (i18n: Translator, type: string) => named(i18n, 'entityType', type);
export const feedStatusLabel = (i18n: Translator, status: string) => named(i18n, 'feedStatus', status);
export const importStatusLabel = (i18n: Translator, status: string) => named(i18n, 'importStatus', status);

/**
 * Who did something, as a reader names them: the system's own actors by their names (系统自动升级,
 * not "system:escalation"), an API token as "接口令牌 <name>", a person by their user name.
 */
export function actorLabel(i18n: Translator, actor: string): string {
  if (isSystemActor(actor)) return i18n.t(`systemActor.${actor}`);
  if (actor.startsWith('token:')) return `${i18n.t('entityType.api_token')} ${actor.slice('token:'.length)}`;
  return actor;
}

export const sexLabel = (i18n: Translator, sex: string) => named(i18n, 'sex', sex);
export const residenceLabel = (i18n: Translator, type: string) => named(i18n, 'residence', type);
export const tagLabel = (i18n: Translator, tag: string) => named(i18n, 'tag', tag);
export const personStatusLabel = (i18n: Translator, status: string) => named(i18n, 'personStatus', status);
export const documentTypeLabel = (i18n: Translator, type: string) => named(i18n, 'documentType', type);
export const houseUseLabel = (i18n: Translator, use: string) => named(i18n, 'houseUse', use);
export const tenureLabel = (i18n: Translator, tenure: string) => named(i18n, 'tenure', tenure);
export const houseTypeLabel = (i18n: Translator, type: string) => named(i18n, 'houseType', type);
export const unitCategoryLabel = (i18n: Translator, category: string) =>
  named(i18n, 'unitCategory', category);
export const tenancyStatusLabel = (i18n: Translator, status: string) => named(i18n, 'tenancyStatus', status);
export const healthColourLabel = (i18n: Translator, colour: string) => named(i18n, 'healthColour', colour);
export const pendingKindLabel = (i18n: Translator, kind: string) => named(i18n, 'pendingKind', kind);
export const pendingStatusLabel = (i18n: Translator, status: string) => named(i18n, 'pendingStatus', status);
export const historyKindLabel = (i18n: Translator, kind: string) => named(i18n, 'historyKind', kind);
export const placeKindLabel = (i18n: Translator, kind: string) => named(i18n, 'placeKind', kind);
export const codeStatusLabel = (i18n: Translator, status: string) => named(i18n, 'codeStatus', status);
/** Suggestions of the public forms are Chinese words; other languages show their translation. */
export const arrivalReasonLabel = (i18n: Translator, reason: string) => named(i18n, 'arrivalReason', reason);
export const relationLabel = (i18n: Translator, relation: string) => named(i18n, 'relation', relation);

export const keyPersonCategoryLabel = (i18n: Translator, category: string) =>
  named(i18n, 'kpCategory', category);
export const keyPersonStatusLabel = (i18n: Translator, status: string) => named(i18n, 'kpStatus', status);
export const followUpKindLabel = (i18n: Translator, kind: string) => named(i18n, 'followUpKind', kind);
export const followUpSlotLabel = (i18n: Translator, slot: string) => named(i18n, 'followUpSlot', slot);
export const markKindLabel = (i18n: Translator, kind: string) => named(i18n, 'markKind', kind);
export const markReasonLabel = (i18n: Translator, reason: string) => named(i18n, 'markReason', reason);
export const roundStatusLabel = (i18n: Translator, status: string) => named(i18n, 'roundStatus', status);
export const testResultLabel = (i18n: Translator, result: string) => named(i18n, 'testResult', result);
export const leadOutcomeLabel = (i18n: Translator, outcome: string) => named(i18n, 'leadOutcome', outcome);
export const leadMeasureLabel = (i18n: Translator, measure: string) => named(i18n, 'leadMeasure', measure);
export const leadTierLabel = (i18n: Translator, tier: string) => named(i18n, 'leadTier', tier);
export const leadStatusLabel = (i18n: Translator, status: string) => named(i18n, 'leadStatus', status);
export const leadRouteLabel = (i18n: Translator, route: string) => named(i18n, 'leadRoute', route);
export const leadEventLabel = (i18n: Translator, kind: string) => named(i18n, 'leadEvent', kind);
export const inboxStatusLabel = (i18n: Translator, status: string) => named(i18n, 'inboxStatus', status);
export const inboxReasonLabel = (i18n: Translator, reason: string) => named(i18n, 'inboxReason', reason);
/** Feed and record kinds, in either spelling the server uses ("tests" for a feed, "test" for a record). */
export const recordKindLabel = (i18n: Translator, kind: string) => named(i18n, 'recordKind', kind);
export const contactSourceLabel = (i18n: Translator, source: string) => named(i18n, 'contactSource', source);

/** One line of the dashboard's live feed, in the user's language. */
export function feedEventText(i18n: Translator & Pick<I18n, 'locale'>, event: FeedEvent): string {
  const area = event.area?.name ?? '';
  const detail = event.detail ?? '';
  const category = event.category
    ? i18n.locale === 'en'
      ? event.category.nameEn
      : event.category.nameZh
    : '';
  switch (event.type) {
    case 'event_new':
      return i18n.t(detail === 'device' ? 'dashboard.feed.eventAlert' : 'dashboard.feed.eventNew', {
        area,
        category,
      });
    case 'event_escalated':
      return i18n.t('dashboard.feed.eventEscalated', {
        area,
        category,
        tier: named(i18n, 'events.tier', detail),
      });
    case 'event_closed':
      return i18n.t('dashboard.feed.eventClosed', { area, category });
    case 'key_person':
      return i18n.t('feedEvent.key_person', { area, category: keyPersonCategoryLabel(i18n, detail) });
    case 'lead_verified':
      return i18n.t('feedEvent.lead_verified', { area, outcome: leadOutcomeLabel(i18n, detail) });
    case 'lead_escalated':
      return i18n.t('feedEvent.lead_escalated', { area, tier: leadTierLabel(i18n, detail) });
    case 'arrival_confirmed':
      return i18n.t('feedEvent.arrival_confirmed', { area, kind: pendingKindLabel(i18n, detail) });
    case 'round_created':
      return i18n.t('feedEvent.round_created', { area, name: detail });
    case 'feed_done': {
      const kind = recordKindLabel(i18n, detail);
      if (event.status === 'failed') return i18n.t('feedEvent.feed_failed', { area, kind });
      return event.counts
        ? i18n.t('feedEvent.feed_done_counts', {
            area,
            kind,
            inserted: event.counts.inserted,
            unmatched: event.counts.unmatched,
          })
        : i18n.t('feedEvent.feed_done', { area, kind });
    }
  }
}

/** A field of a person, house, unit or import file, by its API name (camelCase or a column's snake_case). */
export function fieldLabel(i18n: Translator, field: string): string {
  const camel = field.replace(/_([a-z])/g, (_m, letter: string) => letter.toUpperCase());
  const name = camel === 'areaId' ? 'area' : camel === 'houseId' ? 'house' : camel;
  return named(i18n, 'field', name);
}

/** Where a history entry came from: "import:persons.csv" reads as the import, with its file. */
export function sourceLabel(i18n: Translator, source: string): string {
  const [kind = source, detail] = source.split(/:(.*)/s);
  const label = named(i18n, 'source', kind);
  return detail ? `${label} (${detail})` : label;
}

/** The sentence for a stable error or field-problem code (an import reject's, say), or null when it has none. */
export function codeText(i18n: Translator, code: string): string | null {
  for (const key of [`problem.${code}`, `error.${code}`]) if (i18n.has(key)) return i18n.t(key);
  return null;
}

/** The values an error's sentence names ({name}, {maximum}), when the server sent them. */
function paramsOf(error: object): Record<string, string | number> {
  const params = (error as { params?: unknown }).params;
  const result: Record<string, string | number> = {};
  if (typeof params === 'object' && params !== null)
    for (const [name, value] of Object.entries(params))
      if (typeof value === 'string' || typeof value === 'number') result[name] = value;
  return result;
}

/** A user-facing sentence for any thrown error: translated by code, else the server's own message. */
export function errorText(i18n: Translator, error: unknown): string {
  if (isApiError(error)) {
    const key = `error.${error.code}`;
    if (!i18n.has(key)) return i18n.t('error.unknown', { message: error.message });
    const text = i18n.t(key, paramsOf(error));
    // A sentence whose values the error did not carry reads better as the server worded it.
    return /\{\w+\}/.test(text) ? error.message : text;
  }
  return i18n.t('error.unknown', { message: error instanceof Error ? error.message : String(error) });
}

/** A field problem the server (or an import report) sent as data: its sentence from code and params. */
export function fieldProblemText(
  i18n: Translator,
  problem: { code?: string; params?: Record<string, string | number | boolean | null>; message: string },
): string {
  const key = `problem.${problem.code ?? ''}`;
  if (!i18n.has(key)) return problem.message;
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(problem.params ?? {}))
    if (value !== null) params[name] = typeof value === 'boolean' ? String(value) : value;
  return i18n.t(key, params);
}
