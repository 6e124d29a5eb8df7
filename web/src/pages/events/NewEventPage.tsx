import { App, Button, Card, Form, Input, Radio, Space, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useAreaRoots } from '../../api/hooks';
import { AreaSelect } from '../../components/AreaSelect';
import { CategoryTreeSelect, PhotoPicker } from '../../components/events/EventInputs';
import { eventErrorText, eventSourceLabel } from '../../components/events/labels';
import { STAFF_SOURCES, type StaffSource } from '../../components/events/vocabulary';
import { showFormError } from '../../components/forms';
import { phoneRules } from '../../components/public/fields';
import { useI18n } from '../../i18n/context';
import { offlineActions } from '../../offline/actions';

import { LocationPicker, type PickedPlace } from '../../components/map/LocationPicker';
import { layerSet, useMapLayers } from '../../components/map/mapData';

interface NewEventValues {
  source: StaffSource;
  categoryId: number;
  areaId: number;
  title: string;
  description?: string;
  address?: string;
  reporterName?: string;
  reporterPhone?: string;
  photos?: File[];
}

/** Enter an event: a patrol finding, or a report taken by hotline or from a residents' group. */
export function NewEventPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<NewEventValues>();
  const [submitting, setSubmitting] = useState(false);
  const [place, setPlace] = useState<PickedPlace | null>(null);
  const source = (Form.useWatch('source', form) as StaffSource | undefined) ?? 'patrol';
  const areaId = Form.useWatch('areaId', form) as number | undefined;
  // The chosen area's map (before a choice, the top of the user's own area): its lanes, houses
  // and events to place the point among.
  const roots = useAreaRoots();
  const map = useMapLayers(areaId ?? roots.data?.items[0]?.id);
  const layers = useMemo(() => layerSet(map.data), [map.data]);

  const submit = async (values: NewEventValues) => {
    setSubmitting(true);
    try {
      const text = (value?: string) => value?.trim() || undefined;
      const sent = await offlineActions.createEvent(
        {
          source: values.source,
          categoryId: values.categoryId,
          areaId: values.areaId,
          title: values.title.trim(),
          description: text(values.description),
          address: text(values.address),
          ...(place
            ? {
                lng: place.lng,
                lat: place.lat,
                ...(place.accuracyM !== null ? { accuracyM: place.accuracyM } : {}),
              }
            : {}),
          ...(values.source !== 'patrol'
            ? {
                reporterName: text(values.reporterName),
                reporterPhone: values.reporterPhone?.replace(/[\s-]/g, '') || undefined,
              }
            : {}),
        },
        values.photos ?? [],
      );
      if (sent.queued) {
        void message.info(t('offline.queued'));
        void navigate('/today');
        return;
      }
      void message.success(t('events.create.done', { code: sent.data.code }));
      void navigate(`/events/${sent.data.id}`);
    } catch (error) {
      if (!showFormError(form, error, i18n, message)) void message.error(eventErrorText(i18n, error));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div className="page narrow-page" data-testid="event-new-page">
      <Typography.Title level={3} className="page-title">
        {t('events.create.title')}
      </Typography.Title>
      <Card>
        <Form<NewEventValues>
          form={form}
          layout="vertical"
          requiredMark="optional"
          initialValues={{ source: 'patrol', photos: [] }}
          onFinish={(values) => void submit(values)}
        >
          <Form.Item name="source" label={t('events.create.source')} extra={t('events.create.sourceHint')}>
            <Radio.Group
              optionType="button"
              options={STAFF_SOURCES.map((value) => ({ value, label: eventSourceLabel(i18n, value) }))}
            />
          </Form.Item>
          <Form.Item
            name="categoryId"
            label={t('events.category')}
            rules={[{ required: true, message: t('problem.required') }]}
          >
            <CategoryTreeSelect leavesOnly placeholder={t('events.category')} />
          </Form.Item>
          <Form.Item
            name="areaId"
            label={t('events.area')}
            rules={[{ required: true, message: t('problem.required') }]}
          >
            <AreaSelect />
          </Form.Item>
          <Form.Item
            name="title"
            label={t('events.titleField')}
            rules={[
              { required: true, whitespace: true, message: t('problem.required') },
              { max: 100, message: t('common.maxLength', { max: 100 }) },
            ]}
          >
            <Input data-testid="event-title-input" />
          </Form.Item>
          <Form.Item
            name="description"
            label={t('events.create.description')}
            rules={[{ max: 4000, message: t('common.maxLength', { max: 4000 }) }]}
          >
            <Input.TextArea rows={4} />
          </Form.Item>
          <Form.Item
            name="address"
            label={t('events.create.address')}
            rules={[{ max: 200, message: t('common.maxLength', { max: 200 }) }]}
          >
            <Input />
          </Form.Item>
          <Form.Item label={t('events.create.point')}>
            <LocationPicker
              value={place}
              onChange={setPlace}
              layers={layers}
              bounds={map.data?.area.bounds ?? null}
              testId="event-new-map"
            />
          </Form.Item>
          <Form.Item name="photos" label={t('events.form.photos')}>
            <PhotoPicker camera testId="event-photo-input" />
          </Form.Item>
          {source !== 'patrol' && (
            <>
              <Form.Item
                name="reporterName"
                label={t('events.create.reporterName')}
                rules={[{ max: 50, message: t('common.maxLength', { max: 50 }) }]}
              >
                <Input />
              </Form.Item>
              <Form.Item
                name="reporterPhone"
                label={t('events.create.reporterPhone')}
                rules={phoneRules(t, false)}
              >
                <Input inputMode="tel" />
              </Form.Item>
            </>
          )}
          <Space>
            <Button type="primary" htmlType="submit" loading={submitting} data-testid="event-create-submit">
              {t('common.submit')}
            </Button>
            <Button onClick={() => void navigate('/events')}>{t('common.cancel')}</Button>
          </Space>
        </Form>
      </Card>
    </div>
  );
}
