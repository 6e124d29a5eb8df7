import {
  CheckOutlined,
  PlusOutlined,
  PrinterOutlined,
  ReloadOutlined,
  SafetyCertificateOutlined,
  StopOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  DatePicker,
  Empty,
  Form,
  Input,
  List,
  Pagination,
  Segmented,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { PassView } from '../../api/model';
import { ErrorResult } from '../../components/ErrorResult';
import { FormModal } from '../../components/FormModal';
import { PersonSelect } from '../../components/register/pickers';
import { type I18n, useI18n } from '../../i18n/context';
import './passes.css';

type Status = PassView['status'];
const FILTERS: Array<Status | 'all'> = ['pending', 'active', 'expired', 'revoked', 'rejected', 'all'];
const STATUS_COLOURS: Record<Status, string> = {
  pending: 'gold',
  active: 'green',
  expired: 'default',
  revoked: 'red',
  rejected: 'default',
};

export function statusLabel(t: I18n['t'], status: Status): string {
  return status === 'expired' ? t('passes.expired') : t(`pass.status.${status}`);
}

/** The checkpoints the caller works at (from the gate's verification material), to pick from. */
function useCheckpointOptions() {
  const material = useResource((signal) => call(api.GET('/api/passes/verification', { signal })), []);
  return (material.data?.checkpoints ?? []).map((c) => ({ value: c.id, label: c.name }));
}

type Dialog = { kind: 'issue' } | { kind: 'approve' | 'reject' | 'revoke'; pass: PassView } | null;

/** 通行证: residents' applications to decide, passes to issue, revoke and print. */
export function PassesPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [filter, setFilter] = useState<Status | 'all'>('active');
  const [page, setPage] = useState(1);
  const [version, setVersion] = useState(0);
  const [dialog, setDialog] = useState<Dialog>(null);
  const reload = () => setVersion((v) => v + 1);
  const passes = useResource(
    (signal) =>
      call(
        api.GET('/api/passes', {
          params: { query: { page, pageSize: 20, ...(filter === 'all' ? {} : { status: filter }) } },
          signal,
        }),
      ),
    [filter, page, version],
  );
  const done = (text: string) => {
    void message.success(text);
    setDialog(null);
    reload();
  };

  return (
    <div className="page" data-testid="passes-page">
      <div className="page-title-row">
        <Typography.Title level={3} className="page-title">
          {t('passes.title')}
        </Typography.Title>
        <Space wrap>
          <Link to="/passes/verify">
            <Button icon={<SafetyCertificateOutlined />}>{t('passes.verify.nav')}</Button>
          </Link>
          <Link to="/passes/visitors">
            <Button icon={<TeamOutlined />}>{t('passes.visits.nav')}</Button>
          </Link>
          <Button icon={<ReloadOutlined />} onClick={reload} aria-label={t('common.refresh')} />
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setDialog({ kind: 'issue' })}
            data-testid="pass-issue"
          >
            {t('passes.issue')}
          </Button>
        </Space>
      </div>
      <Segmented<Status | 'all'>
        className="passes-filter"
        value={filter}
        onChange={(value) => {
          setFilter(value);
          setPage(1);
        }}
        options={FILTERS.map((value) => ({
          value,
          label: value === 'all' ? t('passes.filter.all') : statusLabel(t, value),
        }))}
        data-testid="passes-filter"
      />
      {passes.error ? (
        <ErrorResult error={passes.error} />
      ) : (
        <>
          <List<PassView>
            loading={passes.loading && !passes.data}
            dataSource={passes.data?.items ?? []}
            locale={{ emptyText: <Empty description={t('passes.empty')} /> }}
            renderItem={(pass) => (
              <List.Item key={pass.id}>
                <PassCard
                  pass={pass}
                  onApprove={() => setDialog({ kind: 'approve', pass })}
                  onReject={() => setDialog({ kind: 'reject', pass })}
                  onRevoke={() => setDialog({ kind: 'revoke', pass })}
                  onPrint={() => void navigate(`/passes/${pass.id}/print`)}
                />
              </List.Item>
            )}
          />
          {(passes.data?.total ?? 0) > 20 && (
            <Pagination
              size="small"
              current={page}
              pageSize={20}
              total={passes.data?.total ?? 0}
              onChange={setPage}
              showSizeChanger={false}
            />
          )}
        </>
      )}
      {dialog?.kind === 'issue' && (
        <IssueDialog
          onCancel={() => setDialog(null)}
          onIssued={(pass) => {
            done(t('passes.issued', { code: pass.code }));
            void navigate(`/passes/${pass.id}/print`);
          }}
        />
      )}
      {dialog?.kind === 'approve' && (
        <ApproveDialog
          pass={dialog.pass}
          onCancel={() => setDialog(null)}
          onApproved={(pass) => done(t('passes.approved', { code: pass.code }))}
        />
      )}
      {(dialog?.kind === 'reject' || dialog?.kind === 'revoke') && (
        <ReasonDialog
          kind={dialog.kind}
          pass={dialog.pass}
          onCancel={() => setDialog(null)}
          onDone={() => done(dialog.kind === 'reject' ? t('passes.rejectedDone') : t('passes.revokedDone'))}
        />
      )}
    </div>
  );
}

