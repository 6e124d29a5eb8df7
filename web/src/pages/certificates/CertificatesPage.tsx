import {
  FilePdfOutlined,
  PlusOutlined,
  ReloadOutlined,
  SignatureOutlined,
  StopOutlined,
} from '@ant-design/icons';
import {
  App,
  Button,
  Empty,
  Form,
  Input,
  InputNumber,
  Segmented,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { api, call, http } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { Certificate, Commitment } from '../../api/model';
import { ErrorResult } from '../../components/ErrorResult';
import { FormModal } from '../../components/FormModal';
import { PersonSelect } from '../../components/register/pickers';
import { saveFile } from '../../components/files';
import { useI18n } from '../../i18n/context';
import { errorText } from '../../i18n/labels';

type Kind = Certificate['kind'];
type Dialog = { kind: 'issue' } | { kind: 'sign' } | { kind: 'revoke'; certificate: Certificate } | null;

const STATE_COLOUR: Record<Certificate['state'], string> = {
  valid: 'green',
  expired: 'default',
  revoked: 'red',
};

/** 复工承诺书与证明: issue, list, print and revoke certificates; record commitments signed at the desk. */
export function CertificatesPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [version, setVersion] = useState(0);
  const [dialog, setDialog] = useState<Dialog>(null);
  const reload = () => setVersion((v) => v + 1);
  const certificates = useResource(
    (signal) => call(api.GET('/api/certificates', { params: { query: {} }, signal })),
    [version],
  );
  const commitments = useResource(
    (signal) => call(api.GET('/api/commitments', { params: { query: {} }, signal })),
    [version],
  );
  const done = (text: string) => {
    void message.success(text);
    setDialog(null);
    reload();
  };
  const download = (path: string, name: string) =>
    void http
      .download(path, name)
      .then(saveFile, (error: unknown) => void message.error(errorText(i18n, error)));

  return (
    <div className="page" data-testid="certificates-page">
      <div className="page-title-row">
        <Typography.Title level={3} className="page-title">
          {t('certificates.title')}
        </Typography.Title>
        <Space wrap>
          <Button icon={<ReloadOutlined />} onClick={reload} aria-label={t('common.refresh')} />
          <Button
            icon={<SignatureOutlined />}
            onClick={() => setDialog({ kind: 'sign' })}
            data-testid="commitment-sign"
          >
            {t('certificates.signDesk')}
          </Button>
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setDialog({ kind: 'issue' })}
            data-testid="certificate-issue"
          >
            {t('certificates.issue')}
          </Button>
        </Space>
      </div>
      <Tabs
        items={[
          {
            key: 'certificates',
            label: t('certificates.tab.certificates'),
            children: certificates.error ? (
              <ErrorResult error={certificates.error} />
            ) : (
              <Table<Certificate>
                rowKey="id"
                size="small"
                scroll={{ x: 'max-content' }}
                loading={certificates.loading && !certificates.data}
                dataSource={certificates.data?.items ?? []}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                locale={{ emptyText: <Empty description={t('certificates.empty')} /> }}
                footer={certificates.data?.truncated ? () => t('certificates.truncated') : undefined}
                data-testid="certificates-table"
                columns={[
                  { title: t('certificates.number'), dataIndex: 'number', className: 'code-text' },
                  {
                    title: t('certificates.kind'),
                    dataIndex: 'kind',
                    render: (kind: Kind) => t(`certificates.kind.${kind}`),
                  },
                  { title: t('certificates.holder'), dataIndex: 'name' },
                  {
                    title: t('certificates.state'),
                    dataIndex: 'state',
                    render: (state: Certificate['state'], row) => (
                      <Tag color={STATE_COLOUR[state]} title={row.revokeReason ?? undefined}>
                        {t(`certificates.state.${state}`)}
                      </Tag>
                    ),
                  },
                  {
                    title: t('certificates.issuedAt'),
                    dataIndex: 'issuedAt',
                    render: (at: string) => i18n.formatDateTime(at),
                  },
                  {
                    title: t('certificates.validUntil'),
                    dataIndex: 'validUntil',
                    render: (at: string) => i18n.formatDateTime(at),
                  },
                  { title: t('certificates.issuedBy'), dataIndex: 'issuedBy' },
                  {
                    key: 'actions',
                    render: (_value, row) => (
                      <Space>
                        <Button
                          size="small"
                          icon={<FilePdfOutlined />}
                          onClick={() =>
                            download(`/certificates/${row.id}/pdf`, `certificate-${row.number}.pdf`)
                          }
                        >
                          {t('certificates.pdf')}
                        </Button>
                        {row.state !== 'revoked' && (
                          <Button
                            size="small"
                            danger
                            icon={<StopOutlined />}
                            onClick={() => setDialog({ kind: 'revoke', certificate: row })}
                          >
                            {t('certificates.revoke')}
                          </Button>
                        )}
                      </Space>
                    ),
                  },
                ]}
              />
            ),
          },
          {
            key: 'commitments',
            label: t('certificates.tab.commitments'),
            children: commitments.error ? (
              <ErrorResult error={commitments.error} />
            ) : (
              <Table<Commitment>
                rowKey="id"
                size="small"
                scroll={{ x: 'max-content' }}
                loading={commitments.loading && !commitments.data}
                dataSource={commitments.data?.items ?? []}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                locale={{ emptyText: <Empty description={t('certificates.empty')} /> }}
                footer={commitments.data?.truncated ? () => t('certificates.truncated') : undefined}
                data-testid="commitments-table"
                columns={[
                  { title: t('certificates.holder'), dataIndex: 'name' },
                  {
                    title: t('certificates.signedAt'),
                    dataIndex: 'signedAt',
                    render: (at: string) => i18n.formatDateTime(at),
                  },
                  {
                    title: t('certificates.channel'),
                    dataIndex: 'channel',
                    render: (channel: Commitment['channel']) => t(`certificates.channel.${channel}`),
                  },
                  { title: t('certificates.version'), dataIndex: 'version', className: 'code-text' },
                  {
                    key: 'actions',
                    render: (_value, row) => (
                      <Button
                        size="small"
                        icon={<FilePdfOutlined />}
                        onClick={() => download(`/commitments/${row.id}/pdf`, `commitment-${row.id}.pdf`)}
                      >
                        {t('certificates.pdf')}
                      </Button>
                    ),
                  },
                ]}
              />
            ),
          },
        ]}
      />
      {dialog?.kind === 'issue' && (
        <FormModal<{ personId: number; kind: Kind; validDays?: number | null }>
          title={t('certificates.issue')}
          okText={t('certificates.issue')}
          initialValues={{ kind: 'health' }}
          testId="certificate-issue-form"
          onCancel={() => setDialog(null)}
          onSubmit={async (values) => {
            const certificate = await call(
              api.POST('/api/certificates', {
                body: {
                  personId: values.personId,
                  kind: values.kind,
                  ...(values.validDays ? { validDays: values.validDays } : {}),
                },
              }),
            );
            done(t('certificates.issued', { number: certificate.number }));
            download(`/certificates/${certificate.id}/pdf`, `certificate-${certificate.number}.pdf`);
          }}
        >
          <Form.Item
            name="personId"
            label={t('certificates.holder')}
            rules={[{ required: true, message: t('certificates.personRule') }]}
          >
            <PersonSelect />
          </Form.Item>
          <Form.Item name="kind" label={t('certificates.kind')} rules={[{ required: true }]}>
            <Segmented<Kind>
              options={(['health', 'residence'] as const).map((kind) => ({
                value: kind,
                label: t(`certificates.kind.${kind}`),
              }))}
            />
          </Form.Item>
          <Form.Item
            name="validDays"
            label={t('certificates.validDays')}
            extra={t('certificates.validDaysHint')}
          >
            <InputNumber min={1} max={180} precision={0} />
          </Form.Item>
        </FormModal>
      )}
      {dialog?.kind === 'sign' && (
        <FormModal<{ personId: number; name: string }>
          title={t('certificates.signDesk')}
          okText={t('certificates.signDesk')}
          testId="commitment-sign-form"
          onCancel={() => setDialog(null)}
          onSubmit={async (values) => {
            await call(
              api.POST('/api/commitments', { body: { personId: values.personId, name: values.name.trim() } }),
            );
            done(t('certificates.signed'));
          }}
        >
          <Typography.Paragraph type="secondary">{t('certificates.signDeskHint')}</Typography.Paragraph>
          <Form.Item
            name="personId"
            label={t('certificates.holder')}
            rules={[{ required: true, message: t('certificates.personRule') }]}
          >
            <PersonSelect />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('certificates.name')}
            rules={[{ required: true, whitespace: true, message: t('certificates.nameRule') }]}
          >
            <Input maxLength={50} autoComplete="off" />
          </Form.Item>
        </FormModal>
      )}
      {dialog?.kind === 'revoke' && (
        <FormModal<{ reason: string }>
          title={t('certificates.revokeTitle', { number: dialog.certificate.number })}
          okText={t('certificates.revoke')}
          danger
          onCancel={() => setDialog(null)}
          onSubmit={async (values) => {
            await call(
              api.POST('/api/certificates/{id}/revoke', {
                params: { path: { id: dialog.certificate.id } },
                body: { reason: values.reason.trim() },
              }),
            );
            done(t('certificates.revoked'));
          }}
        >
          <Form.Item
            name="reason"
            label={t('certificates.revokeReason')}
            rules={[{ required: true, whitespace: true, message: t('certificates.revokeReasonRule') }]}
          >
            <Input.TextArea rows={2} maxLength={200} />
          </Form.Item>
        </FormModal>
      )}
    </div>
  );
}
