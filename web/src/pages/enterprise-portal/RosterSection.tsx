import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Space, Table, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { RosterEmployee, RosterUploadView } from '../../api/model';
import { saveFile } from '../../components/files';
import { useI18n } from '../../i18n/context';

const STATUS_COLOUR = { cleared: 'green', pending: 'gold', refused: 'red' } as const;

/** A clearance status as a coloured tag. */
export function ClearanceTag({ status }: { status: RosterEmployee['status'] }) {
  const { t } = useI18n();
  return (
    <Tag color={STATUS_COLOUR[status]} data-testid={`clearance-${status}`}>
      {t(`clearance.status.${status}`)}
    </Tag>
  );
}

/** What the employee must do, one line each; nothing when cleared. */
export function ClearanceActions({ actions }: { actions: RosterEmployee['actions'] }) {
  const { t } = useI18n();
  if (actions.length === 0)
    return <Typography.Text type="secondary">{t('clearance.nothingToDo')}</Typography.Text>;
  return (
    <Space orientation="vertical" size={0}>
      {actions.map((a) => (
        <span key={a}>{t(`clearance.action.${a}`)}</span>
      ))}
    </Space>
  );
}

/**
 * The enterprise portal's roster (/c/<token>): upload the roster file, read the upload's report and
 * download its rejects, and the employees with masked ID, status and what to do — no health details.
 */
export function RosterSection({ token }: { token: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const roster = useResource(
    (signal) =>
      call(api.GET('/api/public/enterprises/{token}/roster', { params: { path: { token } }, signal })),
    [token],
  );
  const [sending, setSending] = useState(false);
  const [report, setReport] = useState<RosterUploadView | null>(null);
  const last = report ?? roster.data?.lastUpload ?? null;

  const send = async (file: File) => {
    setSending(true);
    try {
      setReport(await api.roster.upload(token, file));
      roster.reload();
    } catch (error) {
      void message.error(error instanceof Error ? error.message : String(error));
    } finally {
      setSending(false);
    }
  };

  return (
    <Card title={t('clearance.roster.title')} data-testid="roster-section">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Upload
          accept=".xlsx,.csv"
          showUploadList={false}
          beforeUpload={(file) => {
            void send(file);
            return false;
          }}
        >
          <Button icon={<UploadOutlined />} loading={sending} type="primary" data-testid="roster-upload">
            {t('clearance.upload')}
          </Button>
        </Upload>
        <Typography.Text type="secondary">{t('clearance.uploadHint')}</Typography.Text>
        {last && (
          <Alert
            type={last.rejectedTotal > 0 ? 'warning' : 'success'}
            showIcon
            data-testid="roster-report"
            title={t('clearance.uploadDone', {
              file: last.fileName,
              received: last.received,
              accepted: last.accepted,
              removed: last.removed,
              rejected: last.rejectedTotal,
            })}
            description={
              last.rejectedTotal > 0 ? (
                <Space orientation="vertical">
                  {last.rejected.slice(0, 5).map((r) => (
                    <span key={`${r.row}-${r.field}`}>
                      {r.row} · {r.field} · {r.message}
                    </span>
                  ))}
                  <Button
                    size="small"
                    icon={<DownloadOutlined />}
                    onClick={() => void api.roster.rejects(token, last.id).then(saveFile)}
                  >
                    {t('clearance.rejects')}
                  </Button>
                </Space>
              ) : undefined
            }
          />
        )}
        {roster.data && (
          <Typography.Text data-testid="roster-counts">
            {t('clearance.counts', roster.data.counts)}
          </Typography.Text>
        )}
        <Table<RosterEmployee>
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
              title: t('clearance.status'),
              dataIndex: 'status',
              render: (_, row) => <ClearanceTag status={row.status} />,
            },
            {
              title: t('clearance.actions'),
              dataIndex: 'actions',
              render: (_, row) => <ClearanceActions actions={row.actions} />,
            },
          ]}
        />
      </Space>
    </Card>
  );
}
