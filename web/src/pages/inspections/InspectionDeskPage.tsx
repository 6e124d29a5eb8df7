import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Progress,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import {
  useInspectionRounds,
  useInspectionTemplates,
  useRectifications,
  useRoundProgress,
  useRoundUninspected,
} from '../../api/inspection-hooks';
import type { ChecklistView, InspectionRoundView } from '../../api/model';
import { useAuth } from '../../auth/AuthContext';
import { AreaSelect } from '../../components/AreaSelect';
import { FormModal } from '../../components/FormModal';
import { RoundChart } from '../../components/inspections/RoundChart';
import { itemLabel } from '../../components/inspections/labels';
import { useI18n } from '../../i18n/context';
import { actorLabel, errorText } from '../../i18n/labels';

const TABS = ['rounds', 'rectifications', 'templates'] as const;
type Tab = (typeof TABS)[number];
const PHASE_COLOURS = {
  upcoming: 'default',
  running: 'processing',
  ended: 'error',
  closed: 'success',
} as const;

/** The desk pages of enterprise inspections: rounds with progress per grid, rectifications, checklists. */
export function InspectionDeskPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const tab: Tab = TABS.find((x) => x === useParams().tab) ?? 'rounds';
  return (
    <div className="page inspection-desk-page" data-testid="inspection-desk">
      <Card title={t('inspections.title')}>
        <Tabs
          activeKey={tab}
          onChange={(key) => void navigate(`/enterprise-inspections/${key}`)}
          items={TABS.map((key) => ({
            key,
            label: t(`inspections.tab.${key}`),
            children:
              key === 'rounds' ? <Rounds /> : key === 'rectifications' ? <Rectifications /> : <Templates />,
          }))}
        />
      </Card>
    </div>
  );
}

function Rounds() {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const { message } = App.useApp();
  const [search, setSearch] = useSearchParams();
  const [version, setVersion] = useState(0);
  const [creating, setCreating] = useState(false);
  const rounds = useInspectionRounds(undefined, version);
  const selected = Number(search.get('round')) || rounds.data?.items[0]?.id;
  const progress = useRoundProgress(selected, version);
  const left = useRoundUninspected(selected, version);
  const labels = useMemo(
    () => ({ inspected: t('inspections.inspected'), uninspected: t('inspections.uninspected') }),
    [t],
  );
  const close = async (round: InspectionRoundView) => {
    try {
      await call(
        api.POST('/api/enterprise-inspections/rounds/{id}/close', { params: { path: { id: round.id } } }),
      );
      void message.success(t('inspections.roundClosed'));
      setVersion((v) => v + 1);
    } catch (error) {
      void message.error(errorText(i18n, error));
    }
  };
  return (
    <Space orientation="vertical" className="full-width">
      {can('enterprise.manage') && (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('inspections.createRound')}
        </Button>
      )}
      <Table<InspectionRoundView>
        rowKey="id"
        size="small"
        loading={rounds.loading}
        dataSource={rounds.data?.items ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: rounds.error ? errorText(i18n, rounds.error) : t('inspections.roundsEmpty') }}
        rowClassName={(r) => (r.id === selected ? 'ant-table-row-selected clickable-row' : 'clickable-row')}
        onRow={(r) => ({ onClick: () => setSearch({ round: String(r.id) }) })}
        data-testid="inspection-rounds"
        columns={[
          { key: 'name', title: t('inspections.roundName'), render: (_, r) => r.name },
          { key: 'window', title: t('inspections.window'), render: (_, r) => `${r.startsOn} – ${r.endsOn}` },
          {
            key: 'phase',
            title: t('field.status'),
            render: (_, r) => (
              <Space size={4}>
                <Tag color={PHASE_COLOURS[r.phase]}>{t(`inspections.phase.${r.phase}`)}</Tag>
                {r.escalatedAt && <Tag color="red">{t('inspections.escalated')}</Tag>}
              </Space>
            ),
          },
          {
            key: 'progress',
            title: t('inspections.progress'),
            render: (_, r) => (
              <Space>
                <Progress
                  size="small"
                  style={{ width: 120 }}
                  percent={r.total ? Math.round((r.inspected / r.total) * 100) : 0}
                />
                {r.inspected} / {r.total}
              </Space>
            ),
          },
          { key: 'by', title: t('sweeps.createdBy'), render: (_, r) => actorLabel(i18n, r.createdBy) },
          {
            key: 'actions',
            render: (_, r) =>
              r.status === 'open' &&
              can('enterprise.manage') && (
                <Button size="small" onClick={() => void close(r)}>
                  {t('inspections.closeRound')}
                </Button>
              ),
          },
        ]}
      />
      {progress.data && (
        <Card size="small" title={`${progress.data.round.name} · ${t('inspections.gridProgress')}`}>
          <RoundChart
            labels={labels}
            rows={progress.data.grids.map((g) => ({
              name: g.gridName ?? t('inspections.noGrid'),
              inspected: g.inspected,
              total: g.total,
            }))}
          />
        </Card>
      )}
      {left.data && (
        <Card size="small" title={`${t('inspections.uninspectedList')}（${left.data.total}）`}>
          <Table
            rowKey="id"
            size="small"
            dataSource={left.data.items}
            pagination={false}
            data-testid="inspection-uninspected"
            columns={[
              { key: 'name', title: t('inspections.enterprise'), render: (_, u) => u.name },
              { key: 'area', title: t('inspections.area'), render: (_, u) => u.areaName },
              { key: 'address', title: t('inspections.address'), render: (_, u) => u.address ?? '' },
            ]}
          />
        </Card>
      )}
      {creating && (
        <CreateRoundDialog
          onClose={() => setCreating(false)}
          onCreated={(round) => {
            setCreating(false);
            void message.success(t('inspections.roundCreated', { name: round.name }));
            setVersion((v) => v + 1);
            setSearch({ round: String(round.id) });
          }}
        />
      )}
    </Space>
  );
}

