import { EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  AutoComplete,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Input,
  List,
  Row,
  Segmented,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { AreaDetail, ResourceView, ThreeLists } from '../../api/model';
import { useAuth } from '../../auth/AuthContext';
import { AreaSelect } from '../../components/AreaSelect';
import { FormModal } from '../../components/FormModal';
import { phoneRules } from '../../components/public/fields';
import { ErrorText, usePageArea } from '../../components/services/common';
import { type ListName, RESOURCE_KINDS, SERVICE_KINDS } from '../../components/services/vocabulary';
import { type I18n, useI18n } from '../../i18n/context';
import { errorText } from '../../i18n/labels';
import { ConfirmAction } from '../../components/ConfirmAction';

/** A kind's name: the suggested ones are translated, a community's own shows as typed. */
export function resourceKindLabel(i18n: Pick<I18n, 't' | 'has'>, kind: string): string {
  const key = `resources.kind.${kind}`;
  return i18n.has(key) ? i18n.t(key) : kind;
}

/** 三张清单: problems, resources and services of a community; the last two kept here. */
export function ResourcesPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const manage = can('service.manage');
  const { areaId, area, setArea } = usePageArea(['village']);
  const [version, setVersion] = useState(0);
  const reload = () => setVersion((v) => v + 1);

  return (
    <div className="page" data-testid="resources-page">
      <div className="page-title-row">
        <Typography.Title level={3} className="page-title">
          {t('resources.title')}
        </Typography.Title>
        <Space wrap>
          <div className="toolbar-area">
            <AreaSelect value={areaId} initial={area} onChange={(id) => setArea(id)} />
          </div>
          <Button icon={<ReloadOutlined />} onClick={reload}>
            {t('common.refresh')}
          </Button>
        </Space>
      </div>
      {area && <ThreeListsCard areaId={area.id} version={version} />}
      {area && <ResourceList area={area} manage={manage} version={version} onChanged={reload} />}
    </div>
  );
}

function KindCounts({ counts, label }: { counts: Record<string, number>; label: (kind: string) => string }) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return (
    <Space size={[4, 4]} wrap>
      {entries.map(([kind, n]) => (
        <Tag key={kind}>
          {label(kind)} {n}
        </Tag>
      ))}
    </Space>
  );
}

