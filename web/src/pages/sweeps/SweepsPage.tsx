import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Form, Input, Progress, Radio, Space, Table, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, call } from '../../api/client';
import type { SweepView } from '../../api/model';
import { useSweepList } from '../../api/sweep-hooks';
import { useAuth } from '../../auth/AuthContext';
import { AreaSelect } from '../../components/AreaSelect';
import { FormModal } from '../../components/FormModal';
import { tablePaging } from '../../components/paging';
import { useI18n } from '../../i18n/context';
import { actorLabel, errorText } from '../../i18n/labels';

type StatusFilter = 'open' | 'closed' | 'all';
const PHASE_COLOURS: Record<SweepView['phase'], string> = {
  upcoming: 'blue',
  running: 'green',
  ended: 'orange',
  closed: 'default',
};

/** Door-to-door sweeps (拉网式排查) of the user's area, at the desk: open ones first, a new one in three fields. */
export function SweepsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const navigate = useNavigate();
  const [status, setStatus] = useState<StatusFilter>('open');
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [version, setVersion] = useState(0);
  const [creating, setCreating] = useState(false);
  const sweeps = useSweepList({ ...(status === 'all' ? {} : { status }), ...paging }, version);

  return (
    <div className="page" data-testid="sweeps-page">
      <Card
        title={t('sweeps.title')}
        extra={
          <Space>
            <Button size="small" icon={<ReloadOutlined />} onClick={() => setVersion((v) => v + 1)}>
              {t('common.refresh')}
            </Button>
            {can('health.write') && (
              <Button type="primary" size="small" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
                {t('sweeps.create')}
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
              label: value === 'all' ? t('sweeps.all') : t(`sweeps.status.${value}`),
            }))}
          />
        </Space>
        <Table<SweepView>
          rowKey="id"
          size="middle"
          loading={sweeps.loading}
          dataSource={sweeps.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          data-testid="sweeps-table"
          locale={{ emptyText: sweeps.error ? errorText(i18n, sweeps.error) : t('sweeps.empty') }}
          onRow={(sweep) => ({
            onClick: () => void navigate(`/sweeps/${sweep.id}`),
            className: 'clickable-row',
          })}
          pagination={tablePaging(t, paging, sweeps.data?.total ?? 0, setPaging)}
          columns={[
            {
              key: 'name',
              title: t('sweeps.name'),
              render: (_, sweep) => <Link to={`/sweeps/${sweep.id}`}>{sweep.name}</Link>,
            },
            { key: 'area', title: t('sweeps.area'), render: (_, sweep) => sweep.area.name },
            {
              key: 'window',
              title: t('sweeps.window'),
              render: (_, sweep) => `${sweep.startsOn} – ${sweep.endsOn}`,
            },
            {
              key: 'phase',
              title: t('field.status'),
              render: (_, sweep) => (
                <Tag color={PHASE_COLOURS[sweep.phase]}>{t(`sweeps.phase.${sweep.phase}`)}</Tag>
              ),
            },
            {
              key: 'progress',
              title: t('sweeps.progress'),
              width: 260,
              render: (_, sweep) => (
                <Space>
                  <Progress
                    percent={Math.round((sweep.figures.visitedShare ?? 0) * 1000) / 10}
                    size="small"
                    className="sweep-progress"
                  />
                  <span>
                    {sweep.figures.visited} / {sweep.figures.total}
                  </span>
                </Space>
              ),
            },
            { key: 'fevers', title: t('sweeps.figure.fevers'), render: (_, sweep) => sweep.figures.fevers },
            {
              key: 'createdBy',
              title: t('sweeps.createdBy'),
              render: (_, sweep) => actorLabel(i18n, sweep.createdBy),
            },
          ]}
        />
      </Card>
      {creating && (
        <CreateSweepDialog
          onClose={() => setCreating(false)}
          onCreated={(sweep) => {
            setCreating(false);
            void navigate(`/sweeps/${sweep.id}`);
          }}
        />
      )}
    </div>
  );
}

interface SweepValues {
  areaId: number;
  name: string;
  days: [Dayjs, Dayjs];
}

function CreateSweepDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (sweep: SweepView) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const start = dayjs().startOf('day');
  return (
    <FormModal<SweepValues>
      testId="create-sweep-dialog"
      title={t('sweeps.create')}
      okText={t('common.create')}
      initialValues={{
        name: t('sweeps.defaultName', { date: start.format('M/D') }),
        days: [start, start.add(9, 'day')],
      }}
      onCancel={onClose}
      onSubmit={async (values) => {
        try {
          const sweep = await call(
            api.POST('/api/sweeps', {
              body: {
                areaId: values.areaId,
                name: values.name.trim(),
                startsOn: values.days[0].format('YYYY-MM-DD'),
                endsOn: values.days[1].format('YYYY-MM-DD'),
              },
            }),
          );
          void message.success(t('sweeps.created', { name: sweep.name }));
          onCreated(sweep);
        } catch (error) {
          // The dates' problem is reported on endsOn: show it as a message beside the range.
          void message.error(errorText(i18n, error));
          throw error;
        }
      }}
    >
      <Form.Item
        name="areaId"
        label={t('sweeps.area')}
        extra={t('sweeps.areaHint')}
        rules={[{ required: true, message: t('sweeps.areaRule') }]}
      >
        <AreaSelect />
      </Form.Item>
      <Form.Item
        name="name"
        label={t('sweeps.name')}
        rules={[{ required: true, whitespace: true, message: t('sweeps.nameRule') }, { max: 100 }]}
      >
        <Input />
      </Form.Item>
      <Form.Item
        name="days"
        label={t('sweeps.days')}
        extra={t('sweeps.daysHint')}
        rules={[{ required: true, message: t('sweeps.daysRule') }]}
      >
        <DatePicker.RangePicker format="YYYY-MM-DD" className="full-width" />
      </Form.Item>
    </FormModal>
  );
}
