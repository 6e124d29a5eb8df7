import { Card, List, Tag, Typography } from 'antd';
import type { CheckRecordView } from '../../api/model';
import { type I18n } from '../../i18n/context';

const PAGE_SIZE = 10;

/** Today's crossings at the checkpoint, masked, newest first. */
export function GateRecentCard({
  i18n,
  items,
  loading,
}: {
  i18n: I18n;
  items: CheckRecordView[];
  loading: boolean;
}) {
  const { t } = i18n;
  return (
    <Card size="small" className="gate-card" title={t('gate.recent')} data-testid="gate-recent">
      <List
        loading={loading}
        dataSource={items}
        // A busy gate crosses hundreds a day: ten at a time keeps the phone page short.
        pagination={items.length > PAGE_SIZE ? { pageSize: PAGE_SIZE, size: 'small', simple: true } : false}
        locale={{ emptyText: t('gate.noRecent') }}
        renderItem={(r) => (
          <List.Item className="gate-recent-item">
            <span className={`gate-dot gate-dot-${r.verdict ?? 'none'}`} aria-hidden />
            <span className="gate-recent-who">
              {r.plate ?? r.nameMasked ?? '—'}
              <Typography.Text type="secondary" className="gate-recent-meta">
                {new Date(r.at).toLocaleTimeString(i18n.locale, { hour: '2-digit', minute: '2-digit' })}
                {r.direction ? ` · ${t(`checkpoint.direction.${r.direction}`)}` : ''}
                {r.temperature !== null ? ` · ${r.temperature.toFixed(1)}℃` : ''}
                {r.source === 'device' ? ` · ${t('gate.device')}` : ''}
              </Typography.Text>
            </span>
            {r.decision && (
              <Tag color={r.decision === 'allowed' ? 'green' : 'red'}>
                {t(`checkpoint.decision.${r.decision}`)}
              </Tag>
            )}
          </List.Item>
        )}
      />
    </Card>
  );
}
