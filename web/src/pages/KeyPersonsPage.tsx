import { PlusOutlined, RadarChartOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Collapse,
  DatePicker,
  Form,
  Input,
  Radio,
  Select,
  Space,
  Switch,
  Table,
  Tag,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, call } from '../api/client';
import { useCurrentRiskAreas, useKeyPersonList } from '../api/hooks';
import type { KeyPersonView, RiskAreaView } from '../api/model';
import { KEY_PERSON_STATUSES, type KeyPersonStatus } from '../api/vocabulary';
import { useAuth } from '../auth/AuthContext';
import { AreaSelect } from '../components/AreaSelect';
import { FormModal } from '../components/FormModal';
import { CategoryTag } from '../components/health/tags';
import { KEY_PERSON_CATEGORIES, type KeyPersonCategory } from '../components/health/vocabulary';
import { PersonSelect } from '../components/register/pickers';
import { useI18n } from '../i18n/context';
import { errorText, keyPersonCategoryLabel, keyPersonStatusLabel } from '../i18n/labels';
import { tablePaging } from '../components/paging';

/** Key persons (重点人员) under follow-up: by category and status, with today's progress. */
export function KeyPersonsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const navigate = useNavigate();
  const [category, setCategory] = useState<KeyPersonCategory | undefined>();
  const [status, setStatus] = useState<KeyPersonStatus | 'all'>('active');
  const [within, setWithin] = useState<number | undefined>();
  const [mine, setMine] = useState(false);
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [version, setVersion] = useState(0);
  const [creating, setCreating] = useState(false);
  const list = useKeyPersonList(
    { category, status, within, responsible: mine ? 'me' : undefined, ...paging },
    version,
  );
  const firstPage = () => setPaging((current) => ({ ...current, page: 1 }));
  const { message } = App.useApp();
  const [scanning, setScanning] = useState(false);
  const scan = async () => {
    setScanning(true);
    try {
      const result = await call(api.POST('/api/key-persons/scan-returnees'));
      void message.success(t('keyPersons.scanned', { count: result.flagged }));
      setVersion((v) => v + 1);
    } catch (error) {
      void message.error(errorText(i18n, error));
    } finally {
      setScanning(false);
    }
  };

  return (
    <div className="page" data-testid="key-persons-page">
      <Card
        title={t('keyPersons.title')}
        extra={
          <Space>
            <Button size="small" icon={<ReloadOutlined />} onClick={() => setVersion((v) => v + 1)}>
              {t('common.refresh')}
            </Button>
            {can('health.write') && (
              <Button
                size="small"
                icon={<RadarChartOutlined />}
                loading={scanning}
                onClick={() => void scan()}
              >
                {t('keyPersons.scan')}
              </Button>
            )}
            {can('health.manage') && (
              <Button type="primary" size="small" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
                {t('keyPersons.create')}
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
              setStatus(event.target.value as KeyPersonStatus | 'all');
              firstPage();
            }}
            options={[...KEY_PERSON_STATUSES, 'all' as const].map((value) => ({
              value,
              label: keyPersonStatusLabel(i18n, value),
            }))}
          />
          <Select<KeyPersonCategory>
            allowClear
            className="toolbar-select"
            placeholder={t('keyPersons.allCategories')}
            value={category}
            onChange={(value) => {
              setCategory(value);
              firstPage();
            }}
            options={KEY_PERSON_CATEGORIES.map((value) => ({
              value,
              label: keyPersonCategoryLabel(i18n, value),
            }))}
          />
          <div className="toolbar-area">
            <AreaSelect
              value={within}
              placeholder={t('register.areaFilter')}
              onChange={(id) => {
                setWithin(id);
                firstPage();
              }}
            />
          </div>
          <Space size={6}>
            <Switch
              checked={mine}
              onChange={(checked) => {
                setMine(checked);
                firstPage();
              }}
            />
            {t('keyPersons.mine')}
          </Space>
        </Space>
        <Table<KeyPersonView>
          rowKey="id"
          size="middle"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          data-testid="key-persons-table"
          locale={{ emptyText: list.error ? errorText(i18n, list.error) : t('keyPersons.empty') }}
          onRow={(item) => ({
            onClick: () => void navigate(`/key-persons/${item.id}`),
            className: 'clickable-row',
          })}
          pagination={tablePaging(t, paging, list.data?.total ?? 0, setPaging)}
          columns={[
            {
              key: 'name',
              title: t('field.name'),
              render: (_, item) => <Link to={`/key-persons/${item.id}`}>{item.person.name}</Link>,
            },
            {
              key: 'category',
              title: t('field.category'),
              render: (_, item) => <CategoryTag category={item.category} />,
            },
            {
              key: 'period',
              title: t('keyPersons.period'),
              render: (_, item) => `${item.startsOn} – ${item.endsOn}`,
            },
            { key: 'area', title: t('field.area'), render: (_, item) => item.person.area?.name ?? '—' },
            {
              key: 'responsible',
              title: t('keyPersons.responsible'),
              render: (_, item) => item.responsible?.name ?? <Tag color="red">{t('keyPersons.nobody')}</Tag>,
            },
            {
              key: 'today',
              title: t('keyPersons.today'),
              render: (_, item) =>
                item.status === 'active' ? (
                  <Space size={4}>
                    <Tag color={item.followUps.doneToday >= item.followUps.dueToday ? 'green' : 'blue'}>
                      {t('today.doneToday', { done: item.followUps.doneToday, due: item.followUps.dueToday })}
                    </Tag>
                    {item.followUps.missing > 0 && (
                      <Tag color="red">{t('today.missing', { count: item.followUps.missing })}</Tag>
                    )}
                  </Space>
                ) : (
                  <Tag>{keyPersonStatusLabel(i18n, item.status)}</Tag>
                ),
            },
          ]}
        />
      </Card>
      <RiskAreasCard />
      {creating && (
        <CreateKeyPersonDialog
          onClose={() => setCreating(false)}
          onCreated={(item) => {
            setCreating(false);
            void navigate(`/key-persons/${item.id}`);
          }}
        />
      )}
    </div>
  );
}

