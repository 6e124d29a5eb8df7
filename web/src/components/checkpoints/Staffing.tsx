import { Tag } from 'antd';
import type { CheckpointFigureCounts, StaffingView } from '../../api/model';
import { useI18n } from '../../i18n/context';

export const STAFFING_COLOURS: Record<StaffingView['state'], string> = {
  staffed: 'green',
  short: 'orange',
  gap: 'red',
  closed: 'default',
  unscheduled: 'default',
};

/** "在岗 2/2", "缺岗", "未开放": the one-glance state of a checkpoint's duty. */
export function StaffingTag({ staffing }: { staffing: StaffingView }) {
  const { t } = useI18n();
  const count =
    staffing.state === 'closed' || staffing.state === 'unscheduled'
      ? null
      : staffing.required > 0
        ? t('checkpointBoard.onDutyOf', { onDuty: staffing.onDuty, required: staffing.required })
        : t('checkpointBoard.onDutyCount', { onDuty: staffing.onDuty });
  return (
    <Tag color={STAFFING_COLOURS[staffing.state]} data-testid="staffing-tag" data-state={staffing.state}>
      {t(`checkpointBoard.state.${staffing.state}`)}
      {count && ` · ${count}`}
    </Tag>
  );
}

export const FIGURE_FIELDS = ['people', 'vehicles', 'refused', 'fevers', 'flagged', 'gaps'] as const;
/** The figures that call for attention when they are not zero. */
export const ALERT_FIELDS = new Set<string>(['refused', 'fevers', 'flagged', 'gaps']);

/** Today's six figures as a compact grid of numbers. */
export function FigureGrid({ counts, testId }: { counts: CheckpointFigureCounts; testId?: string }) {
  const { t, locale } = useI18n();
  const format = new Intl.NumberFormat(locale);
  return (
    <dl className="checkpoint-figures" data-testid={testId}>
      {FIGURE_FIELDS.map((field) => (
        <div
          key={field}
          className={`checkpoint-figure${ALERT_FIELDS.has(field) && counts[field] > 0 ? ' checkpoint-figure-alert' : ''}`}
          data-testid={`figure-${field}`}
        >
          <dt>{t(`checkpointBoard.figures.${field}`)}</dt>
          <dd>{format.format(counts[field])}</dd>
        </div>
      ))}
    </dl>
  );
}

/** "14:05" in China time, whatever the browser's zone. */
export const clockTime = (iso: string, locale: string) =>
  new Intl.DateTimeFormat(locale, {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: 'Asia/Shanghai',
  }).format(new Date(iso));
