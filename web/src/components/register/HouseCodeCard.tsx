import { PrinterOutlined, QrcodeOutlined, ReloadOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Form, Input, Space, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, call, http } from '../../api/client';
import { useCodeList } from '../../api/hooks';
import type { CodeView } from '../../api/model';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n/context';
import { actorLabel, codeStatusLabel, errorText } from '../../i18n/labels';
import { saveFile } from '../files';
import { FormModal } from '../FormModal';

/** The house's door code (一户一码): its state, and issuing, re-issuing, revoking and printing it. */
export function HouseCodeCard({ houseId }: { houseId: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message, modal } = App.useApp();
  const { can } = useAuth();
  const write = can('person.write');
  const [version, setVersion] = useState(0);
  const [busy, setBusy] = useState(false);
  const [issued, setIssued] = useState<CodeView | null>(null);
  const [revoking, setRevoking] = useState<CodeView | null>(null);
  const codes = useCodeList({ kind: 'household', houseId, status: 'all', pageSize: 20 }, version);
  const items = codes.data?.items ?? [];
  const active = items.find((code) => code.status === 'active') ?? null;
  const earlier = items.filter((code) => code.status !== 'active');

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } catch (error) {
      void message.error(errorText(i18n, error));
    } finally {
      setBusy(false);
    }
  };
  const issue = () =>
    run(async () => {
      setIssued(
        await call(api.POST('/api/houses/{id}/household-code', { params: { path: { id: houseId } } })),
      );
      void message.success(t('code.issued'));
      setVersion((v) => v + 1);
    });
  const print = () =>
    run(async () => {
      const file = await http.download(`/houses/${houseId}/door-label.pdf`, `door-label-${houseId}.pdf`);
      saveFile(file);
      void message.success(t('code.downloaded', { file: file.fileName }));
      setVersion((v) => v + 1);
    });

  return (
    <Card
      size="small"
      title={
        <Space>
          <QrcodeOutlined />
          {t('code.title')}
        </Space>
      }
      className="side-card"
      data-testid="house-code"
    >
      {codes.loading && !codes.data ? (
        <Spin className="tree-spin" />
      ) : codes.error ? (
        <Typography.Text type="danger">{errorText(i18n, codes.error)}</Typography.Text>
      ) : (
        <Space orientation="vertical" className="full-width">
          {active ? (
            <div>
              <Tag color="green">{codeStatusLabel(i18n, active.status)}</Tag>
              <span className="muted">
                {t('code.issuedBy', {
                  by: actorLabel(i18n, active.issuedBy),
                  at: i18n.formatDateTime(active.issuedAt),
                })}
              </span>
            </div>
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('code.none')} />
          )}
          {issued?.scanUrl && issued.id === active?.id && (
            <Alert
              type="success"
              showIcon
              title={t('code.scanUrl')}
              description={
                <Typography.Text copyable className="code-text scan-url" data-testid="scan-url">
                  {issued.scanUrl}
                </Typography.Text>
              }
            />
          )}
          {write && (
            <Space wrap>
              {active ? (
                <>
                  <Button
                    type="primary"
                    icon={<PrinterOutlined />}
                    loading={busy}
                    onClick={() => void print()}
                  >
                    {t('code.print')}
                  </Button>
                  <Button
                    icon={<ReloadOutlined />}
                    disabled={busy}
                    onClick={() =>
                      modal.confirm({
                        title: t('code.reissue'),
                        content: t('code.reissueConfirm'),
                        okText: t('common.ok'),
                        cancelText: t('common.cancel'),
                        onOk: issue,
                      })
                    }
                  >
                    {t('code.reissue')}
                  </Button>
                  <Button danger icon={<StopOutlined />} disabled={busy} onClick={() => setRevoking(active)}>
                    {t('code.revoke')}
                  </Button>
                </>
              ) : (
                <Button
                  type="primary"
                  icon={<QrcodeOutlined />}
                  loading={busy}
                  onClick={() => void issue()}
                  data-testid="issue-code"
                >
                  {t('code.issue')}
                </Button>
              )}
            </Space>
          )}
          {earlier.length > 0 && (
            <div className="code-history">
              <Typography.Text type="secondary">{t('code.history')}</Typography.Text>
              <ul>
                {earlier.map((code) => (
                  <li key={code.id} className="muted">
                    {t('code.revokedBy', {
                      by: code.revokedBy ? actorLabel(i18n, code.revokedBy) : '',
                      at: code.revokedAt ? i18n.formatDateTime(code.revokedAt) : '',
                    })}
                    {code.revokeReason ? ` · ${code.revokeReason}` : ''}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </Space>
      )}
      {revoking && (
        <FormModal<{ reason?: string }>
          testId="revoke-code-dialog"
          title={t('code.revokeTitle')}
          okText={t('code.revoke')}
          danger
          onCancel={() => setRevoking(null)}
          onSubmit={async (values) => {
            const reason = values.reason?.trim();
            await call(
              api.POST('/api/codes/{id}/revoke', {
                params: { path: { id: revoking.id } },
                body: reason ? { reason } : {},
              }),
            );
            void message.success(t('code.revoked'));
            setRevoking(null);
            setIssued(null);
            setVersion((v) => v + 1);
          }}
        >
          <Alert type="warning" showIcon className="dialog-hint" title={t('code.revokeHint')} />
          <Form.Item name="reason" label={t('code.revokeReason')} rules={[{ max: 200 }]}>
            <Input />
          </Form.Item>
        </FormModal>
      )}
    </Card>
  );
}
