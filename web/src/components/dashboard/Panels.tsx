import { Empty, Progress } from 'antd';
import type { ReactNode } from 'react';
import type { DashboardView } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { keyPersonCategoryLabel } from '../../i18n/labels';
import { KEY_PERSON_CATEGORIES } from '../health/vocabulary';
import { formatCount, formatShare } from './FigureTiles';

/** A framed block of the big screen with its title. */
export function Panel({
  title,
  extra,
  className,
  children,
  testId,
}: {
  title: ReactNode;
  extra?: ReactNode;
  className?: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <section className={`bigscreen-panel${className ? ` ${className}` : ''}`} data-testid={testId}>
      <header className="bigscreen-panel-head">
        <h2 className="bigscreen-panel-title">{title}</h2>
        {extra}
      </header>
      <div className="bigscreen-panel-body">{children}</div>
    </section>
  );
}

const dateOf = (iso: string, locale: string) =>
  new Intl.DateTimeFormat(locale, { month: '2-digit', day: '2-digit', timeZone: 'Asia/Shanghai' }).format(
    new Date(iso),
  );

/** The open round: how much of the node is tested. */
export function RoundPanel({ data }: { data: DashboardView }) {
  const { t, locale } = useI18n();
  const round = data.round;
  if (!round) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.noRound')} />;
  const c = round.coverage;
  const percent = Math.round((c.testedShare ?? 0) * 1000) / 10;
  return (
    <div className="bigscreen-round" data-testid="dashboard-round">
      <Progress
        type="dashboard"
        percent={percent}
        size={150}
        strokeWidth={10}
        strokeColor={{ '0%': '#2f81f7', '100%': '#3fb950' }}
        format={() => (
          <span className="bigscreen-round-share">
            {formatShare(c.testedShare)}
            <small>{t('dashboard.round.tested')}</small>
          </span>
        )}
      />
      <div className="bigscreen-round-side">
        <dl className="bigscreen-round-facts">
          <dt>{t('dashboard.round.name')}</dt>
          <dd title={round.name}>{round.name}</dd>
          <dt>{t('dashboard.round.window')}</dt>
          <dd>
            {dateOf(round.startsAt, locale)} –{' '}
            {dateOf(new Date(Date.parse(round.endsAt) - 1).toISOString(), locale)}
          </dd>
          <dt>{t('dashboard.round.due')}</dt>
          <dd>{formatCount(c.due, locale)}</dd>
          <dt>{t('dashboard.round.testedCount')}</dt>
          <dd className="fact-ok">{formatCount(c.tested, locale)}</dd>
          <dt>{t('dashboard.round.exempt')}</dt>
          <dd>{formatCount(c.exempt, locale)}</dd>
          <dt>{t('dashboard.round.untested')}</dt>
          <dd className="fact-warn">{formatCount(c.untested, locale)}</dd>
        </dl>
        {!round.coversNode && (
          <div className="bigscreen-round-part">
            {t('dashboard.round.partial', { area: round.area.name })}
          </div>
        )}
      </div>
    </div>
  );
}

const CATEGORY_COLOURS: Record<(typeof KEY_PERSON_CATEGORIES)[number], string> = {
  positive: '#e5534b',
  close_contact: '#f0883e',
  secondary_contact: '#d4a72c',
  returnee: '#a371f7',
  home_quarantine: '#2f81f7',
  home_monitoring: '#39c5cf',
  fever: '#db61a2',
};

/** Key persons under follow-up, one bar per category. */
export function CategoryBars({ data }: { data: DashboardView }) {
  const i18n = useI18n();
  const counts = data.figures.keyPersons.byCategory;
  const max = Math.max(1, ...KEY_PERSON_CATEGORIES.map((category) => counts[category]));
  return (
    <ul className="bigscreen-bars" data-testid="dashboard-categories">
      {KEY_PERSON_CATEGORIES.map((category) => (
        <li key={category} className="bigscreen-bar">
          <span className="bigscreen-bar-label">{keyPersonCategoryLabel(i18n, category)}</span>
          <span className="bigscreen-bar-track">
            <span
              className="bigscreen-bar-fill"
              style={{ width: `${(counts[category] / max) * 100}%`, background: CATEGORY_COLOURS[category] }}
            />
          </span>
          <span className="bigscreen-bar-value">{formatCount(counts[category], i18n.locale)}</span>
        </li>
      ))}
    </ul>
  );
}
