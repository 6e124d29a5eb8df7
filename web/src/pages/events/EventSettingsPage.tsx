import { DeleteOutlined, EditOutlined, PlusOutlined, StopOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Radio,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { CalendarDayBody, CategoryClassView } from '../../api/model';
import { FormModal } from '../../components/FormModal';
import {
  eventErrorText,
  eventStepLabel,
  eventTierLabel,
  EventTierTag,
  localName,
} from '../../components/events/labels';
import {
  EVENT_STEPS,
  EVENT_TIERS,
  type EventCategory,
  type EventStep,
  type EventTier,
  LIMIT_UNITS,
  type LimitUnit,
  type StepLimits,
} from '../../components/events/vocabulary';
import { useI18n } from '../../i18n/context';

/** Event configuration (/events/settings, event.configure): categories with time limits, the working calendar. */
export function EventSettingsPage() {
  const { t } = useI18n();
  return (
    <div className="page" data-testid="event-settings">
      <Typography.Title level={3} className="page-title">
        {t('events.settings.title')}
      </Typography.Title>
      <Tabs
        items={[
          { key: 'categories', label: t('events.settings.categories'), children: <CategoriesCard /> },
          { key: 'calendar', label: t('events.settings.calendar'), children: <CalendarCard /> },
        ]}
      />
    </div>
  );
}

type Row = EventCategory & { children?: EventCategory[] };

interface LimitValue {
  amount?: number | null;
  unit?: LimitUnit;
}
interface CategoryValues {
  code: string;
  nameZh: string;
  nameEn: string;
  startTier: EventTier;
  public: boolean;
  sort?: number;
  limits: Partial<Record<EventStep, LimitValue>>;
}

/** The form's limits as the server wants them: a step without an amount inherits. */
function limitsOf(values: CategoryValues['limits']): StepLimits {
  const limits: StepLimits = {};
  for (const step of EVENT_STEPS) {
    const limit = values[step];
    if (limit?.amount) limits[step] = { amount: limit.amount, unit: limit.unit ?? 'work_hours' };
  }
  return limits;
}

function CategoriesCard() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [showRetired, setShowRetired] = useState(false);
  const [version, setVersion] = useState(0);
  const categories = useResource(
    (signal) =>
      call(api.GET('/api/events/categories', { params: { query: { includeRetired: showRetired } }, signal })),
    [showRetired, version],
  );
  const [editing, setEditing] = useState<
    { mode: 'edit'; category: EventCategory } | { mode: 'create'; parent: CategoryClassView | null } | null
  >(null);

  const limitText = (category: EventCategory, step: EventStep) => {
    const limit = category.limits[step];
    if (!limit) return <span className="muted">{t('events.settings.inherit')}</span>;
    return `${limit.amount} ${t(`events.settings.unit.${limit.unit}`)}`;
  };

  const rows: Row[] = (categories.data?.items ?? []).map((item) => ({
    ...item,
    children: item.children.length > 0 ? item.children : undefined,
  }));

  return (
    <Card
      size="small"
      extra={
        <Space>
          <Checkbox checked={showRetired} onChange={(event) => setShowRetired(event.target.checked)}>
            {t('events.settings.showRetired')}
          </Checkbox>
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing({ mode: 'create', parent: null })}
          >
            {t('events.settings.addClass')}
          </Button>
        </Space>
      }
    >
      <Table<Row>
        rowKey="id"
        size="small"
        loading={categories.loading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        data-testid="category-table"
        locale={{ emptyText: categories.error ? eventErrorText(i18n, categories.error) : undefined }}
        columns={[
          {
            key: 'name',
            title: t('events.category'),
            render: (_, row) => (
              <Space size={4}>
                {/* The code is for feeds and the API: a hover shows it, the page names the category. */}
                <span className={row.retired ? 'retired' : undefined} title={row.code}>
                  {localName(i18n, row)}
                </span>
                {row.retired && <Tag>{t('events.settings.retired')}</Tag>}
              </Space>
            ),
          },
          {
            key: 'tier',
            title: t('events.settings.startTier'),
            render: (_, row) => <EventTierTag tier={row.startTier} i18n={i18n} />,
          },
          ...EVENT_STEPS.map((step) => ({
            key: step,
            title: eventStepLabel(i18n, step),
            render: (_: unknown, row: Row) => limitText(row, step),
          })),
          {
            key: 'public',
            title: t('events.settings.public'),
            render: (_, row) => (row.public ? <Tag color="green">✓</Tag> : null),
          },
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_, row) =>
              row.retired ? null : (
                <Space size={4}>
                  <Button
                    size="small"
                    icon={<EditOutlined />}
                    onClick={() => setEditing({ mode: 'edit', category: row })}
                  >
                    {t('common.edit')}
                  </Button>
                  {row.parentId === null && (
                    <Button
                      size="small"
                      icon={<PlusOutlined />}
                      onClick={() =>
                        setEditing({
                          mode: 'create',
                          parent: { ...row, children: row.children ?? [] },
                        })
                      }
                    >
                      {t('events.settings.addChild')}
                    </Button>
                  )}
                  <Popconfirm
                    title={t('events.settings.retireConfirm')}
                    onConfirm={() =>
                      call(
                        api.POST('/api/events/categories/{id}/retire', { params: { path: { id: row.id } } }),
                      ).then(
                        () => setVersion((v) => v + 1),
                        (error: unknown) => void message.error(eventErrorText(i18n, error)),
                      )
                    }
                  >
                    <Button size="small" danger icon={<StopOutlined />}>
                      {t('events.settings.retire')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
          },
        ]}
      />
      {editing && (
        <CategoryDialog
          editing={editing}
          onCancel={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            setVersion((v) => v + 1);
            void message.success(t('events.settings.saved'));
          }}
        />
      )}
    </Card>
  );
}