function PassCard({
  pass,
  onApprove,
  onReject,
  onRevoke,
  onPrint,
}: {
  pass: PassView;
  onApprove: () => void;
  onReject: () => void;
  onRevoke: () => void;
  onPrint: () => void;
}) {
  const { t, formatDateTime } = useI18n();
  return (
    <Card
      size="small"
      className="full-width"
      data-testid="pass-card"
      data-pass-id={pass.id}
      data-status={pass.status}
    >
      <Space wrap size={[8, 4]}>
        <span className="code-text">{pass.code}</span>
        <Tag color={STATUS_COLOURS[pass.status]}>{statusLabel(t, pass.status)}</Tag>
        {pass.appliedBy === 'resident' && <Tag>{t('passes.byResident')}</Tag>}
      </Space>
      <div>
        <strong>{pass.holder.nameMasked}</strong>{' '}
        <span className="muted code-text">{pass.holder.documentMasked}</span>
        <span className="muted"> · {pass.area.name}</span>
      </div>
      <div>{pass.purpose}</div>
      <div className="muted">
        {formatDateTime(pass.validFrom)} – {formatDateTime(pass.validTo)}
      </div>
      <div className="muted">
        {pass.checkpoints.length > 0
          ? pass.checkpoints.map((c) => c.name).join('、')
          : t('passes.allCheckpoints')}
      </div>
      {pass.rejectReason && (
        <div className="muted">{t('passes.rejectReason', { reason: pass.rejectReason })}</div>
      )}
      {pass.revokeReason && (
        <div className="muted">{t('passes.revokeReason', { reason: pass.revokeReason })}</div>
      )}
      <div className="pass-card-actions">
        {pass.status === 'pending' && (
          <>
            <Button
              size="small"
              type="primary"
              icon={<CheckOutlined />}
              onClick={onApprove}
              data-testid="pass-approve"
            >
              {t('passes.approve')}
            </Button>
            <Button size="small" onClick={onReject} data-testid="pass-reject">
              {t('passes.reject')}
            </Button>
          </>
        )}
        {pass.status === 'active' && (
          <>
            <Button size="small" icon={<PrinterOutlined />} onClick={onPrint} data-testid="pass-print">
              {t('passes.print')}
            </Button>
            <Button size="small" danger icon={<StopOutlined />} onClick={onRevoke} data-testid="pass-revoke">
              {t('passes.revoke')}
            </Button>
          </>
        )}
      </div>
    </Card>
  );
}

interface IssueValues {
  personId: number;
  purpose: string;
  validFrom: Dayjs;
  validTo: Dayjs;
  checkpointIds?: number[];
}