interface RoundValues {
  name: string;
  areaId: number;
  days: [Dayjs, Dayjs];
}

function CreateRoundDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (round: InspectionRoundView) => void;
}) {
  const { t } = useI18n();
  return (
    <FormModal<RoundValues>
      title={t('inspections.createRound')}
      onCancel={onClose}
      onSubmit={async (values) =>
        onCreated(
          await call(
            api.POST('/api/enterprise-inspections/rounds', {
              body: {
                name: values.name,
                areaId: values.areaId,
                startsOn: values.days[0].format('YYYY-MM-DD'),
                endsOn: values.days[1].format('YYYY-MM-DD'),
              },
            }),
          ),
        )
      }
    >
      <Form.Item
        name="name"
        label={t('inspections.roundName')}
        rules={[{ required: true, message: t('inspections.roundNameRule') }]}
      >
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item
        name="areaId"
        label={t('inspections.roundArea')}
        rules={[{ required: true, message: t('inspections.roundAreaRule') }]}
      >
        <AreaSelect />
      </Form.Item>
      <Form.Item
        name="days"
        label={t('inspections.roundDays')}
        extra={t('inspections.roundHint')}
        rules={[{ required: true, message: t('inspections.roundDaysRule') }]}
      >
        <DatePicker.RangePicker format="YYYY-MM-DD" className="full-width" />
      </Form.Item>
    </FormModal>
  );
}

