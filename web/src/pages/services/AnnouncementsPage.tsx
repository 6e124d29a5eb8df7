import {
  BarChartOutlined,
  EditOutlined,
  PlusOutlined,
  ReloadOutlined,
  SendOutlined,
  StopOutlined,
} from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  DatePicker,
  Drawer,
  Form,
  Input,
  Popconfirm,
  Radio,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { lazy, Suspense, useState } from 'react';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { AnnouncementView as Announcement, AreaDetail } from '../../api/model';
import { isOneOf, PERSON_TAGS, type PersonTag } from '../../api/vocabulary';
import { useAuth } from '../../auth/AuthContext';
import { AreaSelect } from '../../components/AreaSelect';
import { FormModal } from '../../components/FormModal';
import { PersonTagList } from '../../components/register/PersonTags';
import { TagPicker } from '../../components/register/TagPicker';
import {
  AnnouncementKindTag,
  AnnouncementStatusTag,
  ErrorText,
  usePageArea,
} from '../../components/services/common';
import {
  ANNOUNCEMENT_KINDS,
  ANNOUNCEMENT_STATUSES,
  type AnnouncementKind,
  type AnnouncementStatus,
} from '../../components/services/vocabulary';
import { useI18n } from '../../i18n/context';
import { actorLabel, errorText } from '../../i18n/labels';
import { tablePaging } from '../../components/paging';

const publish = (id: number) =>
  call(api.POST('/api/announcements/{id}/publish', { params: { path: { id } } }));

const ReadsChart = lazy(() =>
  import('../../components/services/ServiceCharts').then((module) => ({ default: module.ReadsChart })),
);

