import { Card, Checkbox, Input, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { EnterpriseListItem, FilingState } from '../../api/model';
import { ErrorResult } from '../../components/ErrorResult';
import { FilingStateTag } from '../../components/filings/FilingParts';
import { useI18n } from '../../i18n/context';

const STATES: Array<FilingState | 'none'> = [
  'none',
  'draft',
  'submitted',
  'inspected',
  'approved',
  'returned',
  'suspended',
];

/** Overdue first (the server's order within), so what waits too long is seen first. */
const overdueFirst = (items: EnterpriseListItem[]) =>
  [...items].sort((a, b) => Number(b.overdue) - Number(a.overdue));

/** Staff's list of enterprises in scope with their return-to-work filing state (/enterprises). */
export function EnterprisesPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [state, setState] = useState<FilingState | 'none' | undefined>();
  const [overdue, setOverdue] = useState(false);
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const list = useResource(
    (signal) =>
      call(
        api.GET('/api/enterprises', {
          params: {
            query: {
              page,
              pageSize: 50,
              ...(state ? { state } : {}),
              ...(overdue ? { overdue: true } : {}),
              ...(q.trim() ? { q: q.trim() } : {}),
            },
          },
          signal,
        }),
      ),
    [page, state, overdue, q],
  );

  if (list.error) return <ErrorResult error={list.error} onRetry={list.reload} />;
  return (
    <div className="page" data-testid="enterprises-page">
      <Card title={t('filings.list.title')} size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <Input.Search
            allowClear
            placeholder={t('filings.filter.name')}
            onSearch={(value) => {
              setQ(value);
              setPage(1);
            }}
            style={{ width: 220 }}
            data-testid="enterprises-search"
          />
          <Select<FilingState | 'none'>
            allowClear
            placeholder={t('filings.filter.all')}
            value={state}
            onChange={(value) => {
              setState(value);
              setPage(1);
            }}
            options={STATES.map((s) => ({ value: s, label: t(`filings.state.${s}`) }))}
            style={{ width: 140 }}
            data-testid="enterprises-state"
          />
          <Checkbox
            checked={overdue}
            onChange={(e) => {
              setOverdue(e.target.checked);
              setPage(1);
            }}
          >
            {t('filings.filter.overdue')}
          </Checkbox>
        </Space>
        <Table<EnterpriseListItem>
          rowKey="unitId"
          size="small"
          loading={list.loading}
          dataSource={overdueFirst(list.data?.items ?? [])}
          scroll={{ x: true }}
          pagination={{
            current: page,
            pageSize: 50,
            total: list.data?.total ?? 0,
            onChange: setPage,
            showSizeChanger: false,
          }}
          columns={[
            {
              key: 'name',
              title: t('filings.enterprise'),
              render: (_, row) => (
                <Link to={`/enterprises/${row.unitId}`} data-testid="enterprise-link">
                  {row.name}
                </Link>
              ),
            },
            { key: 'area', title: t('filings.community'), dataIndex: 'areaName' },
            {
              key: 'state',
              title: t('filings.state'),
              render: (_, row) => (
                <Space size={4}>
                  <FilingStateTag state={row.state} />
                  {row.overdue && <Tag color="red">{t('filings.overdue')}</Tag>}
                </Space>
              ),
            },
            {
              key: 'plannedOn',
              title: t('filings.field.plannedOn'),
              render: (_, row) => row.plannedOn ?? '—',
            },
            {
              key: 'headcount',
              title: t('filings.field.headcount'),
              render: (_, row) => row.headcount ?? '—',
            },
            {
              key: 'decideBy',
              title: t('filings.decideBy'),
              render: (_, row) => (row.decideBy ? i18n.formatDateTime(row.decideBy) : '—'),
            },
          ]}
        />
      </Card>
    </div>
  );
}
