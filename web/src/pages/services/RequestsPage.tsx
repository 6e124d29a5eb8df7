import {
  CheckCircleOutlined,
  CheckOutlined,
  EnvironmentOutlined,
  PhoneOutlined,
  PlusOutlined,
  ReloadOutlined,
  SwapOutlined,
} from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  List,
  Pagination,
  Segmented,
  Select,
  Space,
  Spin,
  Timeline,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { RequestQuery, RequestView as ServiceRequest, WorkerRequestBody } from '../../api/model';
import { isOneOf } from '../../api/vocabulary';
import { useAuth } from '../../auth/AuthContext';
import { AreaSelect } from '../../components/AreaSelect';
import { FormModal } from '../../components/FormModal';
import { phoneRules } from '../../components/public/fields';
import { HouseSelect } from '../../components/register/pickers';
import {
  ErrorText,
  isServiceStaff,
  RequestKindTag,
  RequestStatusTag,
  UrgencyTag,
  UserSelect,
} from '../../components/services/common';
import { KindAndDetails } from '../../components/services/RequestFields';
import {
  REQUEST_KINDS,
  REQUEST_STATUSES,
  type RequestKind,
  type RequestStatus,
} from '../../components/services/vocabulary';
import { useI18n } from '../../i18n/context';
import { actorLabel, auditActionLabel, errorText } from '../../i18n/labels';

type View = 'mine' | 'all';
/** The moves on a request that change its status; each has its own route. */
type RequestAction = 'accept' | 'deliver' | 'close' | 'cancel';
/** What `allowedActions` may name: those moves, handing it to another volunteer, showing the phone. */
type RequestMove = RequestAction | 'reassign' | 'reveal';

function actOn(id: number, action: RequestAction, note?: string) {
  const params = { path: { id } };
  const body = note?.trim() ? { note: note.trim() } : {};
  switch (action) {
    case 'accept':
      return call(api.POST('/api/service-requests/{id}/accept', { params, body }));
    case 'deliver':
      return call(api.POST('/api/service-requests/{id}/deliver', { params, body }));
    case 'close':
      return call(api.POST('/api/service-requests/{id}/close', { params, body }));
    case 'cancel':
      return call(api.POST('/api/service-requests/{id}/cancel', { params, body }));
  }
}
type StatusFilter = RequestStatus | 'active' | 'any';

