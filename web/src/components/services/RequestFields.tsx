import { Form, Input, Radio } from 'antd';
import { REQUEST_KINDS, URGENCIES } from './vocabulary';
import { useI18n } from '../../i18n/context';

/** Kind chips, details, urgency: the same on the worker's form and the door page. */
export function KindAndDetails({ large = false }: { large?: boolean }) {
  const { t } = useI18n();
  return (
    <>
      <Form.Item
        name="kind"
        label={t('requests.kindLabel')}
        rules={[{ required: true, message: t('problem.required') }]}
      >
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          className="chip-group"
          size={large ? 'large' : undefined}
          options={REQUEST_KINDS.map((value) => ({ value, label: t(`requests.kind.${value}`) }))}
        />
      </Form.Item>
      <Form.Item
        name="details"
        label={t('requests.details')}
        rules={[
          { required: true, whitespace: true, message: t('problem.required') },
          { max: 1000, message: t('common.maxLength', { max: 1000 }) },
        ]}
      >
        <Input.TextArea rows={3} placeholder={t('requests.detailsHint')} />
      </Form.Item>
      <Form.Item name="urgency" label={t('requests.urgencyLabel')}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          options={URGENCIES.map((value) => ({ value, label: t(`requests.urgency.${value}`) }))}
        />
      </Form.Item>
    </>
  );
}
