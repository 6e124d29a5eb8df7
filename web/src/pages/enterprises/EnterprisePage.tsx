import { CopyOutlined, DownloadOutlined, QrcodeOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Input,
  List,
  Modal,
  Space,
  Spin,
  Tag,
  Typography,
} from 'antd';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { EnterpriseCodes, Filing } from '../../api/model';
import { useAuth } from '../../auth/AuthContext';
import { ErrorResult } from '../../components/ErrorResult';
import { saveFile } from '../../components/files';
import { FilingStateTag, StepsTimeline, SuppliesView } from '../../components/filings/FilingParts';
import { useI18n } from '../../i18n/context';
import { errorText } from '../../i18n/labels';
import { RosterPanel } from './RosterPanel';

type Decision = 'approve' | 'return' | 'suspend';

/** Staff's page of one enterprise (/enterprises/:unitId): its filing, the decisions it allows, its codes and roster. */
export function EnterprisePage() {
  const unitId = Number(useParams().unitId);
  const i18n = useI18n();
  const { t } = i18n;
  const view = useResource(
    (signal) => call(api.GET('/api/enterprises/{id}', { params: { path: { id: unitId } }, signal })),
    [unitId],
  );
  if (view.error) return <ErrorResult error={view.error} onRetry={view.reload} />;
  if (!view.data) return <Spin className="page-spin" />;
  const { enterprise, filing, canManage } = view.data;
  return (
    <div className="page" data-testid="enterprise-page">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Card size="small">
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="enterprise-name">
            {enterprise.name}
          </Typography.Title>
          <Space wrap>
            <span>{enterprise.areaName}</span>
            <FilingStateTag state={filing?.state ?? null} />
            {filing?.overdue && <Tag color="red">{t('filings.overdue')}</Tag>}
          </Space>
        </Card>
        {filing ? (
          <FilingCard filing={filing} canManage={canManage} onChange={view.reload} />
        ) : (
          <Alert type="info" showIcon title={t('filings.noFiling')} />
        )}
        {canManage && <CodesCard unitId={unitId} />}
        <RosterPanel unitId={unitId} />
      </Space>
    </div>
  );
}