/** 居民求助: a volunteer's queue on the phone; staff see every request of their area, reassign and file new ones. */
export function RequestsPage() {
  const { t } = useI18n();
  const { me, can } = useAuth();
  const params = useParams();
  const navigate = useNavigate();
  const staff = isServiceStaff(me);
  const [view, setView] = useState<View>('mine');
  const [status, setStatus] = useState<StatusFilter>('active');
  const [kind, setKind] = useState<RequestKind | undefined>();
  const [areaId, setAreaId] = useState<number | undefined>();
  const [unassigned, setUnassigned] = useState(false);
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [version, setVersion] = useState(0);
  const [creating, setCreating] = useState(false);
  const shownId = params.id ? Number(params.id) : null;
  const reload = () => setVersion((v) => v + 1);
  const firstPage = () => setPaging((current) => ({ ...current, page: 1 }));

  const mine = view === 'mine' || !staff;
  const query: RequestQuery = {
    mine: mine || undefined,
    status: status === 'any' ? undefined : status,
    kind: mine ? undefined : kind,
    areaId: mine ? undefined : areaId,
    unassigned: !mine && unassigned ? true : undefined,
    ...paging,
  };
  const list = useResource(
    (signal) => call(api.GET('/api/service-requests', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );

  return (
    <div className="page requests-page" data-testid="requests-page">
      <div className="page-title-row">
        <Typography.Title level={3} className="page-title">
          {t('requests.title')}
        </Typography.Title>
        <Space wrap>
          <Button icon={<ReloadOutlined />} onClick={reload} aria-label={t('common.refresh')} />
          {staff && can('person.read') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="request-new"
            >
              {t('requests.new')}
            </Button>
          )}
        </Space>
      </div>
      {staff && (
        <Segmented<View>
          block
          value={view}
          onChange={(next) => {
            setView(next);
            firstPage();
          }}
          options={[
            { value: 'mine', label: t('requests.viewMine') },
            { value: 'all', label: t('requests.viewAll') },
          ]}
          style={{ marginBottom: 12 }}
          data-testid="requests-view"
        />
      )}
      <Space wrap style={{ marginBottom: 12 }}>
        <Select<StatusFilter>
          value={status}
          style={{ minWidth: 120 }}
          onChange={(next) => {
            setStatus(next);
            firstPage();
          }}
          options={[
            { value: 'active', label: t('requests.status.active') },
            ...REQUEST_STATUSES.map((value) => ({ value, label: t(`requests.status.${value}`) })),
            { value: 'any', label: t('requests.status.any') },
          ]}
          data-testid="requests-status-filter"
        />
        {!mine && (
          <>
            <Select<RequestKind>
              allowClear
              style={{ minWidth: 130 }}
              placeholder={t('requests.allKinds')}
              value={kind}
              onChange={(next) => {
                setKind(next);
                firstPage();
              }}
              options={REQUEST_KINDS.map((value) => ({ value, label: t(`requests.kind.${value}`) }))}
            />
            <div style={{ minWidth: 200 }}>
              <AreaSelect
                value={areaId}
                placeholder={t('requests.allAreas')}
                onChange={(id) => {
                  setAreaId(id);
                  firstPage();
                }}
              />
            </div>
            <Checkbox
              checked={unassigned}
              onChange={(event) => {
                setUnassigned(event.target.checked);
                firstPage();
              }}
            >
              {t('requests.unassignedOnly')}
            </Checkbox>
          </>
        )}
      </Space>
      {list.error ? (
        <ErrorText error={list.error} />
      ) : (
        <List<ServiceRequest>
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: <Empty description={mine ? t('requests.emptyMine') : t('requests.empty')} /> }}
          renderItem={(request) => (
            <RequestCard
              key={request.id}
              request={request}
              staff={staff}
              userId={me?.id ?? 0}
              onChanged={reload}
              onOpen={() => void navigate(`/service-requests/${request.id}`)}
            />
          )}
        />
      )}
      {(list.data?.total ?? 0) > paging.pageSize && (
        <Pagination
          size="small"
          current={paging.page}
          pageSize={paging.pageSize}
          total={list.data?.total ?? 0}
          showTotal={(total) => t('common.total', { total })}
          onChange={(page, pageSize) => setPaging({ page, pageSize })}
          style={{ marginTop: 12 }}
        />
      )}
      {creating && (
        <NewRequestDialog
          onCancel={() => setCreating(false)}
          onDone={() => {
            setCreating(false);
            reload();
          }}
        />
      )}
      <RequestDrawer
        id={shownId}
        version={version}
        onClose={() => void navigate('/requests')}
        staff={staff}
        userId={me?.id ?? 0}
        onChanged={reload}
      />
    </div>
  );
}

interface CardProps {
  request: ServiceRequest;
  staff: boolean;
  userId: number;
  onChanged: () => void;
  onOpen?: () => void;
}

/** One request on a phone: what, where, who; the next step as a big button. */
function RequestCard({ request, staff, userId, onChanged, onOpen }: CardProps) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <Card
      size="small"
      style={{
        width: '100%',
        marginBottom: 10,
        borderLeft: request.volunteer ? undefined : '4px solid #fa541c',
        background: request.volunteer ? undefined : '#fff7e6',
      }}
      data-testid="request-card"
      data-code={request.code}
    >
      <Space wrap size={4} style={{ marginBottom: 6 }}>
        <RequestKindTag kind={request.kind} />
        <UrgencyTag urgency={request.urgency} />
        <RequestStatusTag status={request.status} />
        {!request.volunteer && (
          <span className="text-alert" data-testid="request-unassigned">
            {t('requests.unassigned')}
          </span>
        )}
      </Space>
      <div style={{ fontWeight: 600, fontSize: 16 }} data-testid="request-address">
        <EnvironmentOutlined /> {request.house.address}
      </div>
      <div className="muted">{request.area.name}</div>
      <Typography.Paragraph style={{ margin: '6px 0' }} data-testid="request-details">
        {request.details}
      </Typography.Paragraph>
      <div className="muted" style={{ fontSize: 12 }}>
        {[
          request.requesterName,
          request.contactMasked,
          request.volunteer ? t('requests.volunteerIs', { name: request.volunteer.name }) : null,
          i18n.formatDateTime(request.createdAt),
        ]
          .filter(Boolean)
          .join(' · ')}
        {onOpen && (
          <>
            {' · '}
            <a onClick={onOpen} className="code-text">
              {request.code}
            </a>
          </>
        )}
      </div>
      <RequestActions request={request} staff={staff} userId={userId} onChanged={onChanged} />
    </Card>
  );
}

