import type { EnterpriseBoard } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { formatCount } from './FigureTiles';
import './events.css';

/** 复工复产 on the big screen: back at work of filed, employees cleared, inspections due and overdue. */
export function EnterprisesPanel({ board }: { board: EnterpriseBoard }) {
  const { t, locale } = useI18n();
  const count = (value: number) => formatCount(value, locale);
  const { total } = board;
  const stats = [
    {
      key: 'approved',
      label: t('dashboard.enterprises.approved'),
      value: total.approved,
      note: t('dashboard.enterprises.ofFiled', { filed: count(total.filed) }),
      tone: 'ok',
    },
    {
      key: 'cleared',
      label: t('dashboard.enterprises.cleared'),
      value: total.cleared,
      note: t('dashboard.enterprises.ofEmployees', { employees: count(total.employees) }),
      tone: total.refused > 0 ? 'warn' : undefined,
    },
    {
      key: 'overdue',
      label: t('dashboard.enterprises.overdue'),
      value: total.inspectionsOverdue + total.filingsOverdue + total.rectificationsOverdue,
      note: t('dashboard.enterprises.due', { due: count(total.inspectionsDue) }),
      tone:
        total.inspectionsOverdue + total.filingsOverdue + total.rectificationsOverdue > 0 ? 'alert' : 'ok',
    },
  ] as const;
  return (
    <dl className="bigscreen-events-stats" data-testid="dashboard-enterprises">
      {stats.map((stat) => (
        <div
          key={stat.key}
          className={`bigscreen-events-stat${stat.tone ? ` events-${stat.tone}` : ''}`}
          data-testid={`enterprises-${stat.key}`}
        >
          <dt>{stat.label}</dt>
          <dd>
            <span className="bigscreen-events-value">{count(stat.value)}</span>
            <small>{stat.note}</small>
          </dd>
        </div>
      ))}
    </dl>
  );
}