function FilingCard({
  filing,
  canManage,
  onChange,
}: {
  filing: Filing;
  canManage: boolean;
  onChange: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState<'return' | 'suspend' | null>(null);
  const [reason, setReason] = useState('');
  const allows = (action: Decision) => canManage && filing.actions.includes(action);
  // An inspected filing is approved only after a passed inspection; a suspended one may be approved again.
  const approvable =
    allows('approve') && !(filing.state === 'inspected' && filing.inspectionPassed === false);
  const path = { params: { path: { id: filing.id } } };

  const decide = async (decision: Decision, text?: string) => {
    setBusy(true);
    try {
      if (decision === 'approve')
        await call(api.POST('/api/filings/{id}/approve', { ...path, body: text ? { reason: text } : {} }));
      else if (decision === 'return')
        await call(api.POST('/api/filings/{id}/return', { ...path, body: { reason: text ?? '' } }));
      else await call(api.POST('/api/filings/{id}/suspend', { ...path, body: { reason: text ?? '' } }));
      void message.success(
        t(
          `filings.${decision === 'approve' ? 'approved' : decision === 'return' ? 'returned' : 'suspended'}`,
        ),
      );
      setAsking(null);
      setReason('');
      onChange();
    } catch (error) {
      void message.error(errorText(i18n, error));
    } finally {
      setBusy(false);
    }
  };

  const download = (load: Promise<Parameters<typeof saveFile>[0]>) =>
    void load.then(saveFile, (e: unknown) => void message.error(errorText(i18n, e)));

  return (
    <Card size="small" title={t('filings.tab.filing')} data-testid="filing-card">
      <Space orientation="vertical" style={{ width: '100%' }}>
        {filing.returnReasons && (filing.state === 'returned' || filing.state === 'suspended') && (
          <Alert
            type="warning"
            showIcon
            title={t('filings.returnReasons')}
            description={filing.returnReasons}
          />
        )}
        <Descriptions size="small" column={1} bordered>
          <Descriptions.Item label={t('filings.field.plannedOn')}>
            {filing.plannedOn ?? '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('filings.field.headcount')}>
            {filing.headcount ?? '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('filings.submittedAt')}>
            {filing.submittedAt ? i18n.formatDateTime(filing.submittedAt) : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('filings.decideBy')}>
            {filing.decideBy ? i18n.formatDateTime(filing.decideBy) : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('filings.signer')}>
            {filing.signerName && filing.signedAt
              ? t('filings.signedBy', { name: filing.signerName, at: i18n.formatDateTime(filing.signedAt) })
              : '—'}
          </Descriptions.Item>
          {filing.inspectionPassed !== null && (
            <Descriptions.Item label={t('filings.step.inspect')}>
              <Tag color={filing.inspectionPassed ? 'green' : 'red'} data-testid="filing-inspection">
                {t(filing.inspectionPassed ? 'filings.checkedPassed' : 'filings.checkedFailed')}
              </Tag>
            </Descriptions.Item>
          )}
        </Descriptions>
        <Typography.Text strong>{t('filings.supplies')}</Typography.Text>
        <SuppliesView supplies={filing.supplies} />
        <Typography.Text strong>{t('filings.field.plan')}</Typography.Text>
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{filing.plan ?? '—'}</Typography.Paragraph>
        <Typography.Text strong>{t('filings.documents')}</Typography.Text>
        <List
          size="small"
          bordered
          locale={{ emptyText: t('filings.documents.empty') }}
          dataSource={filing.documents}
          renderItem={(doc) => (
            <List.Item>
              <Button
                type="link"
                icon={<DownloadOutlined />}
                onClick={() => download(api.filings.document(filing.id, doc.id, doc.title))}
              >
                {doc.title}
              </Button>
            </List.Item>
          )}
        />
        {filing.signedAt && (
          <Button icon={<DownloadOutlined />} onClick={() => download(api.filings.commitment(filing.id))}>
            {t('filings.commitment.download')}
          </Button>
        )}

        <Space wrap data-testid="filing-actions">
          {filing.state === 'submitted' && can('enterprise.inspect') && (
            <Link to={`/enterprise-inspections/new/${filing.unitId}?filingId=${filing.id}`}>
              <Button type="primary" data-testid="filing-inspect">
                {t('filings.inspect')}
              </Button>
            </Link>
          )}
          {approvable && (
            <Button
              type="primary"
              loading={busy}
              onClick={() => void decide('approve')}
              data-testid="filing-approve"
            >
              {t(filing.state === 'suspended' ? 'filings.reapprove' : 'filings.approve')}
            </Button>
          )}
          {allows('return') && (
            <Button onClick={() => setAsking('return')} data-testid="filing-return">
              {t('filings.return')}
            </Button>
          )}
          {allows('suspend') && (
            <Button danger onClick={() => setAsking('suspend')} data-testid="filing-suspend">
              {t('filings.suspend')}
            </Button>
          )}
        </Space>
        {filing.state === 'submitted' && canManage && (
          <Typography.Text type="secondary">{t('filings.waitInspection')}</Typography.Text>
        )}

        <Typography.Text strong>{t('filings.steps')}</Typography.Text>
        <StepsTimeline steps={filing.steps} />
      </Space>
      <Modal
        open={asking !== null}
        title={asking ? t(`filings.${asking}`) : ''}
        okButtonProps={{ disabled: !reason.trim(), loading: busy, danger: asking === 'suspend' }}
        onOk={() => asking && void decide(asking, reason.trim())}
        onCancel={() => setAsking(null)}
      >
        <Input.TextArea
          rows={4}
          maxLength={1000}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder={t('filings.reason.required')}
          aria-label={t('filings.reason')}
          data-testid="filing-reason"
        />
      </Modal>
    </Card>
  );
}

/** A link as a QR code image, drawn in the browser (the page is lazy, so the encoder loads only here). */
function QrImage({ url, testId }: { url: string; testId: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void QRCode.toDataURL(url, { margin: 1, width: 160 }).then((data) => live && setSrc(data));
    return () => {
      live = false;
    };
  }, [url]);
  return src ? <img src={src} alt={url} width={160} height={160} data-testid={testId} /> : null;
}

/** Issue the enterprise's codes and show both links with their QR codes. */
function CodesCard({ unitId }: { unitId: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [codes, setCodes] = useState<EnterpriseCodes | null>(null);
  const [busy, setBusy] = useState(false);
  const issue = async () => {
    setBusy(true);
    try {
      setCodes(
        await call(api.POST('/api/units/{id}/enterprise-codes', { params: { path: { id: unitId } } })),
      );
    } catch (error) {
      void message.error(errorText(i18n, error));
    } finally {
      setBusy(false);
    }
  };
  const copy = (text: string) =>
    void navigator.clipboard.writeText(text).then(
      () => void message.success(t('filings.codes.copied')),
      (e: unknown) => void message.error(errorText(i18n, e)),
    );
  return (
    <Card size="small" title={t('filings.codes.title')} data-testid="codes-card">
      {codes ? (
        <Descriptions size="small" column={1} bordered layout="vertical">
          {(['enterprise', 'employee'] as const).map((kind) => (
            <Descriptions.Item key={kind} label={t(`filings.codes.${kind}`)}>
              <Space wrap>
                {codes[kind].scanUrl && <QrImage url={codes[kind].scanUrl ?? ''} testId={`qr-${kind}`} />}
                <Typography.Text code data-testid={`code-${kind}`}>
                  {codes[kind].scanUrl ?? codes[kind].label}
                </Typography.Text>
                {codes[kind].scanUrl && (
                  <Button
                    size="small"
                    icon={<CopyOutlined />}
                    onClick={() => copy(codes[kind].scanUrl ?? '')}
                  >
                    {t('filings.codes.copy')}
                  </Button>
                )}
              </Space>
            </Descriptions.Item>
          ))}
        </Descriptions>
      ) : (
        <Button
          icon={<QrcodeOutlined />}
          loading={busy}
          onClick={() => void issue()}
          data-testid="codes-issue"
        >
          {t('filings.codes.issue')}
        </Button>
      )}
    </Card>
  );
}