function IssueDialog({ onCancel, onIssued }: { onCancel: () => void; onIssued: (pass: PassView) => void }) {
  const { t } = useI18n();
  const checkpoints = useCheckpointOptions();
  return (
    <FormModal<IssueValues>
      title={t('passes.issue')}
      okText={t('passes.issue')}
      initialValues={{ validFrom: dayjs(), validTo: dayjs().add(7, 'day').endOf('day') }}
      onCancel={onCancel}
      testId="pass-issue-dialog"
      onSubmit={async (values) =>
        onIssued(
          await call(
            api.POST('/api/passes', {
              body: {
                personId: values.personId,
                purpose: values.purpose,
                validFrom: values.validFrom.toISOString(),
                validTo: values.validTo.toISOString(),
                ...(values.checkpointIds?.length ? { checkpointIds: values.checkpointIds } : {}),
              },
            }),
          ),
        )
      }
    >
      <Form.Item name="personId" label={t('passes.field.person')} rules={[{ required: true }]}>
        <PersonSelect placeholder={t('passes.field.personPlaceholder')} />
      </Form.Item>
      <Form.Item
        name="purpose"
        label={t('passes.field.purpose')}
        rules={[{ required: true, whitespace: true }, { max: 200 }]}
      >
        <Input data-testid="pass-purpose" />
      </Form.Item>
      <Form.Item name="validFrom" label={t('passes.field.validFrom')} rules={[{ required: true }]}>
        <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" className="full-width" />
      </Form.Item>
      <Form.Item name="validTo" label={t('passes.field.validTo')} rules={[{ required: true }]}>
        <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" className="full-width" />
      </Form.Item>
      <Form.Item
        name="checkpointIds"
        label={t('passes.field.checkpoints')}
        extra={t('passes.field.checkpointsHint')}
      >
        <Select mode="multiple" options={checkpoints} allowClear data-testid="pass-checkpoints" />
      </Form.Item>
    </FormModal>
  );
}

function ApproveDialog({
  pass,
  onCancel,
  onApproved,
}: {
  pass: PassView;
  onCancel: () => void;
  onApproved: (pass: PassView) => void;
}) {
  const { t } = useI18n();
  const checkpoints = useCheckpointOptions();
  return (
    <FormModal<{ checkpointIds?: number[] }>
      title={t('passes.approveTitle', { code: pass.code })}
      okText={t('passes.approve')}
      onCancel={onCancel}
      testId="pass-approve-dialog"
      onSubmit={async (values) =>
        onApproved(
          await call(
            api.POST('/api/passes/{id}/approve', {
              params: { path: { id: pass.id } },
              body: values.checkpointIds?.length ? { checkpointIds: values.checkpointIds } : {},
            }),
          ),
        )
      }
    >
      <Form.Item
        name="checkpointIds"
        label={t('passes.field.checkpoints')}
        extra={t('passes.field.checkpointsHint')}
      >
        <Select mode="multiple" options={checkpoints} allowClear />
      </Form.Item>
    </FormModal>
  );
}

function ReasonDialog({
  kind,
  pass,
  onCancel,
  onDone,
}: {
  kind: 'reject' | 'revoke';
  pass: PassView;
  onCancel: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  return (
    <FormModal<{ reason: string }>
      title={t(kind === 'reject' ? 'passes.rejectTitle' : 'passes.revokeTitle', { code: pass.code })}
      okText={t(kind === 'reject' ? 'passes.reject' : 'passes.revoke')}
      danger
      onCancel={onCancel}
      testId={`pass-${kind}-dialog`}
      onSubmit={async ({ reason }) => {
        await call(
          kind === 'reject'
            ? api.POST('/api/passes/{id}/reject', { params: { path: { id: pass.id } }, body: { reason } })
            : api.POST('/api/passes/{id}/revoke', { params: { path: { id: pass.id } }, body: { reason } }),
        );
        onDone();
      }}
    >
      <Form.Item
        name="reason"
        label={t('passes.reason')}
        rules={[{ required: true, whitespace: true }, { max: 200 }]}
      >
        <Input.TextArea rows={2} data-testid="pass-reason" />
      </Form.Item>
    </FormModal>
  );
}
