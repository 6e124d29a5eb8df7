import { RightOutlined } from '@ant-design/icons';
import { Card, Empty, List, Segmented, Space, Spin, Tag } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { MySweepHouseholdQuery } from '../../api/model';
import { useMySweepHouseholds } from '../../api/sweep-hooks';
import { useAuth } from '../../auth/AuthContext';
import { ErrorResult } from '../../components/ErrorResult';
import { useI18n } from '../../i18n/context';

type Scope = NonNullable<MySweepHouseholdQuery['scope']>;

/**
 * The phone's list of households left to visit in running sweeps (390×844): those given to me or
 * covered by me as a volunteer, or — for grid workers — every one of my area. A tap opens the form.
 */
export function MySweepPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const staff = can('health.write');
  const [scope, setScope] = useState<Scope>(staff ? 'area' : 'mine');
  const households = useMySweepHouseholds({ scope, pageSize: 100 });

  return (
    <div className="page sweep-mine-page" data-testid="sweep-mine">
      <Card
        size="small"
        title={t('sweeps.mineTitle')}
        extra={households.data && <Tag color="blue">{households.data.total}</Tag>}
      >
        {staff && (
          <Segmented<Scope>
            block
            value={scope}
            onChange={setScope}
            options={(['mine', 'area'] as const).map((value) => ({
              value,
              label: t(`sweeps.mineScope.${value}`),
            }))}
          />
        )}
        {households.error ? (
          <ErrorResult error={households.error} onRetry={households.reload} />
        ) : !households.data ? (
          <Spin className="page-spin" />
        ) : households.data.items.length === 0 ? (
          <Empty description={t('sweeps.mineEmpty')} />
        ) : (
          <List
            dataSource={households.data.items}
            renderItem={(h) => (
              <List.Item key={`${h.sweepId}:${h.house.id}`} data-testid="sweep-household">
                <Link to={`/sweeps/${h.sweepId}/households/${h.house.id}`} className="full-width">
                  <Space className="full-width" style={{ justifyContent: 'space-between' }}>
                    <Space orientation="vertical" size={0}>
                      <strong>{h.house.address}</strong>
                      <span className="muted">
                        {h.area.name} · {h.sweepName}
                      </span>
                    </Space>
                    <Space>
                      <Tag color={h.state === 'attempted' ? 'orange' : 'default'}>
                        {t(`sweeps.state.${h.state}`)}
                      </Tag>
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
