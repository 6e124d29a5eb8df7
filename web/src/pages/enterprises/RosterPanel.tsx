import { Button, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { StaffRosterEmployee } from '../../api/model';
import { reasonText } from '../../components/health/HealthVerdictPanel';
import { useI18n } from '../../i18n/context';
import { ClearanceActions, ClearanceTag } from '../enterprise-portal/RosterSection';

/**
 * The enterprise detail page's roster (staff with enterprise.read): status and what to do; with
 * health.read, "show reasons" asks for the health reasons (the server audits the opening).
 */
export function RosterPanel({ unitId }: { unitId: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [reasons, setReasons] = useState(false);
  const roster = useResource(
    (signal) =>
      call(
        api.GET('/api/enterprises/{unitId}/roster', {
          params: { path: { unitId }, query: reasons ? { reasons: true } : {} },
          signal,
        }),
      ),
    [unitId, reasons],
  );
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="roster-panel">
      <Space>
        {roster.data && <Typography.Text>{t('clearance.counts', roster.data.counts)}</Typography.Text>}
        {!reasons && (
          <Button size="small" onClick={() => setReasons(true)} data-testid="roster-reasons">
            {t('clearance.reasonsShow')}
          </Button>
        )}
      </Space>
      <Table<StaffRosterEmployee>
        rowKey="id"
        size="small"
        loading={roster.loading}
        dataSource={roster.data?.items ?? []}
        locale={{ emptyText: t('clearance.roster.empty') }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('clearance.name'), dataIndex: 'nameMasked' },
          { title: t('clearance.idNumber'), dataIndex: 'idNumberMasked', className: 'code-text' },
          {
            title: t('clearance.source'),
            dataIndex: 'source',
            render: (_, row) => t(`clearance.source.${row.source}`),
          },
          {
            title: t('clearance.status'),
            dataIndex: 'status',
            render: (_, row) => <ClearanceTag status={row.status} />,
          },
          {
            title: t('clearance.actions'),
            dataIndex: 'actions',
            render: (_, row) => <ClearanceActions actions={row.actions} />,
          },
          ...(roster.data?.reasonsShown
            ? [
                {
                  title: t('clearance.reasons'),
                  key: 'reasons',
                  render: (_: unknown, row: StaffRosterEmployee) =>
                    (row.reasons ?? []).map((r) => <div key={r.code}>{reasonText(i18n, r)}</div>),
                },
              ]
            : []),
        ]}
      />
    </Space>
  );
}
