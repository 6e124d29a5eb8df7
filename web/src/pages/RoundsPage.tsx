import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Form, Input, Radio, Space, Table, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, call } from '../api/client';
import { useRoundList } from '../api/hooks';
import type { RoundView } from '../api/model';
import { useAuth } from '../auth/AuthContext';
import { AreaSelect } from '../components/AreaSelect';
import { FormModal } from '../components/FormModal';
import { useI18n } from '../i18n/context';
import { actorLabel, errorText, roundStatusLabel } from '../i18n/labels';
import { tablePaging } from '../components/paging';

type StatusFilter = 'open' | 'closed' | 'all';

/** Screening rounds (核酸筛查轮次) of the user's area: open ones first, and a new one in two fields. */
export function RoundsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const navigate = useNavigate();
  const [status, setStatus] = useState<StatusFilter>('open');
  const [within, setWithin] = useState<number | undefined>();
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [version, setVersion] = useState(0);
  const [creating, setCreating] = useState(false);
  const rounds = useRoundList({ status: status === 'all' ? undefined : status, within, ...paging }, version);

  return (
    <div className="page" data-testid="rounds-page">
      <Card
        title={t('rounds.title')}
        extra={
          <Space>
            <Button size="small" icon={<ReloadOutlined />} onClick={() => setVersion((v) => v + 1)}>
              {t('common.refresh')}
            </Button>
            {can('health.manage') && (
              <Button type="primary" size="small" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
                {t('rounds.create')}
              </Button>
            )}
          </Space>
        }
      >
        <Space wrap className="toolbar">
          <Radio.Group
            optionType="button"
            value={status}
            onChange={(event) => {
              setStatus(event.target.value as StatusFilter);
              setPaging((current) => ({ ...current, page: 1 }));
            }}
            options={(['open', 'closed', 'all'] as const).map((value) => ({
              value,
              label: roundStatusLabel(i18n, value),
            }))}
          />
          <div className="toolbar-area">
            <AreaSelect
              value={within}
              placeholder={t('register.areaFilter')}
              onChange={(id) => {
                setWithin(id);
                setPaging((current) => ({ ...current, page: 1 }));
              }}
            />
          </div>
        </Space>
        <Table<RoundView>
          rowKey="id"
          size="middle"
          loading={rounds.loading}
          dataSource={rounds.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          data-testid="rounds-table"
          locale={{ emptyText: rounds.error ? errorText(i18n, rounds.error) : t('rounds.empty') }}
          onRow={(round) => ({
            onClick: () => void navigate(`/rounds/${round.id}`),
            className: 'clickable-row',
          })}
          pagination={tablePaging(t, paging, rounds.data?.total ?? 0, setPaging)}
          columns={[
            {
              key: 'name',
              title: t('rounds.name'),
              render: (_, round) => <Link to={`/rounds/${round.id}`}>{round.name}</Link>,
            },
            { key: 'area', title: t('rounds.area'), render: (_, round) => round.area.name },
            {
              key: 'window',
              title: t('rounds.window'),
              render: (_, round) =>
                `${i18n.formatDateTime(round.startsAt)} – ${i18n.formatDateTime(round.endsAt)}`,
            },
            {
              key: 'status',
              title: t('field.status'),
              render: (_, round) => (
                <Tag color={round.status === 'open' ? 'green' : 'default'}>
                  {roundStatusLabel(i18n, round.status)}
                </Tag>
              ),
            },
            {
              key: 'createdBy',
              title: t('rounds.createdBy'),
              render: (_, round) => actorLabel(i18n, round.createdBy),
            },
          ]}
        />
      </Card>
      {creating && (
        <CreateRoundDialog
          onClose={() => setCreating(false)}
          onCreated={(round) => {
            setCreating(false);
            void navigate(`/rounds/${round.id}`);
          }}
        />
      )}
    </div>
  );
}

interface RoundValues {
  areaId: number;
  name: string;
  window: [Dayjs, Dayjs];
}

function CreateRoundDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (round: RoundView) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const start = dayjs().startOf('day');
  return (
    <FormModal<RoundValues>
      testId="create-round-dialog"
      title={t('rounds.create')}
      okText={t('common.create')}
      initialValues={{
        name: t('rounds.defaultName', { date: start.format('M/D') }),
        window: [start, start.add(1, 'day')],
      }}
      onCancel={onClose}
      onSubmit={async (values) => {
        try {
          const round = await call(
            api.POST('/api/rounds', {
              body: {
                areaId: values.areaId,
                name: values.name.trim(),
                startsAt: values.window[0].toISOString(),
                endsAt: values.window[1].toISOString(),
              },
            }),
          );
          void message.success(t('rounds.created', { name: round.name }));
          onCreated(round);
        } catch (error) {
          // The window's problem is reported on endsAt: show it on the range.
          void message.error(errorText(i18n, error));
          throw error;
        }
      }}
    >
      <Form.Item
        name="areaId"
        label={t('rounds.area')}
        extra={t('rounds.areaHint')}
        rules={[{ required: true, message: t('rounds.areaRule') }]}
      >
        <AreaSelect />
      </Form.Item>
      <Form.Item
        name="name"
        label={t('rounds.name')}
        rules={[{ required: true, whitespace: true, message: t('rounds.nameRule') }, { max: 100 }]}
      >
        <Input />
      </Form.Item>
      <Form.Item
        name="window"
        label={t('rounds.window')}
        extra={t('rounds.windowHint')}
        rules={[{ required: true, message: t('rounds.windowRule') }]}
      >
        <DatePicker.RangePicker
          showTime={{ format: 'HH:mm' }}
          format="YYYY-MM-DD HH:mm"
          className="full-width"
        />
      </Form.Item>
    </FormModal>
  );
}
