import { CheckCircleOutlined, ExportOutlined, FormOutlined } from '@ant-design/icons';
import {
  App,
  Breadcrumb,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  Result,
  Row,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, call, isApiError } from '../api/client';
import { useKeyPerson } from '../api/hooks';
import type { FollowUpPlan, FollowUpView, KeyPersonDetail } from '../api/model';
import { useAuth } from '../auth/AuthContext';
import { ErrorResult } from '../components/ErrorResult';
import { FormModal } from '../components/FormModal';
import { FollowUpDialog } from '../components/health/FollowUpDialog';
import { CategoryTag } from '../components/health/tags';
import { type I18n, useI18n } from '../i18n/context';
import { actorLabel, followUpKindLabel, followUpSlotLabel, keyPersonStatusLabel } from '../i18n/labels';

export function KeyPersonPage() {
  const { id } = useParams();
  const keyPersonId = Number(id);
  const { t } = useI18n();
  if (!Number.isInteger(keyPersonId) || keyPersonId < 1)
    return <Result status="404" title={t('keyPersons.notFound')} />;
  return <KeyPersonScreen key={keyPersonId} id={keyPersonId} />;
}

function planText(i18n: I18n, plan: FollowUpPlan): string {
  const parts: string[] = [];
  if (plan.temperatureSlots?.length)
    parts.push(i18n.t('keyPersons.plan.temperature', { times: plan.temperatureSlots.length }));
  if (plan.testDays?.length) parts.push(i18n.t('keyPersons.plan.tests', { days: plan.testDays.join('/') }));
  if (plan.dailyCall) parts.push(i18n.t('keyPersons.plan.call'));
  if (plan.visitDays?.length)
    parts.push(i18n.t('keyPersons.plan.visits', { days: plan.visitDays.join('/') }));
  return parts.join(i18n.locale === 'zh-CN' ? '；' : '; ') || i18n.t('common.none');
}

/** A rule's reason in the reader's language, from its code and figures; a reason staff typed as they typed it. */
function reasonText(i18n: I18n, keyPerson: KeyPersonDetail): string {
  const params = keyPerson.reasonParams ?? {};
  switch (keyPerson.reasonCode) {
    case 'health_code': {
      const colour = params.colour === 'RED' ? 'RED' : 'YELLOW';
      return i18n.t('keyPersons.reasonCode.health_code', { colour: i18n.t(`healthCode.${colour}`) });
    }
    case 'risk_area':
      return i18n.t('keyPersons.reasonCode.risk_area', {
        ...params,
        from: params.from ? i18n.t('keyPersons.reasonFrom', { from: params.from }) : '',
      });
    case 'fever':
    case 'positive':
      return i18n.t(`keyPersons.reasonCode.${keyPerson.reasonCode}`, params);
    case null:
    case undefined:
      return keyPerson.reason ?? '—';
  }
}

type Dialog = { kind: 'record'; followUpId: number } | { kind: 'end' } | { kind: 'transfer' } | null;

/** A key person: period, plan and the whole follow-up schedule, recorded one by one. */
function KeyPersonScreen({ id }: { id: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { canAt } = useAuth();
  const { message } = App.useApp();
  const [version, setVersion] = useState(0);
  const detail = useKeyPerson(id, version);
  const [dialog, setDialog] = useState<Dialog>(null);

  if (detail.error) {
    return isApiError(detail.error) && detail.error.status === 404 ? (
      <Result status="404" title={t('keyPersons.notFound')} />
    ) : (
      <ErrorResult error={detail.error} onRetry={detail.reload} />
    );
  }
  const data = detail.data;
  if (!data) return <Spin className="page-spin" />;
  const active = data.status === 'active';
  const write = canAt('health.write', data.areaPath) && active;
  const done = () => {
    setDialog(null);
    setVersion((v) => v + 1);
  };

  return (
    <div className="page" data-testid="key-person-page">
      <Breadcrumb
        items={[
          { key: 'list', title: <Link to="/key-persons">{t('keyPersons.title')}</Link> },
          { key: 'this', title: data.person.name },
        ]}
      />
      <div className="page-title-row">
        <Space wrap size={8} align="center">
          <Typography.Title level={3} className="page-title">
            {data.person.name}
          </Typography.Title>
          <CategoryTag category={data.category} />
          <Tag color={active ? 'green' : 'default'}>{keyPersonStatusLabel(i18n, data.status)}</Tag>
        </Space>
        {write && (
          <Space wrap>
            <Button icon={<CheckCircleOutlined />} onClick={() => setDialog({ kind: 'end' })}>
              {t('keyPersons.end')}
            </Button>
            <Button icon={<ExportOutlined />} onClick={() => setDialog({ kind: 'transfer' })}>
              {t('keyPersons.transfer')}
            </Button>
          </Space>
        )}
      </div>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={9}>
          <Card size="small" title={t('keyPersons.details')}>
            <KeyPersonFacts data={data} />
          </Card>
        </Col>
        <Col xs={24} xl={15}>
          <Card size="small" title={t('keyPersons.schedule')}>
            <Schedule
              schedule={data.schedule}
              onRecord={write ? (followUpId) => setDialog({ kind: 'record', followUpId }) : undefined}
            />
          </Card>
        </Col>
      </Row>
      {dialog?.kind === 'record' && (
        <FollowUpDialog
          keyPerson={data}
          followUpId={dialog.followUpId}
          onClose={() => setDialog(null)}
          onDone={done}
        />
      )}
      {dialog?.kind === 'end' && (
        <FormModal<{ note?: string }>
          title={t('keyPersons.endTitle', { name: data.person.name })}
          okText={t('keyPersons.end')}
          onCancel={() => setDialog(null)}
          onSubmit={async (values) => {
            const note = values.note?.trim();
            await call(
              api.POST('/api/key-persons/{id}/end', { params: { path: { id } }, body: note ? { note } : {} }),
            );
            void message.success(t('keyPersons.ended'));
            done();
          }}
        >
          <Form.Item name="note" label={t('keyPersons.endNote')} rules={[{ max: 500 }]}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} />
          </Form.Item>
        </FormModal>
      )}
      {dialog?.kind === 'transfer' && (
        <FormModal<{ destination: string }>
          title={t('keyPersons.transferTitle', { name: data.person.name })}
          okText={t('keyPersons.transfer')}
          onCancel={() => setDialog(null)}
          onSubmit={async (values) => {
            await call(
              api.POST('/api/key-persons/{id}/transfer', {
                params: { path: { id } },
                body: { destination: values.destination.trim() },
              }),
            );
            void message.success(t('keyPersons.transferred'));
            done();
          }}
        >
          <Form.Item
            name="destination"
            label={t('keyPersons.destination')}
            extra={t('keyPersons.destinationHint')}
            rules={[
              { required: true, whitespace: true, message: t('keyPersons.destinationRule') },
              { max: 200 },
            ]}
          >
            <Input autoFocus />
          </Form.Item>
        </FormModal>
      )}
    </div>
  );
}

