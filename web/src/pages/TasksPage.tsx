import { CheckOutlined, CloseOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Form,
  Input,
  List,
  Radio,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, call } from '../api/client';
import { usePendingList } from '../api/hooks';
import type { ConfirmBody, PendingChangeView } from '../api/model';
import {
  PENDING_CHANGE_STATUSES,
  type PendingChangeStatus,
  RESIDENCE_TYPES,
  type ResidenceType,
} from '../api/vocabulary';
import { everyOf } from '../components/health/vocabulary';
import { AreaSelect } from '../components/AreaSelect';
import { FormModal } from '../components/FormModal';
import { HouseSelect } from '../components/register/pickers';
import { useI18n } from '../i18n/context';
import {
  actorLabel,
  arrivalReasonLabel,
  errorText,
  healthColourLabel,
  pendingKindLabel,
  pendingStatusLabel,
  residenceLabel,
} from '../i18n/labels';

type PendingKind = PendingChangeView['kind'];
const PENDING_KINDS = everyOf<PendingKind>()(['arrival', 'departure', 'self_report']);

const KIND_COLOURS: Record<PendingKind, string> = {
  arrival: 'green',
  departure: 'orange',
  self_report: 'blue',
};
const STATUS_COLOURS: Record<PendingChangeStatus, string> = {
  pending: 'gold',
  confirmed: 'green',
  rejected: 'red',
};
const HEALTH_COLOURS: Record<string, string> = { GREEN: 'green', YELLOW: 'gold', RED: 'red' };

/** Arrivals and departures sent by door code, and self-reports: the grid worker confirms or rejects them. */
export function TasksPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [status, setStatus] = useState<PendingChangeStatus | 'all'>('pending');
  const [kind, setKind] = useState<PendingKind | undefined>();
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [version, setVersion] = useState(0);
  // Decided here: shown in place (with a link to the person) until the list is loaded again.
  const [decided, setDecided] = useState<Record<number, PendingChangeView>>({});
  const [confirming, setConfirming] = useState<PendingChangeView | null>(null);
  const [rejecting, setRejecting] = useState<PendingChangeView | null>(null);
  const list = usePendingList({ status, kind, ...paging }, version);
  const items = (list.data?.items ?? []).map((change) => decided[change.id] ?? change);

  const reload = () => {
    setDecided({});
    setVersion((v) => v + 1);
  };
  const record = (change: PendingChangeView) =>
    setDecided((current) => ({ ...current, [change.id]: change }));

  return (
    <div className="page narrow-list-page" data-testid="tasks-page">
      <Card
        title={t('tasks.title')}
        extra={
          <Button size="small" icon={<ReloadOutlined />} onClick={reload}>
            {t('common.refresh')}
          </Button>
        }
      >
        <Space wrap className="toolbar">
          <Radio.Group
            optionType="button"
            value={status}
            onChange={(event) => {
              setStatus(event.target.value as PendingChangeStatus | 'all');
              setPaging((current) => ({ ...current, page: 1 }));
              setDecided({});
            }}
            options={[...PENDING_CHANGE_STATUSES, 'all' as const].map((value) => ({
              value,
              label: pendingStatusLabel(i18n, value),
            }))}
          />
          <Select<PendingKind>
            allowClear
            placeholder={t('tasks.kindFilter')}
            className="toolbar-select"
            value={kind}
            onChange={(value) => {
              setKind(value);
              setPaging((current) => ({ ...current, page: 1 }));
            }}
            options={PENDING_KINDS.map((value) => ({ value, label: pendingKindLabel(i18n, value) }))}
          />
        </Space>
        <List<PendingChangeView>
          loading={list.loading}
          dataSource={items}
          data-testid="task-list"
          locale={{
            emptyText: list.error ? (
              <Typography.Text type="danger">{errorText(i18n, list.error)}</Typography.Text>
            ) : (
              <Empty description={t('tasks.empty')} />
            ),
          }}
          pagination={
            (list.data?.total ?? 0) > paging.pageSize
              ? {
                  current: paging.page,
                  pageSize: paging.pageSize,
                  total: list.data?.total ?? 0,
                  size: 'small',
                  onChange: (page, pageSize) => setPaging({ page, pageSize }),
                }
              : false
          }
          renderItem={(change) => (
            <TaskCard change={change} onConfirm={setConfirming} onReject={setRejecting} onDecided={record} />
          )}
        />
      </Card>
      {confirming && confirming.kind !== 'departure' && (
        <ConfirmDialog
          change={confirming}
          onClose={() => setConfirming(null)}
          onDone={(change) => {
            setConfirming(null);
            record(change);
          }}
        />
      )}
      {rejecting && (
        <RejectDialog
          change={rejecting}
          onClose={() => setRejecting(null)}
          onDone={(change) => {
            setRejecting(null);
            record(change);
          }}
        />
      )}
    </div>
  );
}

