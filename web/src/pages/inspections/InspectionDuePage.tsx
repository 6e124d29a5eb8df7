import { RightOutlined } from '@ant-design/icons';
import { Card, Empty, List, Select, Space, Spin, Tag } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useDueEnterprises, useInspectionRounds } from '../../api/inspection-hooks';
import { ErrorResult } from '../../components/ErrorResult';
import { useI18n } from '../../i18n/context';

/**
 * The grid worker's phone list (390×844): the resumed enterprises of my grid, or of a running round,
 * never inspected first, then the longest ago. A tap opens the checklist.
 */
export function InspectionDuePage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [roundId, setRoundId] = useState<number | undefined>(undefined);
  const rounds = useInspectionRounds('open');
  const due = useDueEnterprises(roundId);
  const running = (rounds.data?.items ?? []).filter((r) => r.phase === 'running' || r.phase === 'ended');

  return (
    <div className="page inspection-due-page" data-testid="inspection-due">
      <Card
        size="small"
        title={t('inspections.mineTitle')}
        extra={due.data && <Tag color="blue">{due.data.total}</Tag>}
      >
        {running.length > 0 && (
          <Select<number | 0>
            className="full-width"
            value={roundId ?? 0}
            onChange={(value) => setRoundId(value === 0 ? undefined : value)}
            options={[
              { value: 0, label: t('inspections.allDue') },
              ...running.map((r) => ({
                value: r.id,
                label: `${r.name}（${r.inspected}/${r.total}）`,
              })),
            ]}
            data-testid="inspection-round-select"
          />
        )}
        {due.error ? (
          <ErrorResult error={due.error} onRetry={due.reload} />
        ) : !due.data ? (
          <Spin className="page-spin" />
        ) : due.data.items.length === 0 ? (
          <Empty description={t('inspections.mineEmpty')} />
        ) : (
          <List
            dataSource={due.data.items}
            renderItem={(e) => (
              <List.Item key={e.id} data-testid="inspection-due-item">
                <Link
                  to={`/enterprise-inspections/new/${e.id}${roundId ? `?round=${roundId}` : ''}`}
                  className="full-width"
                >
                  <Space className="full-width" style={{ justifyContent: 'space-between' }}>
                    <Space orientation="vertical" size={0}>
                      <strong>{e.name}</strong>
                      <span className="muted">
                        {e.areaName}
                        {e.address ? ` · ${e.address}` : ''}
                      </span>
                      <span className="muted">
                        {e.lastInspectedAt
                          ? t('inspections.lastInspected', { time: i18n.formatDateTime(e.lastInspectedAt) })
                          : t('inspections.neverInspected')}
                      </span>
                    </Space>
                    <Space>
                      {e.openRectifications > 0 && (
                        <Tag color="orange">
                          {t('inspections.openTasks', { count: e.openRectifications })}
                        </Tag>
                      )}
                      <RightOutlined />
                    </Space>
                  </Space>
                </Link>
              </List.Item>
            )}
          />
        )}
      </Card>
    </div>
  );
}