interface KeyPersonValues {
  personId: number;
  category: KeyPersonCategory;
  period?: [Dayjs | null, Dayjs | null];
  reason?: string;
}

function CreateKeyPersonDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (item: KeyPersonView) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  return (
    <FormModal<KeyPersonValues>
      testId="create-key-person-dialog"
      title={t('keyPersons.create')}
      okText={t('common.create')}
      onCancel={onClose}
      onSubmit={async (values) => {
        const [startsOn, endsOn] = values.period ?? [null, null];
        const item = await call(
          api.POST('/api/key-persons', {
            body: {
              personId: values.personId,
              category: values.category,
              ...(startsOn ? { startsOn: startsOn.format('YYYY-MM-DD') } : {}),
              ...(endsOn ? { endsOn: endsOn.format('YYYY-MM-DD') } : {}),
              ...(values.reason?.trim() ? { reason: values.reason.trim() } : {}),
            },
          }),
        );
        void message.success(t('keyPersons.created', { name: item.person.name }));
        onCreated(item);
      }}
    >
      <Form.Item
        name="personId"
        label={t('keyPersons.person')}
        rules={[{ required: true, message: t('keyPersons.personRule') }]}
      >
        <PersonSelect placeholder={t('keyPersons.personPlaceholder')} />
      </Form.Item>
      <Form.Item
        name="category"
        label={t('field.category')}
        rules={[{ required: true, message: t('keyPersons.categoryRule') }]}
      >
        <Radio.Group
          className="chip-group"
          optionType="button"
          options={KEY_PERSON_CATEGORIES.map((value) => ({
            value,
            label: keyPersonCategoryLabel(i18n, value),
          }))}
        />
      </Form.Item>
      <Form.Item name="period" label={t('keyPersons.period')} extra={t('keyPersons.periodHint')}>
        <DatePicker.RangePicker allowEmpty={[true, true]} className="full-width" />
      </Form.Item>
      <Form.Item name="reason" label={t('keyPersons.reason')} rules={[{ max: 500 }]}>
        <Input.TextArea autoSize={{ minRows: 1, maxRows: 3 }} />
      </Form.Item>
    </FormModal>
  );
}

const RISK_COLOURS: Record<RiskAreaView['level'], string> = { high: 'red', medium: 'orange', low: 'gold' };

/** The risk areas in force now: what returnees are flagged against. */
function RiskAreasCard() {
  const i18n = useI18n();
  const { t } = i18n;
  const [open, setOpen] = useState(false);
  const areas = useCurrentRiskAreas(open);
  return (
    <Collapse
      className="page-alert risk-areas"
      activeKey={open ? ['risk'] : []}
      onChange={(keys) => setOpen(keys.length > 0)}
      items={[
        {
          key: 'risk',
          label: t('riskAreas.title'),
          children: (
            <Table<RiskAreaView>
              rowKey="id"
              size="small"
              loading={areas.loading}
              dataSource={areas.data ?? []}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              locale={{ emptyText: areas.error ? errorText(i18n, areas.error) : t('riskAreas.none') }}
              columns={[
                { key: 'name', title: t('riskAreas.name'), dataIndex: 'name' },
                {
                  key: 'level',
                  title: t('riskAreas.level'),
                  render: (_, area) => (
                    <Tag color={RISK_COLOURS[area.level]}>{t(`riskAreas.level.${area.level}`)}</Tag>
                  ),
                },
                {
                  key: 'valid',
                  title: t('riskAreas.valid'),
                  render: (_, area) =>
                    `${i18n.formatDateTime(area.validFrom)} – ${area.validTo ? i18n.formatDateTime(area.validTo) : t('riskAreas.open')}`,
                },
                { key: 'source', title: t('inbox.source'), dataIndex: 'source' },
              ]}
            />
          ),
        },
      ]}
    />
  );
}