function ThreeListsCard({ areaId, version }: { areaId: number; version: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const lists = useResource(
    (signal) => call(api.GET('/api/areas/{id}/three-lists', { params: { path: { id: areaId } }, signal })),
    [areaId, version],
  );
  const data: ThreeLists | undefined = lists.data;
  return (
    <Card
      size="small"
      title={data ? t('resources.threeListsOf', { name: data.area.name }) : t('resources.threeLists')}
      loading={lists.loading && !data}
      style={{ marginBottom: 12 }}
      data-testid="three-lists"
    >
      {lists.error ? (
        <ErrorText error={lists.error} />
      ) : data ? (
        <Row gutter={[12, 12]}>
          <Col xs={24} md={8}>
            <Card size="small" type="inner" title={t('resources.problems')}>
              <Space size="large" wrap>
                <Statistic title={t('resources.openRequests')} value={data.problems.openRequests} />
                <Statistic
                  title={t('resources.urgentRequests')}
                  value={data.problems.urgentRequests}
                  styles={{ content: { color: data.problems.urgentRequests ? '#cf1322' : undefined } }}
                />
                <Statistic
                  title={t('resources.unassignedRequests')}
                  value={data.problems.unassignedRequests}
                />
                <Statistic title={t('resources.openEvents')} value={data.problems.openEvents} />
                <Statistic title={t('resources.overdueEvents')} value={data.problems.overdueEvents} />
              </Space>
              <KindCounts
                counts={data.problems.requestsByKind}
                label={(kind) =>
                  i18n.has(`requests.kind.${kind}`) ? t(`requests.kind.${kind as 'other'}`) : kind
                }
              />
              <List
                size="small"
                dataSource={data.problems.topRequests}
                renderItem={(request) => (
                  <List.Item key={request.id}>
                    <Link to={`/service-requests/${request.id}`}>
                      {i18n.has(`requests.kind.${request.kind}`)
                        ? t(`requests.kind.${request.kind as 'other'}`)
                        : request.kind}
                    </Link>
                    <span className="muted"> {request.address}</span>
                    {request.urgency === 'urgent' && <Tag color="red">{t('requests.urgency.urgent')}</Tag>}
                  </List.Item>
                )}
              />
              {data.problems.topEvents.length > 0 && (
                <List
                  size="small"
                  header={t('resources.events')}
                  dataSource={data.problems.topEvents}
                  renderItem={(event) => (
                    <List.Item key={event.id}>
                      <span className="code-text">{event.code}</span> {event.title}
                    </List.Item>
                  )}
                />
              )}
            </Card>
          </Col>
          {(['resources', 'services'] as const).map((name) => (
            <Col xs={24} md={8} key={name}>
              <Card size="small" type="inner" title={t(`resources.list.${name}`)}>
                <Statistic title={t('resources.entries')} value={data[name].total} />
                <KindCounts counts={data[name].byKind} label={(kind) => resourceKindLabel(i18n, kind)} />
                <List
                  size="small"
                  dataSource={data[name].top}
                  renderItem={(entry) => (
                    <List.Item key={entry.id}>
                      {entry.name}
                      <span className="muted"> · {resourceKindLabel(i18n, entry.kind)}</span>
                      {entry.phoneMasked && <span className="muted code-text"> · {entry.phoneMasked}</span>}
                    </List.Item>
                  )}
                />
              </Card>
            </Col>
          ))}
        </Row>
      ) : null}
    </Card>
  );
}

interface ResourceValues {
  areaId: number;
  kind: string;
  name: string;
  contactName?: string;
  phone?: string;
  address?: string;
  details?: string;
}

function ResourceList({
  area,
  manage,
  version,
  onChanged,
}: {
  area: AreaDetail;
  manage: boolean;
  version: number;
  onChanged: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const [list, setList] = useState<ListName>('resource');
  const [q, setQ] = useState('');
  const [retired, setRetired] = useState(false);
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [editing, setEditing] = useState<ResourceView | 'new' | null>(null);
  const query = {
    list,
    areaId: area.id,
    q: q.trim() || undefined,
    includeRetired: retired || undefined,
    ...paging,
  };
  const entries = useResource(
    (signal) => call(api.GET('/api/service-resources', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );
  const kinds = list === 'resource' ? RESOURCE_KINDS : SERVICE_KINDS;
  const text = (value: string | undefined) => (value?.trim() ? value.trim() : null);

  return (
    <Card
      size="small"
      title={
        <Segmented<ListName>
          value={list}
          onChange={(next) => {
            setList(next);
            setPaging((current) => ({ ...current, page: 1 }));
          }}
          options={[
            { value: 'resource', label: t('resources.list.resources') },
            { value: 'service', label: t('resources.list.services') },
          ]}
        />
      }
      extra={
        manage && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing('new')}
            data-testid="resource-new"
          >
            {t('resources.new')}
          </Button>
        )
      }
    >
      <Space wrap style={{ marginBottom: 8 }}>
        <Input.Search
          allowClear
          placeholder={t('resources.search')}
          onSearch={(value) => {
            setQ(value);
            setPaging((current) => ({ ...current, page: 1 }));
          }}
          style={{ width: 220 }}
        />
        <Checkbox checked={retired} onChange={(event) => setRetired(event.target.checked)}>
          {t('resources.includeRetired')}
        </Checkbox>
      </Space>
      <Table<ResourceView>
        rowKey="id"
        size="small"
        loading={entries.loading}
        dataSource={entries.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        data-testid="resources-table"
        locale={{ emptyText: entries.error ? errorText(i18n, entries.error) : t('resources.empty') }}
        pagination={{
          current: paging.page,
          pageSize: paging.pageSize,
          total: entries.data?.total ?? 0,
          showTotal: (total) => t('common.total', { total }),
          onChange: (page, pageSize) => setPaging({ page, pageSize }),
        }}
        columns={[
          {
            key: 'name',
            title: t('resources.name'),
            render: (_, entry) => (
              <Space>
                {entry.name}
                {entry.retiredAt && <Tag>{t('resources.retired')}</Tag>}
              </Space>
            ),
          },
          {
            key: 'kind',
            title: t('resources.kindLabel'),
            render: (_, entry) => resourceKindLabel(i18n, entry.kind),
          },
          { key: 'area', title: t('field.area'), render: (_, entry) => entry.area.name },
          {
            key: 'contact',
            title: t('resources.contact'),
            render: (_, entry) => [entry.contactName, entry.phoneMasked].filter(Boolean).join(' · ') || '—',
          },
          { key: 'address', title: t('resources.address'), render: (_, entry) => entry.address ?? '—' },
          { key: 'details', title: t('resources.details'), ellipsis: true, width: 240, dataIndex: 'details' },
          ...(manage
            ? [
                {
                  key: 'actions',
                  title: t('common.actions'),
                  render: (_: unknown, entry: ResourceView) =>
                    !entry.retiredAt && (
                      <Space size={4}>
                        <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(entry)} />
                        <ConfirmAction
                          title={t('resources.retireConfirm', { name: entry.name })}
                          run={() =>
                            call(
                              api.POST('/api/service-resources/{id}/retire', {
                                params: { path: { id: entry.id } },
                              }),
                            )
                          }
                          onDone={onChanged}
                        >
                          <Button size="small" danger>
                            {t('resources.retire')}
                          </Button>
                        </ConfirmAction>
                      </Space>
                    ),
                },
              ]
            : []),
        ]}
      />
      {editing && (
        <FormModal<ResourceValues>
          title={
            editing === 'new'
              ? t('resources.newIn', { list: t(`resources.list.${list}s`) })
              : t('resources.edit')
          }
          initialValues={
            editing === 'new'
              ? { areaId: area.id }
              : {
                  kind: editing.kind,
                  name: editing.name,
                  contactName: editing.contactName ?? undefined,
                  address: editing.address ?? undefined,
                  details: editing.details ?? undefined,
                }
          }
          onCancel={() => setEditing(null)}
          onSubmit={async (values) => {
            const fields = {
              kind: values.kind.trim(),
              name: values.name.trim(),
              contactName: text(values.contactName),
              address: text(values.address),
              details: text(values.details),
            };
            const phone = values.phone?.replace(/[\s-]/g, '');
            if (editing === 'new')
              await call(
                api.POST('/api/service-resources', {
                  body: { areaId: values.areaId, list, ...fields, ...(phone ? { phone } : {}) },
                }),
              );
            else
              await call(
                api.PATCH('/api/service-resources/{id}', {
                  params: { path: { id: editing.id } },
                  body: { ...fields, ...(phone ? { phone } : {}) },
                }),
              );
            setEditing(null);
            onChanged();
          }}
          testId="resource-dialog"
        >
          {editing === 'new' && (
            <Form.Item
              name="areaId"
              label={t('field.area')}
              rules={[{ required: true, message: t('problem.required') }]}
              extra={t('resources.areaHint')}
            >
              <AreaSelect initial={area} />
            </Form.Item>
          )}
          <Form.Item
            name="kind"
            label={t('resources.kindLabel')}
            rules={[
              { required: true, message: t('problem.required') },
              { pattern: /^[a-z_]{1,30}$/, message: t('resources.kindRule') },
            ]}
          >
            <AutoComplete
              options={kinds.map((value) => ({ value, label: resourceKindLabel(i18n, value) }))}
              filterOption={(input, option) =>
                String(option?.value ?? '').includes(input) || String(option?.label ?? '').includes(input)
              }
            />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('resources.name')}
            rules={[
              { required: true, whitespace: true, message: t('problem.required') },
              { max: 100, message: t('common.maxLength', { max: 100 }) },
            ]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="contactName" label={t('resources.contactName')} rules={[{ max: 50 }]}>
            <Input />
          </Form.Item>
          <Form.Item
            name="phone"
            label={t('resources.phone')}
            rules={phoneRules(t, false)}
            extra={
              editing !== 'new' && editing.phoneMasked
                ? t('resources.phoneKept', { phone: editing.phoneMasked })
                : undefined
            }
          >
            <Input inputMode="tel" />
          </Form.Item>
          <Form.Item name="address" label={t('resources.address')} rules={[{ max: 200 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="details" label={t('resources.details')} rules={[{ max: 1000 }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
        </FormModal>
      )}
    </Card>
  );
}
