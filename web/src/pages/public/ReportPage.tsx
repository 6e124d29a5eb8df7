import { CameraOutlined, CopyOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Result, Select, Space, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, call, isApiError } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { PublicCategoryTree, PublicReportReceipt } from '../../api/model';
import { PhotoPicker } from '../../components/events/EventInputs';
import { eventErrorText, localName } from '../../components/events/labels';
import { showFormError } from '../../components/forms';
import { phoneRules } from '../../components/public/fields';
import { PublicFormHeader, PublicLayout, PublicLoadState } from '../../components/public/PublicLayout';
import { useI18n } from '../../i18n/context';

import { LocationPicker, type PickedPlace } from '../../components/map/LocationPicker';
import { layerSet, usePublicMap } from '../../components/map/mapData';

interface ReportValues {
  category: string;
  description: string;
  address?: string;
  name?: string;
  phone?: string;
  photos?: File[];
}

/** 随手拍 (/report/:communityCode): a resident reports a problem with photos, no sign-in. */
export function ReportPage() {
  const { t } = useI18n();
  const { communityCode = '' } = useParams();
  const categories = useResource((signal) => call(api.GET('/api/public/event-categories', { signal })), []);
  const community = useResource(
    (signal) =>
      call(api.GET('/api/public/communities/{code}', { params: { path: { code: communityCode } }, signal })),
    [communityCode],
  );
  const [receipt, setReceipt] = useState<PublicReportReceipt | null>(null);
  return (
    <PublicLayout>
      {!categories.data ? (
        <PublicLoadState error={categories.error} onRetry={categories.reload} />
      ) : (
        <div className="public-page" data-testid="report-page">
          <Card className="public-card address-card">
            <div className="address-community">
              <CameraOutlined /> {t('report.title')}
            </div>
            {community.data && (
              <div style={{ color: 'rgba(255, 255, 255, 0.85)' }} data-testid="report-community">
                {community.data.path.slice(-2).join(' · ')}
              </div>
            )}
            <div style={{ color: 'rgba(255, 255, 255, 0.85)' }}>{t('report.hint')}</div>
          </Card>
          {receipt ? (
            <ReportReceipt receipt={receipt} onAgain={() => setReceipt(null)} />
          ) : (
            <ReportForm community={communityCode} categories={categories.data.items} onDone={setReceipt} />
          )}
        </div>
      )}
    </PublicLayout>
  );
}

