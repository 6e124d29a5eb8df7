import type { ReactNode } from 'react';
import type { DashboardView } from '../../api/model';
import { useI18n } from '../../i18n/context';

interface Tile {
  key: string;
  label: string;
  value: ReactNode;
  note?: ReactNode;
  tone?: 'ok' | 'warn' | 'alert';
}

export const formatCount = (value: number, locale: string) => new Intl.NumberFormat(locale).format(value);
export const formatShare = (share: number | null) =>
  share === null ? '—' : `${(Math.round(share * 1000) / 10).toFixed(1)}%`;

/** The headline figures of the node in one row. */
export function FigureTiles({ data }: { data: DashboardView }) {
  const { t, locale } = useI18n();
  const count = (value: number) => formatCount(value, locale);
  const coverage = data.round?.coverage ?? null;
  const { figures } = data;
  const tiles: Tile[] = [
    { key: 'residents', label: t('dashboard.figure.residents'), value: count(figures.residents) },
    {
      key: 'tested',
      label: t('dashboard.figure.testedShare'),
      value: coverage ? formatShare(coverage.testedShare) : '—',
      note: coverage
        ? t('dashboard.figure.testedOf', { tested: count(coverage.tested), due: count(coverage.due) })
        : t('dashboard.noRound'),
      tone: coverage && (coverage.testedShare ?? 0) >= 0.95 ? 'ok' : undefined,
    },
    {
      key: 'untested',
      label: t('dashboard.figure.untested'),
      value: coverage ? count(coverage.untested) : '—',
      note: coverage ? t('dashboard.figure.exempt', { exempt: count(coverage.exempt) }) : undefined,
      tone: coverage && coverage.untested > 0 ? 'warn' : undefined,
    },
    {
      key: 'keyPersons',
      label: t('dashboard.figure.keyPersons'),
      value: count(figures.keyPersons.total),
      note: t('dashboard.figure.underFollowUp'),
    },
    {
      key: 'leftToZero',
      label: t('dashboard.figure.leftToZero'),
      value: count(figures.leads.leftToZero),
      note: t('dashboard.figure.leadsVerified', {
        verified: count(figures.leads.verified),
        total: count(figures.leads.total),
      }),
      tone: figures.leads.leftToZero === 0 ? 'ok' : 'warn',
    },
    {
      key: 'overdue',
      label: t('dashboard.figure.overdue'),
      value: count(figures.leads.overdue),
      tone: figures.leads.overdue > 0 ? 'alert' : 'ok',
    },
    {
      key: 'pendingArrivals',
      label: t('dashboard.figure.pendingArrivals'),
      value: count(figures.pendingArrivals),
      note: t('dashboard.figure.toConfirm'),
      tone: figures.pendingArrivals > 0 ? 'warn' : undefined,
    },
  ];
  return (
    <section className="bigscreen-figures" data-testid="dashboard-figures">
      {tiles.map((tile) => (
        <div
          key={tile.key}
          className={`bigscreen-tile${tile.tone ? ` tile-${tile.tone}` : ''}`}
          data-testid={`figure-${tile.key}`}
        >
          <div className="bigscreen-tile-label">{tile.label}</div>
          <div className="bigscreen-tile-value">{tile.value}</div>
          {tile.note && <div className="bigscreen-tile-note">{tile.note}</div>}
        </div>
      ))}
    </section>
  );
}