interface TaskCardProps {
  change: PendingChangeView;
  onConfirm: (change: PendingChangeView) => void;
  onReject: (change: PendingChangeView) => void;
  onDecided: (change: PendingChangeView) => void;
}

function TaskCard({ change, onConfirm, onReject, onDecided }: TaskCardProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message, modal } = App.useApp();
  const pending = change.status === 'pending';
  const answers = change.answers;
  const place = change.house ? (
    <Link to={`/houses/${change.house.id}`}>{change.house.address}</Link>
  ) : (
    change.area.name
  );
  const departureWithoutMatch = change.kind === 'departure' && change.matchedPersonId === null;

  const confirmDeparture = () =>
    modal.confirm({
      title: t('tasks.confirmTitle', { kind: pendingKindLabel(i18n, change.kind), name: change.name }),
      content: t('tasks.confirmDeparture', {
        name: change.name,
        house: change.house?.address ?? change.area.name,
      }),
      okText: t('tasks.confirm'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          const result = await call(
            api.POST('/api/pending-changes/{id}/confirm', { params: { path: { id: change.id } }, body: {} }),
          );
          void message.success(t('tasks.confirmedDeparture', { name: result.person.name }));
          onDecided(result.change);
        } catch (error) {
          void message.error(errorText(i18n, error));
        }
      },
    });

  return (
    <List.Item className="task-item" data-testid="task-item">
      <div className="task-body">
        <div className="task-head">
          <Tag color={KIND_COLOURS[change.kind]}>{pendingKindLabel(i18n, change.kind)}</Tag>
          <Typography.Text strong className="task-name">
            {change.name}
          </Typography.Text>
          {!pending && (
            <Tag color={STATUS_COLOURS[change.status]}>{pendingStatusLabel(i18n, change.status)}</Tag>
          )}
          {pending && change.matchedPersonId !== null && change.kind !== 'departure' && (
            <Link to={`/persons/${change.matchedPersonId}`}>
              <Tag color="blue">{t('tasks.matched')}</Tag>
            </Link>
          )}
        </div>
        <div className="code-text task-identity">
          {change.documentMasked}
          {change.phoneMasked && ` · ${change.phoneMasked}`}
        </div>
        <div>{place}</div>
        <div className="task-answers">
          {change.kind === 'departure' ? (
            <>
              {answers.departedOn && (
                <span>
                  {t('common.labelValue', { label: t('field.departedOn'), value: answers.departedOn })}
                </span>
              )}
              {answers.destination && <span>{t('tasks.to', { place: answers.destination })}</span>}
            </>
          ) : (
            <>
              {answers.arrivedFrom && <span>{t('tasks.from', { place: answers.arrivedFrom })}</span>}
              {answers.travelStartedOn && (
                <span>
                  {t('common.labelValue', {
                    label: t('field.travelStartedOn'),
                    value: answers.travelStartedOn,
                  })}
                </span>
              )}
              {answers.arrivalDate && (
                <span>
                  {t('common.labelValue', { label: t('field.arrivalDate'), value: answers.arrivalDate })}
                </span>
              )}
              {answers.arrivalReason && <span>{arrivalReasonLabel(i18n, answers.arrivalReason)}</span>}
              {answers.transport && <span>{answers.transport}</span>}
              {answers.address && <span>{answers.address}</span>}
              {answers.relation && <span>{answers.relation}</span>}
            </>
          )}
          {change.health?.healthCodeColour && (
            <Tag color={HEALTH_COLOURS[change.health.healthCodeColour] ?? 'default'}>
              {healthColourLabel(i18n, change.health.healthCodeColour)}
            </Tag>
          )}
          {change.health?.vaccinationDoses !== null && change.health?.vaccinationDoses !== undefined && (
            <span>
              {t('common.labelValue', {
                label: t('field.vaccinationDoses'),
                value: t('tasks.doses', { count: change.health.vaccinationDoses }),
              })}
            </span>
          )}
        </div>
        <div className="muted">{t('tasks.submittedAt', { at: i18n.formatDateTime(change.submittedAt) })}</div>
        {pending && departureWithoutMatch && (
          <Alert type="warning" showIcon className="task-alert" title={t('tasks.noMatch')} />
        )}
        {!pending && (
          <div className="task-decision">
            {change.decidedBy && change.decidedAt && (
              <span className="muted">
                {t('tasks.decidedBy', {
                  by: actorLabel(i18n, change.decidedBy),
                  at: i18n.formatDateTime(change.decidedAt),
                })}
              </span>
            )}
            {change.rejectReason && <span className="muted"> · {change.rejectReason}</span>}
            {change.personId !== null && (
              <Link
                to={`/persons/${change.personId}`}
                className="task-person-link"
                data-testid="task-person-link"
              >
                {t('tasks.openPerson')}
              </Link>
            )}
          </div>
        )}
      </div>
      {pending && (
        <Space className="task-actions" wrap>
          <Button
            type="primary"
            icon={<CheckOutlined />}
            disabled={departureWithoutMatch}
            onClick={() => (change.kind === 'departure' ? confirmDeparture() : onConfirm(change))}
            data-testid="task-confirm"
          >
            {t('tasks.confirm')}
          </Button>
          <Button danger icon={<CloseOutlined />} onClick={() => onReject(change)} data-testid="task-reject">
            {t('tasks.reject')}
          </Button>
        </Space>
      )}
    </List.Item>
  );
}