function ReportForm({
  community,
  categories,
  onDone,
}: {
  community: string;
  categories: PublicCategoryTree['items'];
  onDone: (receipt: PublicReportReceipt) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<ReportValues>();
  const [place, setPlace] = useState<PickedPlace | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const options = useMemo(
    () =>
      categories.map((group) =>
        group.children.length > 0
          ? {
              label: localName(i18n, group),
              options: group.children.map((child) => ({ value: child.code, label: localName(i18n, child) })),
            }
          : { value: group.code, label: localName(i18n, group) },
      ),
    [categories, i18n],
  );

  const geography = usePublicMap(community);
  const layers = useMemo(() => layerSet(geography.data), [geography.data]);
  const bounds = geography.data?.area.bounds ?? null;

  const submit = async (values: ReportValues) => {
    const address = values.address?.trim();
    if (!place && !address) {
      form.setFields([{ name: 'address', errors: [t('report.needLocation')] }]);
      return;
    }
    setSubmitting(true);
    setProblem(null);
    try {
      const name = values.name?.trim();
      const phone = values.phone?.replace(/[\s-]/g, '');
      const result = await api.eventPhotos.submitPublic(
        {
          category: values.category,
          community,
          description: values.description.trim(),
          ...(place
            ? {
                lng: place.lng,
                lat: place.lat,
                ...(place.accuracyM !== null ? { accuracyM: place.accuracyM } : {}),
              }
            : {}),
          ...(address ? { address } : {}),
          ...(name ? { name } : {}),
          ...(phone ? { phone } : {}),
        },
        values.photos ?? [],
      );
      onDone(result);
    } catch (error) {
      // Field problems land under their fields (a point outside the community under the address).
      const onField =
        isApiError(error) &&
        error.details.length > 0 &&
        showFormError(form, error, i18n, message, { lng: 'address', lat: 'address' });
      setProblem(onField ? t('public.fixErrors') : eventErrorText(i18n, error));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Card className="public-card" data-testid="report-form">
      <PublicFormHeader title={t('report.title')} />
      <Form<ReportValues>
        form={form}
        layout="vertical"
        size="large"
        requiredMark="optional"
        scrollToFirstError
        initialValues={{ photos: [] }}
        onFinish={(values) => void submit(values)}
      >
        <Form.Item
          name="category"
          label={t('report.category')}
          rules={[{ required: true, message: t('problem.required') }]}
        >
          <Select
            options={options}
            data-testid="report-category"
            showSearch={{ optionFilterProp: 'label' }}
          />
        </Form.Item>
        <Form.Item
          name="description"
          label={t('report.description')}
          rules={[
            { required: true, whitespace: true, message: t('problem.required') },
            { min: 2, message: t('problem.minLength', { min: 2 }) },
            { max: 2000, message: t('common.maxLength', { max: 2000 }) },
          ]}
        >
          <Input.TextArea
            rows={4}
            placeholder={t('report.descriptionPlaceholder')}
            data-testid="report-description"
          />
        </Form.Item>
        <Form.Item label={t('report.location')}>
          <LocationPicker
            value={place}
            onChange={setPlace}
            layers={layers}
            bounds={bounds}
            height={280}
            testId="report-map"
          />
        </Form.Item>
        <Form.Item
          name="address"
          label={t('report.address')}
          rules={[{ max: 200, message: t('common.maxLength', { max: 200 }) }]}
        >
          <Input placeholder={t('report.addressPlaceholder')} data-testid="report-address" />
        </Form.Item>
        <Form.Item name="photos" label={t('report.photos', { max: 4 })}>
          <PhotoPicker size="large" testId="report-photo-input" />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('report.name')}
          rules={[{ max: 50, message: t('common.maxLength', { max: 50 }) }]}
        >
          <Input autoComplete="name" />
        </Form.Item>
        <Form.Item name="phone" label={t('report.phone')} rules={phoneRules(t, false)}>
          <Input inputMode="tel" autoComplete="tel" placeholder={t('public.phonePlaceholder')} />
        </Form.Item>
        {problem && (
          <Alert type="error" showIcon className="public-alert" data-testid="public-error" title={problem} />
        )}
        <Button
          type="primary"
          htmlType="submit"
          block
          size="large"
          className="public-submit"
          loading={submitting}
          data-testid="public-submit"
        >
          {t('report.submit')}
        </Button>
      </Form>
    </Card>
  );
}

function ReportReceipt({ receipt, onAgain }: { receipt: PublicReportReceipt; onAgain: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const path = `/e/${receipt.followToken}`;
  const url = `${window.location.origin}${path}`;
  return (
    <Result
      status="success"
      title={<span data-testid="report-submitted">{t('report.submitted')}</span>}
      subTitle={
        <Space direction="vertical">
          <span data-testid="report-code">{t('report.code', { code: receipt.code })}</span>
          <span>{t('report.followHint')}</span>
          <Typography.Text code copyable={false} style={{ wordBreak: 'break-all' }}>
            {url}
          </Typography.Text>
        </Space>
      }
      extra={
        <Space direction="vertical" style={{ width: '100%' }}>
          <Link to={path} data-testid="report-follow-link">
            <Button type="primary" size="large" block>
              {t('report.follow')}
            </Button>
          </Link>
          <Button
            size="large"
            block
            icon={<CopyOutlined />}
            onClick={() =>
              void navigator.clipboard?.writeText(url).then(() => message.success(t('report.copied')))
            }
          >
            {t('report.copy')}
          </Button>
          <Button size="large" block onClick={onAgain}>
            {t('report.another')}
          </Button>
        </Space>
      }
    />
  );
}