function CategoryDialog({
  editing,
  onCancel,
  onSaved,
}: {
  editing: { mode: 'edit'; category: EventCategory } | { mode: 'create'; parent: CategoryClassView | null };
  onCancel: () => void;
  onSaved: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const existing = editing.mode === 'edit' ? editing.category : null;
  const parent = editing.mode === 'create' ? editing.parent : null;
  // Every step shows a unit, so typing an amount is enough.
  const limitDefaults = (limits: StepLimits) =>
    Object.fromEntries(
      EVENT_STEPS.map((step) => [
        step,
        { amount: limits[step]?.amount ?? null, unit: limits[step]?.unit ?? 'work_hours' },
      ]),
    ) as CategoryValues['limits'];
  const initialValues: Partial<CategoryValues> = existing
    ? {
        code: existing.code,
        nameZh: existing.nameZh,
        nameEn: existing.nameEn,
        startTier: existing.startTier,
        public: existing.public,
        sort: existing.sort,
        limits: limitDefaults(existing.limits),
      }
    : {
        startTier: parent?.startTier ?? 'grid',
        public: parent?.public ?? false,
        sort: 0,
        limits: limitDefaults({}),
      };

  return (
    <FormModal<CategoryValues>
      title={
        existing
          ? t('events.settings.editCategory')
          : parent
            ? `${t('events.settings.addChild')} · ${localName(i18n, parent)}`
            : t('events.settings.addClass')
      }
      initialValues={initialValues}
      onCancel={onCancel}
      onSubmit={async (values) => {
        const common = {
          nameZh: values.nameZh.trim(),
          nameEn: values.nameEn.trim(),
          startTier: values.startTier,
          public: values.public,
          limits: limitsOf(values.limits ?? {}),
          ...(values.sort !== undefined && values.sort !== null ? { sort: values.sort } : {}),
        };
        if (existing)
          await call(
            api.PATCH('/api/events/categories/{id}', { params: { path: { id: existing.id } }, body: common }),
          );
        else
          await call(
            api.POST('/api/events/categories', {
              body: { ...common, code: values.code.trim(), ...(parent ? { parentId: parent.id } : {}) },
            }),
          );
        onSaved();
      }}
      testId="category-dialog"
    >
      <Form.Item
        name="code"
        label={t('events.settings.code')}
        rules={[
          { required: true, whitespace: true, message: t('problem.required') },
          { pattern: /^[A-Za-z0-9_.-]{1,40}$/, message: 'A-Z a-z 0-9 _ . -' },
        ]}
      >
        <Input disabled={existing !== null} placeholder={parent ? `${parent.code}.…` : undefined} />
      </Form.Item>
      <Space wrap style={{ width: '100%' }}>
        <Form.Item
          name="nameZh"
          label={t('events.settings.nameZh')}
          rules={[{ required: true, whitespace: true, message: t('problem.required') }, { max: 60 }]}
        >
          <Input />
        </Form.Item>
        <Form.Item
          name="nameEn"
          label={t('events.settings.nameEn')}
          rules={[{ required: true, whitespace: true, message: t('problem.required') }, { max: 80 }]}
        >
          <Input />
        </Form.Item>
      </Space>
      <Space wrap style={{ width: '100%' }}>
        <Form.Item name="startTier" label={t('events.settings.startTier')}>
          <Select<EventTier>
            style={{ minWidth: 140 }}
            options={EVENT_TIERS.map((value) => ({ value, label: eventTierLabel(i18n, value) }))}
          />
        </Form.Item>
        <Form.Item name="sort" label={t('events.settings.sort')}>
          <InputNumber min={0} max={100000} />
        </Form.Item>
        <Form.Item name="public" label={t('events.settings.public')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Space>
      <Typography.Text strong>{t('events.settings.limits')}</Typography.Text>
      {EVENT_STEPS.map((step) => (
        <Space key={step} wrap align="baseline" style={{ display: 'flex' }}>
          <span style={{ display: 'inline-block', minWidth: 72 }}>{eventStepLabel(i18n, step)}</span>
          <Form.Item name={['limits', step, 'amount']} noStyle>
            <InputNumber
              min={1}
              max={10000}
              placeholder={t('events.settings.inherit')}
              style={{ width: 110 }}
            />
          </Form.Item>
          <Form.Item name={['limits', step, 'unit']} noStyle>
            <Select<LimitUnit>
              style={{ width: 120 }}
              options={LIMIT_UNITS.map((value) => ({ value, label: t(`events.settings.unit.${value}`) }))}
            />
          </Form.Item>
        </Space>
      ))}
    </FormModal>
  );
}

interface DayValues {
  day: Dayjs;
  kind: CalendarDayBody['kind'];
  name: string;
}

/** Holidays and swapped working days (调休) of a year: the limits count working time by them. */
function CalendarCard() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [year, setYear] = useState(() => new Date().getFullYear());
  const [version, setVersion] = useState(0);
  const calendar = useResource(
    (signal) => call(api.GET('/api/events/calendar', { params: { query: { year } }, signal })),
    [year, version],
  );
  const [adding, setAdding] = useState(false);
  const years = Array.from({ length: 5 }, (_, index) => new Date().getFullYear() - 1 + index);

  return (
    <Card
      size="small"
      title={
        <Space>
          {t('events.settings.year')}
          <Select<number>
            value={year}
            onChange={setYear}
            options={years.map((value) => ({ value, label: String(value) }))}
            data-testid="calendar-year"
          />
        </Space>
      }
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
          {t('events.settings.addDay')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('events.settings.calendarHint')}</Typography.Paragraph>
      <Table
        rowKey="day"
        size="small"
        loading={calendar.loading}
        dataSource={calendar.data?.items ?? []}
        pagination={false}
        data-testid="calendar-table"
        locale={{
          emptyText: calendar.error
            ? eventErrorText(i18n, calendar.error)
            : t('events.settings.calendarEmpty'),
        }}
        columns={[
          { key: 'day', title: t('events.settings.day'), dataIndex: 'day' },
          {
            key: 'kind',
            title: t('events.settings.kind'),
            render: (_, row) => (
              <Tag color={row.kind === 'holiday' ? 'red' : 'blue'}>
                {t(`events.settings.kind.${row.kind}`)}
              </Tag>
            ),
          },
          { key: 'name', title: t('events.settings.dayName'), dataIndex: 'name' },
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_, row) => (
              <Popconfirm
                title={`${t('events.settings.removeDay')} ${row.day}?`}
                onConfirm={() =>
                  call(api.DELETE('/api/events/calendar/{day}', { params: { path: { day: row.day } } })).then(
                    () => setVersion((v) => v + 1),
                    (error: unknown) => void message.error(eventErrorText(i18n, error)),
                  )
                }
              >
                <Button size="small" danger icon={<DeleteOutlined />}>
                  {t('events.settings.removeDay')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      {adding && (
        <FormModal<DayValues>
          title={t('events.settings.addDay')}
          initialValues={{ kind: 'holiday' }}
          onCancel={() => setAdding(false)}
          onSubmit={async (values) => {
            const day = values.day.format('YYYY-MM-DD');
            await call(
              api.PUT('/api/events/calendar/{day}', {
                params: { path: { day } },
                body: { kind: values.kind, name: values.name.trim() },
              }),
            );
            setAdding(false);
            if (values.day.year() !== year) setYear(values.day.year());
            setVersion((v) => v + 1);
          }}
        >
          <Form.Item
            name="day"
            label={t('events.settings.day')}
            rules={[{ required: true, message: t('problem.required') }]}
          >
            <DatePicker />
          </Form.Item>
          <Form.Item name="kind" label={t('events.settings.kind')}>
            <Radio.Group
              optionType="button"
              options={[
                { value: 'holiday', label: t('events.settings.kind.holiday') },
                { value: 'workday', label: t('events.settings.kind.workday') },
              ]}
            />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('events.settings.dayName')}
            rules={[
              { required: true, whitespace: true, message: t('problem.required') },
              { max: 50, message: t('common.maxLength', { max: 50 }) },
            ]}
          >
            <Input placeholder={t('events.settings.dayNamePlaceholder')} />
          </Form.Item>
        </FormModal>
      )}
    </Card>
  );
}
