import { Empty } from 'antd';
import type { CheckpointFigureSheet } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { FigureGrid } from '../checkpoints/Staffing';
import '../checkpoints/checkpoints.css';
import { PALETTES } from '../map/palette';

const palette = PALETTES.dark;
const DOT = {
  staffed: palette.checkpointStaffed,
  short: palette.checkpointShort,
  gap: palette.checkpointGap,
  closed: palette.checkpointClosed,
  unscheduled: palette.checkpointClosed,
} as const;
/** Gaps first, then short-staffed, staffed, and the closed ones last. */
const ORDER = { gap: 0, short: 1, staffed: 2, unscheduled: 3, closed: 4 } as const;

/** The big screen's checkpoints: today's six figures, then each checkpoint's duty, gaps on top. */
export function CheckpointsPanel({ figures }: { figures: CheckpointFigureSheet }) {
  const { t, locale } = useI18n();
  const count = new Intl.NumberFormat(locale);
  if (figures.checkpoints.length === 0)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('checkpointBoard.empty')} />;
  const sorted = [...figures.checkpoints].sort(
    (a, b) => ORDER[a.staffing.state] - ORDER[b.staffing.state] || a.code.localeCompare(b.code),
  );
  return (
    <div className="bigscreen-checkpoints">
      <FigureGrid counts={figures.total} testId="dashboard-checkpoint-figures" />
      <ol className="bigscreen-checkpoint-list" data-testid="dashboard-checkpoint-list">
        {sorted.map((c) => (
          <li
            key={c.id}
            className={`bigscreen-checkpoint bigscreen-checkpoint-${c.staffing.state}`}
            data-state={c.staffing.state}
          >
            <i style={{ background: DOT[c.staffing.state] }} />
            <span className="bigscreen-checkpoint-name">{c.name}</span>
            <span className="bigscreen-checkpoint-note">
              {t(`checkpointBoard.state.${c.staffing.state}`)}
              {c.staffing.state !== 'closed' &&
                c.staffing.state !== 'unscheduled' &&
                ` ${c.staffing.onDuty}/${Math.max(c.staffing.required, c.staffing.onDuty)}`}
              {' · '}
              {t('checkpointBoard.figures.people')} {count.format(c.people)} ·{' '}
              {t('checkpointBoard.figures.vehicles')} {count.format(c.vehicles)}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