function RequestActions({ request, onChanged }: Omit<CardProps, 'onOpen'>) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [busy, setBusy] = useState<RequestAction | null>(null);
  const [dialog, setDialog] = useState<'deliver' | 'cancel' | 'reassign' | 'reveal' | null>(null);
  const [phone, setPhone] = useState<string | null>(null);

  const act = async (action: RequestAction, note?: string) => {
    setBusy(action);
    try {
      await actOn(request.id, action, note);
      void message.success(t(`requests.done.${action}`));
      onChanged();
    } catch (error) {
      void message.error(errorText(i18n, error));
      throw error;
    } finally {
      setBusy(null);
    }
  };

  // The server says which moves it would take from this caller (allowedActions).
  const allowed = (move: RequestMove) => request.allowedActions.includes(move);
  const canAccept = allowed('accept');
  const canDeliver = allowed('deliver');
  const canClose = allowed('close');

  return (
    <>
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', marginTop: 8 }}>
        {canAccept && (
          <Button
            type="primary"
            size="large"
            icon={<CheckOutlined />}
            loading={busy === 'accept'}
            onClick={() => void act('accept').catch(() => undefined)}
            data-testid="request-accept"
            style={{ flex: 1 }}
          >
            {t('requests.accept')}
          </Button>
        )}
        {canDeliver && (
          <Button
            type="primary"
            size="large"
            icon={<CheckCircleOutlined />}
            onClick={() => setDialog('deliver')}
            data-testid="request-deliver"
            style={{ flex: 1 }}
          >
            {t('requests.deliver')}
          </Button>
        )}
        {canClose && (
          <Button
            size="large"
            loading={busy === 'close'}
            onClick={() => void act('close').catch(() => undefined)}
            data-testid="request-close"
            style={{ flex: 1 }}
          >
            {t('requests.close')}
          </Button>
        )}
        {allowed('reveal') &&
          (phone ? (
            <Button size="large" icon={<PhoneOutlined />} href={`tel:${phone}`}>
              {phone}
            </Button>
          ) : (
            <Button size="large" icon={<PhoneOutlined />} onClick={() => setDialog('reveal')}>
              {t('requests.call')}
            </Button>
          ))}
        {allowed('reassign') && (
          <Button
            icon={<SwapOutlined />}
            onClick={() => setDialog('reassign')}
            data-testid="request-reassign"
          >
            {t('requests.reassign')}
          </Button>
        )}
        {allowed('cancel') && (
          <Button danger type="text" onClick={() => setDialog('cancel')}>
            {t('requests.cancel')}
          </Button>
        )}
      </div>
      {(dialog === 'deliver' || dialog === 'cancel') && (
        <FormModal<{ note?: string }>
          title={dialog === 'deliver' ? t('requests.deliverTitle') : t('requests.cancelTitle')}
          okText={dialog === 'deliver' ? t('requests.deliver') : t('requests.cancel')}
          danger={dialog === 'cancel'}
          onCancel={() => setDialog(null)}
          onSubmit={async (values) => {
            await act(dialog, values.note);
            setDialog(null);
          }}
          testId="request-note-dialog"
        >
          <Form.Item
            name="note"
            label={t('requests.note')}
            rules={[{ max: 1000, message: t('common.maxLength', { max: 1000 }) }]}
          >
            <Input.TextArea
              rows={3}
              placeholder={dialog === 'deliver' ? t('requests.deliverNoteHint') : undefined}
            />
          </Form.Item>
        </FormModal>
      )}
      {dialog === 'reassign' && (
        <FormModal<{ volunteerUserId: number; note?: string }>
          title={t('requests.reassignTitle', { code: request.code })}
          onCancel={() => setDialog(null)}
          onSubmit={async (values) => {
            const note = values.note?.trim();
            await call(
              api.POST('/api/service-requests/{id}/reassign', {
                params: { path: { id: request.id } },
                body: { volunteerUserId: values.volunteerUserId, ...(note ? { note } : {}) },
              }),
            );
            void message.success(t('requests.done.reassign'));
            setDialog(null);
            onChanged();
          }}
        >
          <Form.Item
            name="volunteerUserId"
            label={t('requests.reassignTo')}
            rules={[{ required: true, message: t('problem.required') }]}
            extra={t('requests.reassignHint')}
          >
            <UserSelect />
          </Form.Item>
          <Form.Item name="note" label={t('requests.note')}>
            <Input.TextArea rows={2} />
          </Form.Item>
        </FormModal>
      )}
      {dialog === 'reveal' && (
        <FormModal<{ reason: string }>
          title={t('requests.revealTitle')}
          onCancel={() => setDialog(null)}
          initialValues={{ reason: t('requests.revealDefault') }}
          onSubmit={async (values) => {
            const result = await call(
              api.POST('/api/service-requests/{id}/contact', {
                params: { path: { id: request.id } },
                body: { reason: values.reason.trim() },
              }),
            );
            setPhone(result.phone);
            if (!result.phone) void message.info(t('requests.noPhone'));
            setDialog(null);
          }}
        >
          <Form.Item
            name="reason"
            label={t('requests.revealReason')}
            rules={[
              { required: true, whitespace: true, message: t('problem.required') },
              { min: 2, max: 200, message: t('common.maxLength', { max: 200 }) },
            ]}
            extra={t('requests.revealHint')}
          >
            <Input />
          </Form.Item>
        </FormModal>
      )}
    </>
  );
}