/** 通知公告: policy notices, rumour rebuttals and alerts to the households of an area. */
export function AnnouncementsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const { can } = useAuth();
  const write = can('announcement.write');
  const { areaId, area, setArea } = usePageArea();
  const [status, setStatus] = useState<AnnouncementStatus | undefined>();
  const [kind, setKind] = useState<AnnouncementKind | undefined>();
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState<Announcement | 'new' | null>(null);
  const [reads, setReads] = useState<Announcement | null>(null);
  const query = { areaId, status, kind, ...paging };
  const list = useResource(
    (signal) => call(api.GET('/api/announcements', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );
  const reload = () => setVersion((v) => v + 1);
  const firstPage = () => setPaging((current) => ({ ...current, page: 1 }));

  const act = (work: Promise<Announcement>, done: string) =>
    work
      .then(() => {
        void message.success(done);
        reload();
      })
      .catch((error: unknown) => void message.error(errorText(i18n, error)));

  return (
    <div className="page" data-testid="announcements-page">
      <div className="page-title-row">
        <Typography.Title level={3} className="page-title">
          {t('announcements.title')}
        </Typography.Title>
        <Space wrap>
          <div className="toolbar-area">
            <AreaSelect
              value={areaId}
              initial={area}
              onChange={(id) => {
                setArea(id);
                firstPage();
              }}
            />
          </div>
          <Button icon={<ReloadOutlined />} onClick={reload}>
            {t('common.refresh')}
          </Button>
          {write && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing('new')}
              disabled={!area}
              data-testid="announcement-new"
            >
              {t('announcements.new')}
            </Button>
          )}
        </Space>
      </div>
      <Card size="small">
        <Space wrap style={{ marginBottom: 8 }}>
          <Select<AnnouncementStatus>
            allowClear
            style={{ minWidth: 120 }}
            placeholder={t('announcements.allStatuses')}
            value={status}
            onChange={(next) => {
              setStatus(next);
              firstPage();
            }}
            options={ANNOUNCEMENT_STATUSES.map((value) => ({
              value,
              label: t(`announcements.status.${value}`),
            }))}
          />
          <Select<AnnouncementKind>
            allowClear
            style={{ minWidth: 120 }}
            placeholder={t('announcements.allKinds')}
            value={kind}
            onChange={(next) => {
              setKind(next);
              firstPage();
            }}
            options={ANNOUNCEMENT_KINDS.map((value) => ({ value, label: t(`announcements.kind.${value}`) }))}
          />
        </Space>
        <Table<Announcement>
          rowKey="id"
          size="middle"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          data-testid="announcements-table"
          locale={{ emptyText: list.error ? errorText(i18n, list.error) : t('announcements.empty') }}
          pagination={tablePaging(t, paging, list.data?.total ?? 0, setPaging)}
          expandable={{
            expandedRowRender: (item) => (
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
                {item.body}
              </Typography.Paragraph>
            ),
          }}
          columns={[
            {
              key: 'title',
              title: t('announcements.titleLabel'),
              render: (_, item) => (
                <Space direction="vertical" size={0}>
                  <Space size={4}>
                    <AnnouncementKindTag kind={item.kind} />
                    <strong data-testid="announcement-title">{item.title}</strong>
                  </Space>
                  {item.tags.length > 0 && <PersonTagList tags={item.tags} />}
                </Space>
              ),
            },
            { key: 'area', title: t('announcements.target'), render: (_, item) => item.area.name },
            {
              key: 'status',
              title: t('field.status'),
              render: (_, item) => <AnnouncementStatusTag status={item.status} expired={item.expired} />,
            },
            {
              key: 'dates',
              title: t('announcements.dates'),
              render: (_, item) => (
                <Space direction="vertical" size={0} className="muted">
                  <span>
                    {item.publishedAt
                      ? t('announcements.publishedAt', { at: i18n.formatDateTime(item.publishedAt) })
                      : t('announcements.createdAt', { at: i18n.formatDateTime(item.createdAt) })}
                  </span>
                  {item.expiresAt && (
                    <span>{t('announcements.expiresAt', { at: i18n.formatDateTime(item.expiresAt) })}</span>
                  )}
                </Space>
              ),
            },
            {
              key: 'by',
              title: t('announcements.by'),
              render: (_, item) => (item.createdBy ? actorLabel(i18n, item.createdBy) : '—'),
            },
            {
              key: 'actions',
              title: t('common.actions'),
              render: (_, item) => (
                <Space size={4} wrap>
                  {item.status !== 'draft' && (
                    <Button size="small" icon={<BarChartOutlined />} onClick={() => setReads(item)}>
                      {t('announcements.reads')}
                    </Button>
                  )}
                  {write && item.status !== 'withdrawn' && (
                    <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(item)} />
                  )}
                  {write && item.status === 'draft' && (
                    <Popconfirm
                      title={t('announcements.publishConfirm')}
                      okText={t('common.confirm')}
                      cancelText={t('common.cancel')}
                      onConfirm={() => act(publish(item.id), t('announcements.publishedDone'))}
                    >
                      <Button
                        size="small"
                        type="primary"
                        icon={<SendOutlined />}
                        data-testid="announcement-publish"
                      >
                        {t('announcements.publish')}
                      </Button>
                    </Popconfirm>
                  )}
                  {write && item.status === 'published' && (
                    <Popconfirm
                      title={t('announcements.withdrawConfirm')}
                      okText={t('common.confirm')}
                      cancelText={t('common.cancel')}
                      onConfirm={() =>
                        act(
                          call(
                            api.POST('/api/announcements/{id}/withdraw', {
                              params: { path: { id: item.id } },
                            }),
                          ),
                          t('announcements.withdrawnDone'),
                        )
                      }
                    >
                      <Button size="small" danger icon={<StopOutlined />}>
                        {t('announcements.withdraw')}
                      </Button>
                    </Popconfirm>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      {editing && (
        <AnnouncementEditor
          announcement={editing === 'new' ? null : editing}
          area={area}
          onCancel={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
      <ReadsDrawer announcement={reads} onClose={() => setReads(null)} />
    </div>
  );
}

interface EditorValues {
  areaId: number;
  kind: AnnouncementKind;
  title: string;
  body: string;
  tags: PersonTag[];
  expiresAt: Dayjs | null;
  publish: boolean;
}

function AnnouncementEditor({
  announcement,
  area,
  onCancel,
  onDone,
}: {
  announcement: Announcement | null;
  area: AreaDetail | null;
  onCancel: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return (
    <FormModal<EditorValues>
      title={announcement ? t('announcements.edit') : t('announcements.new')}
      initialValues={
        announcement
          ? {
              kind: announcement.kind,
              title: announcement.title,
              body: announcement.body,
              // A tag the register no longer knows is left out rather than offered.
              tags: announcement.tags.filter((tag): tag is PersonTag => isOneOf(PERSON_TAGS, tag)),
              expiresAt: announcement.expiresAt ? dayjs(announcement.expiresAt) : null,
            }
          : { areaId: area?.id, kind: 'notice', tags: [], expiresAt: null, publish: false }
      }
      onCancel={onCancel}
      onSubmit={async (values) => {
        const fields = {
          kind: values.kind,
          title: values.title.trim(),
          body: values.body.trim(),
          tags: values.tags ?? [],
          expiresAt: values.expiresAt ? values.expiresAt.toISOString() : null,
        };
        if (announcement) {
          await call(
            api.PATCH('/api/announcements/{id}', { params: { path: { id: announcement.id } }, body: fields }),
          );
          void message.success(t('announcements.savedDone'));
        } else {
          const created = await call(
            api.POST('/api/announcements', { body: { areaId: values.areaId, ...fields } }),
          );
          if (values.publish) {
            await publish(created.id);
            void message.success(t('announcements.publishedDone'));
          } else void message.success(t('announcements.savedDraft'));
        }
        onDone();
      }}
      testId="announcement-editor"
    >
      {!announcement && (
        <Form.Item
          name="areaId"
          label={t('announcements.target')}
          rules={[{ required: true, message: t('problem.required') }]}
          extra={t('announcements.targetHint')}
        >
          <AreaSelect initial={area} />
        </Form.Item>
      )}
      <Form.Item name="kind" label={t('announcements.kindLabel')} rules={[{ required: true }]}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          options={ANNOUNCEMENT_KINDS.map((value) => ({ value, label: t(`announcements.kind.${value}`) }))}
        />
      </Form.Item>
      <Form.Item
        name="title"
        label={t('announcements.titleLabel')}
        rules={[
          { required: true, whitespace: true, message: t('problem.required') },
          { max: 100, message: t('common.maxLength', { max: 100 }) },
        ]}
      >
        <Input />
      </Form.Item>
      <Form.Item
        name="body"
        label={t('announcements.body')}
        rules={[
          { required: true, whitespace: true, message: t('problem.required') },
          { max: 10000, message: t('common.maxLength', { max: 10000 }) },
        ]}
      >
        <Input.TextArea rows={6} />
      </Form.Item>
      <Form.Item name="tags" label={t('announcements.tags')} extra={t('announcements.tagsHint')}>
        <TagPicker />
      </Form.Item>
      <Form.Item name="expiresAt" label={t('announcements.expiry')}>
        <DatePicker
          showTime={{ format: 'HH:mm' }}
          format="YYYY-MM-DD HH:mm"
          disabledDate={(day) => day.isBefore(dayjs(), 'day')}
          style={{ width: '100%' }}
        />
      </Form.Item>
      {!announcement && (
        <Form.Item name="publish" label={t('announcements.whenSaved')}>
          <Radio.Group
            optionType="button"
            options={[
              { value: false, label: t('announcements.saveDraft') },
              { value: true, label: t('announcements.publishNow') },
            ]}
          />
        </Form.Item>
      )}
    </FormModal>
  );
}

function ReadsDrawer({ announcement, onClose }: { announcement: Announcement | null; onClose: () => void }) {
  const { t } = useI18n();
  const id = announcement?.id ?? null;
  const reads = useResource(
    (signal) =>
      id === null
        ? Promise.resolve(null)
        : call(api.GET('/api/announcements/{id}/reads', { params: { path: { id } }, signal })),
    [id],
  );
  const report = reads.data;
  return (
    <Drawer
      open={announcement !== null}
      onClose={onClose}
      title={announcement ? t('announcements.readsOf', { title: announcement.title }) : ''}
      size="large"
      destroyOnHidden
    >
      {reads.error ? (
        <ErrorText error={reads.error} />
      ) : !report ? (
        <Spin />
      ) : (
        <div data-testid="announcement-reads">
          <Space size="large" style={{ marginBottom: 12 }}>
            <Statistic title={t('announcements.targeted')} value={report.totals.targetedHouseholds} />
            <Statistic title={t('announcements.read')} value={report.totals.readHouseholds} />
            <Statistic
              title={t('announcements.readShare')}
              value={
                report.totals.targetedHouseholds
                  ? Math.round((report.totals.readHouseholds / report.totals.targetedHouseholds) * 1000) / 10
                  : 0
              }
              suffix="%"
            />
          </Space>
          <Suspense fallback={<Spin />}>
            <ReadsChart
              rows={report.grids.map((row) => ({
                name: row.grid.name,
                targeted: row.targetedHouseholds,
                read: row.readHouseholds,
              }))}
              labels={{ targeted: t('announcements.targeted'), read: t('announcements.read') }}
            />
          </Suspense>
          <Table
            rowKey={(row) => row.grid.id}
            size="small"
            pagination={false}
            dataSource={report.grids}
            columns={[
              { key: 'grid', title: t('announcements.grid'), render: (_, row) => row.grid.name },
              { key: 'targeted', title: t('announcements.targeted'), dataIndex: 'targetedHouseholds' },
              { key: 'read', title: t('announcements.read'), dataIndex: 'readHouseholds' },
              {
                key: 'share',
                title: t('announcements.readShare'),
                render: (_, row) =>
                  row.targetedHouseholds
                    ? `${Math.round((row.readHouseholds / row.targetedHouseholds) * 1000) / 10}%`
                    : '—',
              },
            ]}
          />
        </div>
      )}
    </Drawer>
  );
}