function Rectifications() {
  const i18n = useI18n();
  const { t } = i18n;
  const [overdue, setOverdue] = useState(false);
  const tasks = useRectifications(overdue ? { overdue: true } : {});
  return (
    <Space orientation="vertical" className="full-width">
      <Space>
        <Switch checked={overdue} onChange={setOverdue} />
        {t('inspections.onlyOverdue')}
      </Space>
      <Table
        rowKey="id"
        size="small"
        loading={tasks.loading}
        dataSource={tasks.data?.items ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        data-testid="inspection-rectifications"
        locale={{
          emptyText: tasks.error ? errorText(i18n, tasks.error) : t('inspections.rectificationsEmpty'),
        }}
        columns={[
          { key: 'unit', title: t('inspections.enterprise'), render: (_, r) => r.unitName },
          {
            key: 'item',
            title: t('inspections.item'),
            render: (_, r) => (
              <Space orientation="vertical" size={0}>
                {itemLabel(i18n, { key: r.itemKey, label: r.itemLabel })}
                {r.note && <span className="muted">{r.note}</span>}
              </Space>
            ),
          },
          {
            key: 'deadline',
            title: t('inspections.deadline'),
            render: (_, r) => (
              <Space>
                {i18n.formatDateTime(r.deadline)}
                {r.overdue && <Tag color="red">{t('inspections.overdue')}</Tag>}
              </Space>
            ),
          },
          { key: 'tier', title: t('inspections.tier'), render: (_, r) => t(`level.${r.tier}`) },
          {
            key: 'status',
            title: t('field.status'),
            render: (_, r) => (
              <Tag color={r.status === 'open' ? 'orange' : 'green'}>
                {t(`inspections.status.${r.status}`)}
              </Tag>
            ),
          },
        ]}
      />
    </Space>
  );
}

interface TemplateValues {
  areaId: number;
  rectificationDays: number;
  items: Array<{ key?: string; label?: string }>;
}

function Templates() {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const { message } = App.useApp();
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState<ChecklistView | null>(null);
  const templates = useInspectionTemplates(version);
  return (
    <Space orientation="vertical" className="full-width">
      <span className="muted">{t('inspections.templateHint')}</span>
      {(templates.data?.items ?? []).map((tpl) => (
        <Card
          key={tpl.templateId ?? 'builtin'}
          size="small"
          data-testid="inspection-template"
          title={
            tpl.area
              ? t('inspections.checklistVersion', { area: tpl.area.name, version: tpl.version })
              : t('inspections.builtinChecklist')
          }
          extra={
            can('enterprise.manage') && (
              <Button size="small" onClick={() => setEditing(tpl)}>
                {t('inspections.templateEdit')}
              </Button>
            )
          }
        >
          <Space wrap>
            {tpl.items.map((item) => (
              <Tag key={item.key}>{itemLabel(i18n, item)}</Tag>
            ))}
          </Space>
          <div className="muted">
            {t('inspections.templateDays')}: {tpl.rectificationDays}
          </div>
        </Card>
      ))}
      {editing && (
        <FormModal<TemplateValues>
          title={t('inspections.tab.templates')}
          initialValues={{
            areaId: editing.area?.id,
            rectificationDays: editing.rectificationDays,
            items: editing.items.map((item) => ({ key: item.key, label: itemLabel(i18n, item) })),
          }}
          onCancel={() => setEditing(null)}
          onSubmit={async (values) => {
            const builtin = new Map(
              editing.items.filter((i) => i.label === null).map((i) => [i.key, itemLabel(i18n, i)]),
            );
            const saved = await call(
              api.POST('/api/enterprise-inspections/templates', {
                body: {
                  areaId: values.areaId,
                  rectificationDays: values.rectificationDays,
                  // A built-in item left as it was stays translatable (sent by key without a label).
                  items: values.items.map((item) =>
                    item.key && builtin.get(item.key) === item.label
                      ? { key: item.key }
                      : { ...(item.key ? { key: item.key } : {}), label: item.label ?? '' },
                  ),
                },
              }),
            );
            void message.success(t('inspections.templateSaved', { version: saved.version }));
            setEditing(null);
            setVersion((v) => v + 1);
          }}
        >
          <Form.Item
            name="areaId"
            label={t('inspections.templateArea')}
            rules={[{ required: true, message: t('inspections.templateAreaRule') }]}
          >
            <AreaSelect />
          </Form.Item>
          <Form.Item name="rectificationDays" label={t('inspections.templateDays')}>
            <InputNumber min={1} max={60} />
          </Form.Item>
          <Form.List name="items">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => (
                  <Space key={field.key} align="baseline" className="full-width">
                    <Form.Item name={[field.name, 'key']} hidden>
                      <Input />
                    </Form.Item>
                    <Form.Item
                      name={[field.name, 'label']}
                      rules={[
                        { required: true, whitespace: true, message: t('inspections.templateItemRule') },
                      ]}
                    >
                      <Input maxLength={100} style={{ width: 280 }} />
                    </Form.Item>
                    <Button icon={<DeleteOutlined />} onClick={() => remove(field.name)} />
                  </Space>
                ))}
                <Button icon={<PlusOutlined />} onClick={() => add({})}>
                  {t('inspections.templateNewItem')}
                </Button>
              </>
            )}
          </Form.List>
        </FormModal>
      )}
    </Space>
  );
}