function RequestDrawer({
  id,
  version,
  onClose,
  staff,
  userId,
  onChanged,
}: {
  id: number | null;
  version: number;
  onClose: () => void;
  staff: boolean;
  userId: number;
  onChanged: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const detail = useResource(
    (signal) =>
      id === null
        ? Promise.resolve(null)
        : call(api.GET('/api/service-requests/{id}', { params: { path: { id } }, signal })),
    [id, version],
  );
  const request = detail.data;
  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      title={request ? request.code : t('requests.detail')}
      size="default"
      destroyOnHidden
    >
      {detail.loading && !request ? (
        <Spin />
      ) : detail.error ? (
        <ErrorText error={detail.error} />
      ) : request ? (
        <Space direction="vertical" style={{ width: '100%' }}>
          <RequestCard request={request} staff={staff} userId={userId} onChanged={onChanged} />
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('requests.channel')}>
              {t(`requests.channel.${request.channel}`)}
            </Descriptions.Item>
            <Descriptions.Item label={t('requests.createdBy')}>
              {request.createdBy ? actorLabel(i18n, request.createdBy) : '—'}
            </Descriptions.Item>
            {request.note && <Descriptions.Item label={t('requests.note')}>{request.note}</Descriptions.Item>}
          </Descriptions>
          <Typography.Title level={5}>{t('requests.history')}</Typography.Title>
          <Timeline
            items={request.history.map((entry) => ({
              key: `${entry.at}-${entry.action}`,
              children: (
                <div>
                  <div>
                    {entry.toStatus !== null && isOneOf(REQUEST_STATUSES, entry.toStatus)
                      ? t(`requests.status.${entry.toStatus}`)
                      : auditActionLabel(i18n, `service_request.${entry.action}`)}{' '}
                    <span className="muted">
                      {actorLabel(i18n, entry.actor)} · {i18n.formatDateTime(entry.at)}
                    </span>
                  </div>
                  {entry.note && <div className="muted">{entry.note}</div>}
                </div>
              ),
            }))}
          />
        </Space>
      ) : null}
    </Drawer>
  );
}

/** A worker files a request for a household (a phone call, a visit). */
function NewRequestDialog({ onCancel, onDone }: { onCancel: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return (
    <FormModal<WorkerRequestBody>
      title={t('requests.newTitle')}
      okText={t('common.submit')}
      initialValues={{ urgency: 'normal' }}
      onCancel={onCancel}
      onSubmit={async (values) => {
        const created = await call(
          api.POST('/api/service-requests', {
            body: {
              houseId: values.houseId,
              kind: values.kind,
              details: values.details.trim(),
              urgency: values.urgency,
              ...(values.requesterName?.trim() ? { requesterName: values.requesterName.trim() } : {}),
              ...(values.contactPhone?.trim()
                ? { contactPhone: values.contactPhone.replace(/[\s-]/g, '') }
                : {}),
            },
          }),
        );
        void message.success(
          created.volunteer
            ? t('requests.routedTo', { name: created.volunteer.name })
            : t('requests.routedToGrid'),
        );
        onDone();
      }}
      testId="request-new-dialog"
    >
      <Form.Item
        name="houseId"
        label={t('requests.house')}
        rules={[{ required: true, message: t('problem.required') }]}
      >
        <HouseSelect />
      </Form.Item>
      <KindAndDetails />
      <Form.Item name="requesterName" label={t('requests.requesterName')} rules={[{ max: 50 }]}>
        <Input />
      </Form.Item>
      <Form.Item name="contactPhone" label={t('requests.contactPhone')} rules={phoneRules(t, false)}>
        <Input inputMode="tel" />
      </Form.Item>
    </FormModal>
  );
}