function KeyPersonFacts({ data }: { data: KeyPersonDetail }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <Descriptions
      size="small"
      column={1}
      bordered
      className="details-table"
      items={[
        {
          key: 'person',
          label: t('keyPersons.person'),
          children: <Link to={`/persons/${data.person.id}`}>{data.person.name}</Link>,
        },
        {
          key: 'document',
          label: t('field.documentNumber'),
          children: <span className="code-text">{data.person.documentMasked}</span>,
        },
        {
          key: 'phone',
          label: t('field.phone'),
          children: <span className="code-text">{data.person.phoneMasked ?? t('common.notFilled')}</span>,
        },
        {
          key: 'address',
          label: t('field.address'),
          children: data.person.address ?? data.person.area?.name ?? '—',
        },
        { key: 'period', label: t('keyPersons.period'), children: `${data.startsOn} – ${data.endsOn}` },
        {
          key: 'responsible',
          label: t('keyPersons.responsible'),
          children: data.responsible?.name ?? <Tag color="red">{t('keyPersons.nobody')}</Tag>,
        },
        { key: 'plan', label: t('keyPersons.planLabel'), children: planText(i18n, data.plan) },
        { key: 'reason', label: t('keyPersons.reason'), children: reasonText(i18n, data) },
        { key: 'createdAt', label: t('keyPersons.createdAt'), children: i18n.formatDateTime(data.createdAt) },
        ...(data.endedAt
          ? [
              {
                key: 'ended',
                label: t('keyPersons.endedAt'),
                children: `${i18n.formatDateTime(data.endedAt)} · ${data.endedBy ? actorLabel(i18n, data.endedBy) : ''}${data.endNote ? ` · ${data.endNote}` : ''}`,
              },
            ]
          : []),
      ]}
    />
  );
}

function Schedule({
  schedule,
  onRecord,
}: {
  schedule: FollowUpView[];
  onRecord: ((id: number) => void) | undefined;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const today = dayjs().format('YYYY-MM-DD');
  return (
    <Table<FollowUpView>
      rowKey="id"
      size="small"
      dataSource={schedule}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      scroll={{ x: 'max-content' }}
      data-testid="follow-up-table"
      rowClassName={(item) => (item.dueOn === today ? 'row-today' : '')}
      columns={[
        { key: 'dueOn', title: t('followUp.dueOn'), dataIndex: 'dueOn' },
        {
          key: 'what',
          title: t('followUp.what'),
          render: (_, item) =>
            `${item.kind === 'temperature' ? followUpSlotLabel(i18n, item.slot) : ''}${followUpKindLabel(i18n, item.kind)}`,
        },
        {
          key: 'state',
          title: t('field.status'),
          render: (_, item) =>
            item.done ? (
              <Tag color="green">{t('followUp.done')}</Tag>
            ) : item.dueOn < today ? (
              <Tag color="red">{t('followUp.missed')}</Tag>
            ) : item.dueOn === today ? (
              <Tag color="blue">{t('followUp.dueToday')}</Tag>
            ) : (
              <Tag>{t('followUp.later')}</Tag>
            ),
        },
        {
          key: 'result',
          title: t('followUp.result'),
          render: (_, item) =>
            [item.temperature !== null ? `${item.temperature.toFixed(1)}°C` : null, item.symptoms, item.note]
              .filter(Boolean)
              .join(' · ') || '—',
        },
        {
          key: 'by',
          title: t('followUp.by'),
          render: (_, item) =>
            item.doneAt
              ? `${item.doneBy ? actorLabel(i18n, item.doneBy) : ''} ${i18n.formatDateTime(item.doneAt)}`
              : '—',
        },
        ...(onRecord
          ? [
              {
                key: 'actions',
                title: t('common.actions'),
                render: (_: unknown, item: FollowUpView) =>
                  !item.done && item.dueOn <= today ? (
                    <Button
                      size="small"
                      type="primary"
                      icon={<FormOutlined />}
                      onClick={() => onRecord(item.id)}
                    >
                      {t('today.record')}
                    </Button>
                  ) : null,
              },
            ]
          : []),
      ]}
    />
  );
}
