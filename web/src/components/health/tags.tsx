import { Tag } from 'antd';
import type { LeadView, MarkView } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { keyPersonCategoryLabel, leadStatusLabel, markReasonLabel } from '../../i18n/labels';
import type { KeyPersonCategory } from './vocabulary';

const CATEGORY_COLOURS: Record<KeyPersonCategory, string> = {
  positive: 'red',
  close_contact: 'volcano',
  secondary_contact: 'orange',
  returnee: 'purple',
  home_quarantine: 'blue',
  home_monitoring: 'cyan',
  fever: 'magenta',
};

export function CategoryTag({ category }: { category: KeyPersonCategory }) {
  const i18n = useI18n();
  return <Tag color={CATEGORY_COLOURS[category]}>{keyPersonCategoryLabel(i18n, category)}</Tag>;
}

/** Open, overdue (red) or verified. */
export function LeadStatusTag({ lead }: { lead: Pick<LeadView, 'status' | 'overdue'> }) {
  const i18n = useI18n();
  if (lead.status === 'open' && lead.overdue) return <Tag color="red">{i18n.t('leads.overdue')}</Tag>;
  return (
    <Tag color={lead.status === 'verified' ? 'green' : 'gold'}>{leadStatusLabel(i18n, lead.status)}</Tag>
  );
}

/** A worker's mark on an untested person: an exemption (grey) or an outcome (orange). */
export function MarkTag({ mark }: { mark: MarkView }) {
  const i18n = useI18n();
  return (
    <Tag color={mark.kind === 'exempt' ? 'default' : 'orange'} title={mark.note ?? undefined}>
      {markReasonLabel(i18n, mark.reason)}
    </Tag>
  );
}
