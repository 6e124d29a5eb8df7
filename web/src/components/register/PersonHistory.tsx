import { Empty, Timeline, Typography } from 'antd';
import type { ReactNode } from 'react';
import type { PersonHistoryEntry } from '../../api/model';
import type { I18n } from '../../i18n/context';
import { useI18n } from '../../i18n/context';
import {
  actorLabel,
  fieldLabel,
  historyKindLabel,
  personStatusLabel,
  residenceLabel,
  sexLabel,
  sourceLabel,
  tagLabel,
} from '../../i18n/labels';

const KIND_COLOURS: Record<string, string> = {
  registered: 'green',
  moved_in: 'green',
  returned: 'green',
  moved_out: 'red',
  changed_area: 'blue',
  updated: 'gray',
  merged: 'blue',
};

// Secrets are named in the history, never shown: "previous" → "new".
const SECRET_FIELDS = new Set(['phone', 'document_number', 'documentNumber']);
// Ids say nothing to a reader; the entry's own from/to areas do.
const HIDDEN_FIELDS = new Set(['area_id', 'house_id', 'areaId', 'houseId', 'area_path', 'region_code']);

type Translator = Pick<I18n, 't' | 'has'>;

function valueText(i18n: Translator, field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) {
    return value.length === 0
      ? '—'
      : value.map((item) => (field === 'tags' ? tagLabel(i18n, String(item)) : String(item))).join('、');
  }
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (field === 'residence_type' || field === 'residenceType') return residenceLabel(i18n, text);
  if (field === 'sex') return sexLabel(i18n, text);
  if (field === 'status') return personStatusLabel(i18n, text);
  return text;
}

const isChange = (value: unknown): value is { from: unknown; to: unknown } =>
  typeof value === 'object' && value !== null && 'from' in value && 'to' in value;

/** What changed, one line per field; other details (a reason, a destination) as they are. */
function ChangeList({ changes }: { changes: unknown }) {
  const i18n = useI18n();
  const { t } = i18n;
  if (typeof changes !== 'object' || changes === null) return null;
  const lines: ReactNode[] = [];
  for (const [field, change] of Object.entries(changes as Record<string, unknown>)) {
    if (HIDDEN_FIELDS.has(field)) continue;
    if (field === 'reason' && typeof change === 'string') {
      lines.push(<li key={field}>{t('person.reasonLabel', { reason: change })}</li>);
    } else if (field === 'departedOn' && typeof change === 'string') {
      lines.push(<li key={field}>{t('person.departedOnLabel', { date: change })}</li>);
    } else if (field === 'destination') {
      if (change)
        lines.push(<li key={field}>{t('person.destinationLabel', { destination: String(change) })}</li>);
    } else if (isChange(change)) {
      lines.push(
        <li key={field}>
          <span className="history-field">{fieldLabel(i18n, field)}</span>
          {SECRET_FIELDS.has(field)
            ? t('person.changedSecret')
            : t('person.fromTo', {
                from: valueText(i18n, field, change.from),
                to: valueText(i18n, field, change.to),
              })}
        </li>,
      );
    } else {
      lines.push(
        <li key={field}>
          <span className="history-field">{fieldLabel(i18n, field)}</span>
          {valueText(i18n, field, change)}
        </li>,
      );
    }
  }
  return lines.length > 0 ? <ul className="history-changes">{lines}</ul> : null;
}

/** The person's history, newest first: registered, moved, updated (with the changed fields), departed. */
export function PersonHistory({ history }: { history: PersonHistoryEntry[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  if (history.length === 0)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('person.noHistory')} />;
  return (
    <Timeline
      className="person-history"
      items={history.map((entry, index) => ({
        key: `${entry.at}-${index}`,
        color: KIND_COLOURS[entry.kind] ?? 'gray',
        content: (
          <div className="history-entry" data-testid="history-entry">
            <div className="muted">{i18n.formatDateTime(entry.at)}</div>
            <Typography.Text strong>{historyKindLabel(i18n, entry.kind)}</Typography.Text>
            {(entry.fromArea || entry.toArea) && (
              <span className="history-areas">
                {entry.fromArea && entry.toArea && entry.fromArea !== entry.toArea
                  ? t('person.fromTo', { from: entry.fromArea, to: entry.toArea })
                  : (entry.toArea ?? entry.fromArea)}
              </span>
            )}
            <ChangeList changes={entry.changes} />
            <div className="muted">
              {entry.source
                ? t('person.historyBy', {
                    actor: actorLabel(i18n, entry.actor),
                    source: sourceLabel(i18n, entry.source),
                  })
                : actorLabel(i18n, entry.actor)}
            </div>
          </div>
        ),
      }))}
    />
  );
}
