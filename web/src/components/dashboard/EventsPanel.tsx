import { lazy, Suspense, useMemo } from 'react';
import { Spin } from 'antd';
import type { EventFigures } from '../../api/model';
import { DASHBOARD_EVENT_TIERS } from '../health/vocabulary';
import { useI18n } from '../../i18n/context';
import { formatCount } from './FigureTiles';
import './events.css';

const TierChart = lazy(() => import('./TierChart').then((module) => ({ default: module.TierChart })));

interface Stat {
  key: string;
  label: string;
  value: number;
  note?: string;
  tone?: 'ok' | 'warn' | 'alert';
}

/**
 * Events and resident requests of the node: what is open, what is overdue (in red), what came
 * and went today, device alerts of the last hour, and the open events per tier.
 */
export function EventsPanel({ figures }: { figures: EventFigures }) {
  const { t, locale } = useI18n();
  const stats: Stat[] = [
    { key: 'open', label: t('dashboard.events.open'), value: figures.open },
    {
      key: 'overdue',
      label: t('dashboard.events.overdue'),
      value: figures.overdue,
      tone: figures.overdue > 0 ? 'alert' : 'ok',
    },
    { key: 'newToday', label: t('dashboard.events.newToday'), value: figures.newToday },
    { key: 'closedToday', label: t('dashboard.events.closedToday'), value: figures.closedToday, tone: 'ok' },
    {
      key: 'alertsLastHour',
      label: t('dashboard.events.alertsLastHour'),
      value: figures.alertsLastHour,
      tone: figures.alertsLastHour > 0 ? 'warn' : undefined,
    },
    {
      key: 'openRequests',
      label: t('dashboard.events.openRequests'),
      value: figures.openRequests,
      note: t('dashboard.events.unassigned', { count: formatCount(figures.unassignedRequests, locale) }),
      tone: figures.unassignedRequests > 0 ? 'warn' : undefined,
    },
  ];
  const bars = useMemo(
    () =>
      DASHBOARD_EVENT_TIERS.map((tier) => ({ label: t(`events.tier.${tier}`), value: figures.byTier[tier] })),
    [figures.byTier, t],
  );
  return (
    <div className="bigscreen-events" data-testid="dashboard-events">
      <dl className="bigscreen-events-stats">
        {stats.map((stat) => (
          <div
            key={stat.key}
            className={`bigscreen-events-stat${stat.tone ? ` events-${stat.tone}` : ''}`}
            data-testid={`events-${stat.key}`}
          >
            <dt>{stat.label}</dt>
            <dd>
              <span className="bigscreen-events-value">{formatCount(stat.value, locale)}</span>
              {stat.note && <small>{stat.note}</small>}
            </dd>
          </div>
        ))}
      </dl>
      <div className="bigscreen-events-chart">
        <Suspense fallback={<Spin className="map-spin" />}>
          <TierChart bars={bars} name={t('dashboard.events.byTier')} />
        </Suspense>
      </div>
    </div>
  );
}