interface DecisionDialogProps {
  change: PendingChangeView;
  onClose: () => void;
  onDone: (change: PendingChangeView) => void;
}

interface ConfirmValues {
  residenceType: ResidenceType;
  target?: 'house' | 'area';
  houseId?: number;
  areaId?: number;
}

/** Confirming an arrival or a self-report registers the person; the worker says as what (and, for a self-report, where). */
function ConfirmDialog({ change, onClose, onDone }: DecisionDialogProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const selfReport = change.kind === 'self_report';
  return (
    <FormModal<ConfirmValues>
      testId="confirm-task-dialog"
      title={t('tasks.confirmTitle', { kind: pendingKindLabel(i18n, change.kind), name: change.name })}
      okText={t('tasks.confirm')}
      initialValues={{ residenceType: 'floating', target: 'house' }}
      onCancel={onClose}
      onSubmit={async (values) => {
        const input: ConfirmBody = { residenceType: values.residenceType };
        if (selfReport) {
          if (values.target === 'area') input.areaId = values.areaId;
          else input.houseId = values.houseId;
        }
        const result = await call(
          api.POST('/api/pending-changes/{id}/confirm', { params: { path: { id: change.id } }, body: input }),
        );
        void message.success(t('tasks.confirmed', { name: result.person.name }));
        onDone(result.change);
      }}
    >
      <Alert
        type="info"
        showIcon
        className="dialog-hint"
        title={
          selfReport
            ? t('tasks.confirmSelfReportHint')
            : t('tasks.confirmArrivalHint', { house: change.house?.address ?? change.area.name })
        }
      />
      <Form.Item name="residenceType" label={t('field.residenceType')}>
        <Radio.Group
          optionType="button"
          options={RESIDENCE_TYPES.map((value) => ({ value, label: residenceLabel(i18n, value) }))}
        />
      </Form.Item>
      {selfReport && <SelfReportPlace />}
    </FormModal>
  );
}

function SelfReportPlace() {
  const { t } = useI18n();
  const target = (Form.useWatch('target', Form.useFormInstance()) as ConfirmValues['target']) ?? 'house';
  return (
    <>
      <Form.Item name="target" label={t('personForm.place')} extra={t('personForm.placeHint')}>
        <Radio.Group
          optionType="button"
          options={[
            { value: 'house', label: t('field.house') },
            { value: 'area', label: t('field.area') },
          ]}
        />
      </Form.Item>
      {target === 'house' ? (
        <Form.Item name="houseId" rules={[{ required: true, message: t('personForm.houseOrArea') }]}>
          <HouseSelect />
        </Form.Item>
      ) : (
        <Form.Item name="areaId" rules={[{ required: true, message: t('personForm.houseOrArea') }]}>
          <AreaSelect placeholder={t('areaSelect.residentPlaceholder')} />
        </Form.Item>
      )}
    </>
  );
}

function RejectDialog({ change, onClose, onDone }: DecisionDialogProps) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return (
    <FormModal<{ reason: string }>
      testId="reject-task-dialog"
      title={t('tasks.rejectTitle', { name: change.name })}
      okText={t('tasks.reject')}
      danger
      onCancel={onClose}
      onSubmit={async (values) => {
        const rejected = await call(
          api.POST('/api/pending-changes/{id}/reject', {
            params: { path: { id: change.id } },
            body: { reason: values.reason.trim() },
          }),
        );
        void message.success(t('tasks.rejected'));
        onDone(rejected);
      }}
    >
      <Form.Item
        name="reason"
        label={t('tasks.rejectReason')}
        rules={[
          { required: true, whitespace: true, message: t('tasks.rejectReasonRule') },
          { min: 2, message: t('tasks.rejectReasonRule') },
          { max: 200 },
        ]}
      >
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} autoFocus />
      </Form.Item>
    </FormModal>
  );
}
