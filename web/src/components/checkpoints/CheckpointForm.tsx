import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Checkbox, Form, Input, InputNumber, Select, Space } from 'antd';
import { useMemo, useState } from 'react';
import { api, call } from '../../api/client';
import type { AreaDetail, CheckpointBody, CheckpointView } from '../../api/model';
import { CHECKPOINT_KINDS } from '../../api/vocabulary';
import { useI18n } from '../../i18n/context';
import { AreaSelect } from '../AreaSelect';
import { FormModal } from '../FormModal';
import { LocationPicker, type PickedPlace } from '../map/LocationPicker';
import { layerSet, useMapLayers } from '../map/mapData';
import { useTeamsOf } from './api';

const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

interface Values {
  areaId: number;
  code: string;
  name: string;
  kind: CheckpointBody['kind'];
  teamId?: number | null;
  hours?: Array<{ from: string; to: string }>;
  checkTemperature: boolean;
  checkHealthCode: boolean;
  testWithinHours?: number | null;
  passRequired: boolean;
  residentsOnly: boolean;
}

/** Create (no `checkpoint`) or edit a checkpoint: kind, area, team, hours, position, checks. */
export function CheckpointForm({
  checkpoint,
  area,
  onCancel,
  onSaved,
}: {
  checkpoint?: CheckpointView;
  area: AreaDetail | null;
  onCancel: () => void;
  onSaved: (saved: CheckpointView) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [areaId, setAreaId] = useState<number | undefined>(checkpoint?.area.id ?? area?.id);
  const [place, setPlace] = useState<PickedPlace | null>(
    checkpoint?.lng != null && checkpoint.lat != null
      ? { lng: checkpoint.lng, lat: checkpoint.lat, accuracyM: null }
      : null,
  );
  const teams = useTeamsOf(areaId);
  const map = useMapLayers(areaId);
  const layers = useMemo(() => layerSet(map.data), [map.data]);
  const teamOptions = (teams.data?.items ?? [])
    .filter((team) => !team.retiredAt)
    .sort((a, b) => (a.kind === 'checkpoint' ? 0 : 1) - (b.kind === 'checkpoint' ? 0 : 1))
    .map((team) => ({ value: team.id, label: `${team.name} · ${t(`teams.kind.${team.kind}`)}` }));

  const submit = async (values: Values) => {
    const hours = values.hours && values.hours.length > 0 ? values.hours : null;
    const common = {
      name: values.name,
      kind: values.kind,
      code: values.code,
      teamId: values.teamId ?? null,
      hours,
      lng: place?.lng ?? null,
      lat: place?.lat ?? null,
      checkTemperature: values.checkTemperature,
      checkHealthCode: values.checkHealthCode,
      testWithinHours: values.testWithinHours ?? null,
      passRequired: values.passRequired,
      residentsOnly: values.residentsOnly,
    };
    if (checkpoint) {
      const saved = await call(
        api.PATCH('/api/checkpoints/{id}', { params: { path: { id: checkpoint.id } }, body: common }),
      );
      void message.success(t('checkpointBoard.saved'));
      onSaved(saved);
    } else {
      const created = await call(
        api.POST('/api/checkpoints', { body: { ...common, areaId: values.areaId } }),
      );
      void message.success(t('checkpointBoard.created', { name: created.checkpoint.name }));
      onSaved(created.checkpoint);
    }
  };

  const initialValues: Partial<Values> = checkpoint
    ? {
        areaId: checkpoint.area.id,
        code: checkpoint.code,
        name: checkpoint.name,
        kind: checkpoint.kind,
        teamId: checkpoint.team?.id ?? null,
        hours: checkpoint.hours ?? [],
        checkTemperature: checkpoint.checkTemperature,
        checkHealthCode: checkpoint.checkHealthCode,
        testWithinHours: checkpoint.testWithinHours,
        passRequired: checkpoint.passRequired,
        residentsOnly: checkpoint.residentsOnly,
      }
    : {
        ...(area ? { areaId: area.id } : {}),
        kind: 'village_entrance',
        hours: [],
        checkTemperature: true,
        checkHealthCode: true,
        passRequired: false,
        residentsOnly: false,
      };

  return (
    <FormModal<Values>
      title={checkpoint ? t('checkpointBoard.edit') : t('checkpointBoard.create')}
      initialValues={initialValues}
      onCancel={onCancel}
      onSubmit={submit}
      testId="checkpoint-form"
    >
      {!checkpoint && (
        <Form.Item name="areaId" label={t('checkpointBoard.area')} rules={[{ required: true }]}>
          <AreaSelect initial={area} onChange={(id) => setAreaId(id ?? undefined)} />
        </Form.Item>
      )}
      <Space.Compact block>
        <Form.Item
          name="code"
          label={t('checkpointBoard.code')}
          tooltip={t('checkpointBoard.codeHint')}
          rules={[
            { required: true, pattern: /^[A-Za-z0-9_-]{1,40}$/, message: t('checkpointBoard.codeHint') },
          ]}
          style={{ width: '40%' }}
        >
          <Input data-testid="checkpoint-code" />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('checkpointBoard.name')}
          rules={[{ required: true, whitespace: true, max: 100 }]}
          style={{ width: '60%' }}
        >
          <Input data-testid="checkpoint-name" />
        </Form.Item>
      </Space.Compact>
      <Form.Item name="kind" label={t('checkpointBoard.kind')} rules={[{ required: true }]}>
        <Select
          options={CHECKPOINT_KINDS.map((kind) => ({ value: kind, label: t(`checkpoint.kind.${kind}`) }))}
        />
      </Form.Item>
      <Form.Item name="teamId" label={t('checkpointBoard.team')}>
        <Select
          allowClear
          placeholder={t('checkpointBoard.noTeam')}
          options={teamOptions}
          loading={teams.loading}
        />
      </Form.Item>
      <Form.Item label={t('checkpointBoard.hours')} extra={t('checkpointBoard.shift.endNextDay')}>
        <Form.List name="hours">
          {(fields, { add, remove }) => (
            <Space direction="vertical" style={{ width: '100%' }}>
              {fields.length === 0 && <span className="muted">{t('checkpointBoard.allDay')}</span>}
              {fields.map((field) => (
                <Space key={field.key} align="baseline">
                  <Form.Item
                    name={[field.name, 'from']}
                    rules={[{ required: true, pattern: TIME, message: 'HH:MM' }]}
                    noStyle
                  >
                    <Input
                      placeholder="06:00"
                      style={{ width: 90 }}
                      aria-label={t('checkpointBoard.spanFrom')}
                    />
                  </Form.Item>
                  <span>–</span>
                  <Form.Item
                    name={[field.name, 'to']}
                    rules={[{ required: true, pattern: TIME, message: 'HH:MM' }]}
                    noStyle
                  >
                    <Input
                      placeholder="22:00"
                      style={{ width: 90 }}
                      aria-label={t('checkpointBoard.spanTo')}
                    />
                  </Form.Item>
                  <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(field.name)} />
                </Space>
              ))}
              {fields.length < 6 && (
                <Button
                  size="small"
                  icon={<PlusOutlined />}
                  onClick={() => add({ from: '06:00', to: '22:00' })}
                >
                  {t('checkpointBoard.addSpan')}
                </Button>
              )}
            </Space>
          )}
        </Form.List>
      </Form.Item>
      <Form.Item label={t('checkpointBoard.checks')}>
        <Space wrap>
          <Form.Item name="checkTemperature" valuePropName="checked" noStyle>
            <Checkbox>{t('checkpointBoard.check.temperature')}</Checkbox>
          </Form.Item>
          <Form.Item name="checkHealthCode" valuePropName="checked" noStyle>
            <Checkbox>{t('checkpointBoard.check.healthCode')}</Checkbox>
          </Form.Item>
          <Form.Item name="passRequired" valuePropName="checked" noStyle>
            <Checkbox>{t('checkpointBoard.check.pass')}</Checkbox>
          </Form.Item>
          <Form.Item name="residentsOnly" valuePropName="checked" noStyle>
            <Checkbox>{t('checkpointBoard.check.residents')}</Checkbox>
          </Form.Item>
        </Space>
      </Form.Item>
      <Form.Item name="testWithinHours" label={t('checkpointBoard.testWithinHours')}>
        <InputNumber min={1} max={720} style={{ width: 160 }} />
      </Form.Item>
      <Form.Item label={t('checkpointBoard.position')}>
        <LocationPicker
          value={place}
          onChange={setPlace}
          layers={layers}
          bounds={map.data?.area.bounds ?? null}
          height={220}
          testId="checkpoint-location"
        />
      </Form.Item>
    </FormModal>
  );
}
