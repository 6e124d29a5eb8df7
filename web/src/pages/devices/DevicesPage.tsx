import { EditOutlined, KeyOutlined, PlusOutlined, ReloadOutlined, StopOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Checkbox,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { DeviceKind, DeviceView } from '../../api/model';
import { AreaSelect } from '../../components/AreaSelect';
import { ConfirmAction } from '../../components/ConfirmAction';
import { FormModal } from '../../components/FormModal';
import { ErrorText } from '../../components/services/common';
import { useI18n } from '../../i18n/context';
import { errorText } from '../../i18n/labels';

const KINDS: DeviceKind[] = ['road', 'river', 'high_point', 'gate', 'plate', 'face_gate'];
const AT_CHECKPOINT = new Set<DeviceKind>(['plate', 'face_gate']);
const STATUS_COLOUR = { online: 'green', offline: 'orange', retired: 'default' } as const;

interface DeviceForm {
  code: string;
  name: string;
  kind: DeviceKind;
  areaId: number;
  checkpointId?: number | null;
  lng?: number | null;
  lat?: number | null;
}

/** The camera and gate registry: register, edit, retire, and issue each device its own token. */
export function DevicesPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message, modal } = App.useApp();
  const [kind, setKind] = useState<DeviceKind | undefined>(undefined);
  const [includeRetired, setIncludeRetired] = useState(false);
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState<DeviceView | 'new' | null>(null);
  const reload = () => setVersion((v) => v + 1);

  const devices = useResource(
    (signal) =>
      call(
        api.GET('/api/devices', { params: { query: { ...(kind ? { kind } : {}), includeRetired } }, signal }),
      ),
    [kind, includeRetired, version],
  );
  const checkpoints = useResource((signal) => call(api.GET('/api/devices/checkpoints', { signal })), []);

  const issueToken = async (device: DeviceView) => {
    try {
      const issued = await call(api.POST('/api/devices/{id}/token', { params: { path: { id: device.id } } }));
      reload();
      modal.info({
        title: t('devices.tokenTitle', { name: device.name }),
        width: 560,
        content: (
          <>
            <Typography.Paragraph>{t('devices.tokenOnce')}</Typography.Paragraph>
            <Typography.Paragraph copyable code data-testid="device-token">
              {issued.token}
            </Typography.Paragraph>
          </>
        ),
      });
    } catch (error) {
      void message.error(errorText(i18n, error));
    }
  };

  return (
    <div className="page" data-testid="devices-page">
      <div className="page-title-row">
        <Typography.Title level={3} className="page-title">
          {t('devices.title')}
        </Typography.Title>
        <Space wrap>
          <Select<DeviceKind | undefined>
            allowClear
            style={{ width: 160 }}
            placeholder={t('devices.allKinds')}
            value={kind}
            onChange={(value) => setKind(value)}
            options={KINDS.map((k) => ({ value: k, label: t(`devices.kind.${k}`) }))}
          />
          <Checkbox checked={includeRetired} onChange={(e) => setIncludeRetired(e.target.checked)}>
            {t('devices.showRetired')}
          </Checkbox>
          <Button icon={<ReloadOutlined />} onClick={reload}>
            {t('common.refresh')}
          </Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('devices.register')}
          </Button>
        </Space>
      </div>
      {devices.error ? <ErrorText error={devices.error} /> : null}
      <Table<DeviceView>
        rowKey="id"
        size="middle"
        loading={devices.loading}
        dataSource={devices.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        scroll={{ x: 1480 }}
        columns={[
          { title: t('devices.code'), dataIndex: 'code', width: 170 },
          { title: t('devices.name'), dataIndex: 'name', width: 170, ellipsis: true },
          {
            title: t('devices.kind'),
            dataIndex: 'kind',
            width: 130,
            render: (k: DeviceKind) => t(`devices.kind.${k}`),
          },
          {
            title: t('devices.checkpoint'),
            key: 'checkpoint',
            width: 150,
            ellipsis: true,
            render: (_, d) => d.checkpoint?.name ?? t('devices.noCheckpoint'),
          },
          {
            title: t('devices.area'),
            key: 'area',
            width: 130,
            ellipsis: true,
            render: (_, d) => d.area.name,
          },
          {
            title: t('devices.status'),
            dataIndex: 'status',
            width: 90,
            render: (s: DeviceView['status']) => (
              <Tag color={STATUS_COLOUR[s]}>{t(`devices.status.${s}`)}</Tag>
            ),
          },
          {
            title: t('devices.lastRead'),
            dataIndex: 'lastReadAt',
            width: 170,
            render: (at: string | null) => (at ? i18n.formatDateTime(at) : '—'),
          },
          {
            title: t('devices.token'),
            dataIndex: 'tokenIssuedAt',
            width: 190,
            render: (at: string | null) =>
              at ? t('devices.tokenIssued', { time: i18n.formatDateTime(at) }) : t('devices.tokenNone'),
          },
          {
            title: '',
            key: 'actions',
            width: 280,
            fixed: 'right',
            render: (_, d) =>
              d.status === 'retired' ? null : (
                <Space size={0} wrap>
                  <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setEditing(d)}>
                    {t('common.edit')}
                  </Button>
                  <Button
                    type="link"
                    size="small"
                    icon={<KeyOutlined />}
                    onClick={() =>
                      d.tokenIssuedAt
                        ? Modal.confirm({
                            title: t('devices.issueTokenConfirm'),
                            okText: t('devices.issueToken'),
                            cancelText: t('common.cancel'),
                            onOk: () => issueToken(d),
                          })
                        : void issueToken(d)
                    }
                  >
                    {t('devices.issueToken')}
                  </Button>
                  <ConfirmAction
                    title={t('devices.retireConfirm')}
                    run={() => call(api.POST('/api/devices/{id}/retire', { params: { path: { id: d.id } } }))}
                    onDone={reload}
                  >
                    <Button type="link" size="small" danger icon={<StopOutlined />}>
                      {t('devices.retire')}
                    </Button>
                  </ConfirmAction>
                </Space>
              ),
          },
        ]}
      />
      {editing && (
        <FormModal<DeviceForm>
          title={editing === 'new' ? t('devices.register') : t('devices.edit')}
          testId="device-form"
          initialValues={
            editing === 'new'
              ? { kind: 'plate' }
              : {
                  name: editing.name,
                  kind: editing.kind,
                  checkpointId: editing.checkpoint?.id ?? null,
                  lng: editing.lng,
                  lat: editing.lat,
                }
          }
          onCancel={() => setEditing(null)}
          onSubmit={async (values) => {
            const place = {
              checkpointId: values.checkpointId ?? null,
              lng: values.lng ?? null,
              lat: values.lat ?? null,
            };
            if (editing === 'new')
              await call(
                api.POST('/api/devices', {
                  body: {
                    code: values.code.trim(),
                    name: values.name,
                    kind: values.kind,
                    areaId: values.areaId,
                    ...place,
                  },
                }),
              );
            else
              await call(
                api.PATCH('/api/devices/{id}', {
                  params: { path: { id: editing.id } },
                  body: { name: values.name, kind: values.kind, ...place },
                }),
              );
            void message.success(t('devices.saved'));
            setEditing(null);
            reload();
          }}
        >
          {editing === 'new' && (
            <Form.Item
              name="code"
              label={t('devices.code')}
              extra={t('devices.codeHint')}
              rules={[{ required: true, pattern: /^[A-Za-z0-9_-]{1,60}$/, message: t('devices.codeHint') }]}
            >
              <Input maxLength={60} />
            </Form.Item>
          )}
          <Form.Item name="name" label={t('devices.name')} rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="kind" label={t('devices.kind')} rules={[{ required: true }]}>
            <Select options={KINDS.map((k) => ({ value: k, label: t(`devices.kind.${k}`) }))} />
          </Form.Item>
          {editing === 'new' && (
            <Form.Item name="areaId" label={t('devices.area')} rules={[{ required: true }]}>
              <AreaSelect />
            </Form.Item>
          )}
          <Form.Item noStyle dependencies={['kind']}>
            {({ getFieldValue }) => (
              <Form.Item
                name="checkpointId"
                label={t('devices.checkpoint')}
                extra={t('devices.checkpointHint')}
                rules={[{ required: AT_CHECKPOINT.has(getFieldValue('kind') as DeviceKind) }]}
              >
                <Select
                  allowClear
                  showSearch
                  optionFilterProp="label"
                  loading={checkpoints.loading}
                  options={(checkpoints.data?.items ?? []).map((c) => ({
                    value: c.id,
                    label: `${c.name}（${c.areaName}）`,
                  }))}
                />
              </Form.Item>
            )}
          </Form.Item>
          <Form.Item label={t('devices.position')}>
            <Space.Compact block>
              <Form.Item name="lng" noStyle>
                <InputNumber
                  min={-180}
                  max={180}
                  step={0.0001}
                  placeholder={t('devices.lng')}
                  style={{ width: '50%' }}
                />
              </Form.Item>
              <Form.Item name="lat" noStyle>
                <InputNumber
                  min={-90}
                  max={90}
                  step={0.0001}
                  placeholder={t('devices.lat')}
                  style={{ width: '50%' }}
                />
              </Form.Item>
            </Space.Compact>
          </Form.Item>
        </FormModal>
      )}
    </div>
  );
}
