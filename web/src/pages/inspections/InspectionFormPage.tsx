import { CameraOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Radio, Result, Space, Spin, Tag, Upload } from 'antd';
import { useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, call, http, isApiError } from '../../api/client';
import { useChecklist } from '../../api/inspection-hooks';
import type { ChecklistView } from '../../api/model';
import { ErrorResult } from '../../components/ErrorResult';
import { showFormError } from '../../components/forms';
import { itemLabel } from '../../components/inspections/labels';
import { resizePhoto } from '../../components/photos/resize';
import { useI18n } from '../../i18n/context';
import { errorText } from '../../i18n/labels';

type Result3 = 'pass' | 'fail' | 'na';
interface Values {
  answers: Record<string, { result?: Result3; note?: string }>;
  findings?: string;
}

/** The phone's inspection form (390×844): the checklist in force, pass / fail / n.a. per item, photos, findings. */
export function InspectionFormPage() {
  const unitId = Number(useParams().unitId);
  const checklist = useChecklist(unitId);
  if (checklist.error) return <ErrorResult error={checklist.error} onRetry={checklist.reload} />;
  if (!checklist.data) return <Spin className="page-spin" />;
  return <InspectionForm unitId={unitId} checklist={checklist.data} />;
}

function InspectionForm({ unitId, checklist }: { unitId: number; checklist: ChecklistView }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const roundId = Number(search.get('round')) || null;
  // Opened from a submitted filing (staff detail's 检查): the inspection moves that filing on.
  const filingId = Number(search.get('filingId')) || undefined;
  const [form] = Form.useForm<Values>();
  const [photos, setPhotos] = useState<File[]>([]);
  const [position, setPosition] = useState<{ lng: number; lat: number } | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [offline, setOffline] = useState(false);
  const [done, setDone] = useState<{ name: string; failed: number } | null>(null);
  const answers = Form.useWatch('answers', form) ?? {};

  if (done)
    return (
      <div className="page inspection-form-page" data-testid="inspection-recorded">
        <Result
          status="success"
          title={t('inspections.recorded')}
          subTitle={
            <>
              <div>{done.name}</div>
              {done.failed > 0 && t('inspections.recordedFailed', { count: done.failed })}
            </>
          }
          extra={
            <Button
              type="primary"
              size="large"
              block
              onClick={() => void navigate('/enterprise-inspections/mine')}
            >
              {t('inspections.backToList')}
            </Button>
          }
        />
      </div>
    );

  const submit = async (values: Values) => {
    if (!navigator.onLine) {
      setOffline(true);
      return;
    }
    setOffline(false);
    setSubmitting(true);
    try {
      const view = await call(
        api.POST('/api/enterprise-inspections', {
          body: {
            unitId,
            templateId: checklist.templateId,
            roundId,
            ...(filingId ? { filingId } : {}),
            answers: checklist.items.map((item) => ({
              key: item.key,
              result: values.answers[item.key]?.result ?? 'pass',
              note: values.answers[item.key]?.note?.trim() || null,
            })),
            findings: values.findings?.trim() || null,
            ...(position ?? {}),
          },
        }),
      );
      if (photos.length > 0) {
        try {
          const body = new FormData();
          for (const photo of photos) body.append('photos', (await resizePhoto(photo)).file);
          await http.send('POST', `/enterprise-inspections/${view.id}/photos`, { form: body });
        } catch (error) {
          void message.warning(t('inspections.photoFailed', { error: errorText(i18n, error) }));
        }
      }
      setDone({ name: view.unitName, failed: view.answers.filter((a) => a.result === 'fail').length });
    } catch (error) {
      if (isApiError(error, 'NETWORK_ERROR')) setOffline(true);
      else showFormError(form, error, i18n, message);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div className="page inspection-form-page" data-testid="inspection-form">
      <Card size="small" title={t('inspections.form')}>
        <Tag>
          {checklist.area
            ? t('inspections.checklistVersion', { area: checklist.area.name, version: checklist.version })
            : t('inspections.builtinChecklist')}
        </Tag>
      </Card>
      {offline && (
        <Alert type="warning" showIcon title={t('inspections.offline')} data-testid="inspection-offline" />
      )}
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={(values) => void submit(values)}
        initialValues={{ answers: {} }}
      >
        {checklist.items.map((item) => (
          <Card size="small" key={item.key} className="inspection-item" data-testid="inspection-item">
            <Form.Item
              name={['answers', item.key, 'result']}
              label={<strong>{itemLabel(i18n, item)}</strong>}
              rules={[{ required: true, message: t('inspections.resultRule') }]}
              className="compact-item"
            >
              <Radio.Group
                optionType="button"
                buttonStyle="solid"
                options={(['pass', 'fail', 'na'] as const).map((value) => ({
                  value,
                  label: t(`inspections.result.${value}`),
                }))}
              />
            </Form.Item>
            {answers[item.key]?.result === 'fail' && (
              <Form.Item name={['answers', item.key, 'note']} className="compact-item">
                <Input placeholder={t('inspections.note')} maxLength={500} />
              </Form.Item>
            )}
          </Card>
        ))}
        <Card size="small">
          <Form.Item name="findings" label={t('inspections.findings')}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
          <Form.Item label={t('inspections.photos')}>
            <Upload
              accept="image/*"
              listType="picture"
              multiple
              maxCount={6}
              beforeUpload={(file) => {
                setPhotos((current) => [...current, file].slice(0, 6));
                return false;
              }}
              onRemove={(file) => setPhotos((current) => current.filter((p) => p.name !== file.name))}
            >
              <Button icon={<CameraOutlined />}>{t('inspections.addPhoto')}</Button>
            </Upload>
          </Form.Item>
          <Space>
            <Button
              icon={<EnvironmentOutlined />}
              type={position ? 'primary' : 'default'}
              onClick={() =>
                navigator.geolocation?.getCurrentPosition((p) =>
                  setPosition({ lng: p.coords.longitude, lat: p.coords.latitude }),
                )
              }
            >
              {t('inspections.useLocation')}
            </Button>
          </Space>
        </Card>
        <Button
          type="primary"
          htmlType="submit"
          size="large"
          block
          loading={submitting}
          data-testid="inspection-submit"
        >
          {t('inspections.submit')}
        </Button>
      </Form>
    </div>
  );
}
