// Names and colours of the event codes (status, tier, source, actions) in the user's language.
import { Tag } from 'antd';
import { isApiError } from '../../api/client';
import type { AssigneeView, EventListItem } from '../../api/model';
import type { I18n } from '../../i18n/context';
import { errorText } from '../../i18n/labels';
import type { EventStatus, EventTier } from './vocabulary';

type Translator = Pick<I18n, 't' | 'has' | 'locale'>;

function named(i18n: Translator, prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return i18n.has(key) ? i18n.t(key) : value;
}

export const eventStatusLabel = (i18n: Translator, status: string) => named(i18n, 'events.status', status);
export const eventTierLabel = (i18n: Translator, tier: string) => named(i18n, 'events.tier', tier);
export const eventSourceLabel = (i18n: Translator, source: string) =>
  named(i18n, 'events.sourceName', source);
export const eventStepLabel = (i18n: Translator, step: string) => named(i18n, 'events.step', step);
export const eventActionLabel = (i18n: Translator, action: string) => named(i18n, 'events.action', action);

/** A category (or anything with both names) in the user's language. */
export const localName = (i18n: Pick<I18n, 'locale'>, named: { nameZh: string; nameEn: string }) =>
  i18n.locale === 'zh-CN' ? named.nameZh : named.nameEn;
export const categoryName = (i18n: Pick<I18n, 'locale'>, category: EventListItem['category']) =>
  localName(i18n, category);

/** Event errors in plain words; anything else as the app words errors. */
export function eventErrorText(i18n: Translator, error: unknown): string {
  if (isApiError(error)) {
    const key = `events.error.${error.code}`;
    if (i18n.has(key)) return i18n.t(key);
  }
  return errorText(i18n, error);
}

const STATUS_COLOURS: Record<EventStatus, string> = {
  collected: 'orange',
  registered: 'gold',
  dispatched: 'blue',
  handling: 'processing',
  reported: 'purple',
  closed: 'green',
  evaluated: 'cyan',
  suspended: 'default',
  merged: 'default',
  rejected: 'red',
};
const TIER_COLOURS: Record<EventTier, string> = {
  microgrid: 'lime',
  grid: 'green',
  village: 'blue',
  township: 'geekblue',
  county: 'magenta',
};

export function EventStatusTag({ status, i18n }: { status: EventStatus; i18n: Translator }) {
  return (
    <Tag color={STATUS_COLOURS[status]} data-testid="event-status">
      {eventStatusLabel(i18n, status)}
    </Tag>
  );
}

export function EventTierTag({ tier, i18n }: { tier: EventTier; i18n: Translator }) {
  return <Tag color={TIER_COLOURS[tier]}>{eventTierLabel(i18n, tier)}</Tag>;
}

/** Who holds the event: a person, a team or a department. */
export function assigneeText(i18n: Translator, assignee: AssigneeView | null): string {
  if (!assignee) return i18n.t('events.unassigned');
  if (assignee.userName) return assignee.userName;
  if (assignee.teamName) return i18n.t('events.team', { name: assignee.teamName });
  if (assignee.department) return i18n.t('events.department', { name: assignee.department });
  return i18n.t('events.unassigned');
}

/** "2 小时 5 分" from milliseconds. */
export function durationText(i18n: Translator, ms: number): string {
  const minutes = Math.max(0, Math.round(Math.abs(ms) / 60_000));
  if (minutes < 60) return i18n.t('events.duration.minutes', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return i18n.t('events.duration.hours', { h: hours, m: minutes % 60 });
  return i18n.t('events.duration.days', { d: Math.floor(hours / 24), h: hours % 24 });
}

/** Time left on the step, or how long it is overdue; red when overdue. */
export function DeadlineText({
  deadline,
  overdue,
  i18n,
  now = Date.now(),
}: {
  deadline: string | null;
  overdue: boolean;
  i18n: Translator & Pick<I18n, 'formatDateTime'>;
  now?: number;
}) {
  if (!deadline) return <span className="muted">{i18n.t('events.noDeadline')}</span>;
  const left = new Date(deadline).getTime() - now;
  const late = overdue || left < 0;
  return (
    <span className={late ? 'text-alert' : undefined} data-testid="event-deadline" data-overdue={late}>
      {i18n.formatDateTime(deadline)}
      <br />
      <small>
        {late
          ? i18n.t('events.overdueBy', { time: durationText(i18n, left) })
          : i18n.t('events.remaining', { time: durationText(i18n, left) })}
      </small>
    </span>
  );
}
