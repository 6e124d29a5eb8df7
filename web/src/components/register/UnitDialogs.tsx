import { App, Col, Form, Input, InputNumber, Row, Select } from 'antd';
import { api, call } from '../../api/client';
import type { UnitBody, UnitView } from '../../api/model';
import { UNIT_CATEGORIES, type UnitCategory } from '../../api/vocabulary';
import { useI18n } from '../../i18n/context';
import { unitCategoryLabel } from '../../i18n/labels';
import { AreaSelect } from '../AreaSelect';
import { FormModal } from '../FormModal';

interface UnitValues {
  areaId: number;
  name: string;
  category: UnitCategory;
  creditCode?: string;
  legalPerson?: string;
  contactName?: string;
  contactPhone?: string;
  employees?: number | null;
  address?: string;
}

const OPTIONAL_TEXT = ['creditCode', 'legalPerson', 'contactName', 'contactPhone', 'address'] as const;

interface CreateUnitDialogProps {
  onClose: () => void;
  onCreated: (unit: UnitView) => void;
}

/** Registers an enterprise, shop, school, site or hotel (实有单位). */
export function CreateUnitDialog({ onClose, onCreated }: CreateUnitDialogProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  return (
    <FormModal<UnitValues>
      testId="create-unit-dialog"
      title={t('unit.create')}
      okText={t('common.create')}
      initialValues={{ category: 'enterprise' }}
      onCancel={onClose}
      onSubmit={async (values) => {
        const input: UnitBody = {
          areaId: values.areaId,
          name: values.name.trim(),
          category: values.category,
        };
        for (const field of OPTIONAL_TEXT) {
          const value = values[field]?.trim();
          if (value) input[field] = field === 'creditCode' ? value.toUpperCase() : value;
        }
        if (values.employees !== undefined && values.employees !== null) input.employees = values.employees;
        const unit = await call(api.POST('/api/units', { body: input }));
        void message.success(t('unit.created', { name: unit.name }));
        onCreated(unit);
      }}
    >
      <Form.Item
        name="areaId"
        label={t('field.area')}
        extra={t('unit.areaHint')}
        rules={[{ required: true, message: t('problem.required') }]}
      >
        <AreaSelect />
      </Form.Item>
      <Form.Item
        name="name"
        label={t('field.unitName')}
        rules={[{ required: true, whitespace: true, message: t('problem.required') }, { max: 200 }]}
      >
        <Input />
      </Form.Item>
      <Row gutter={12}>
        <Col xs={24} sm={10}>
          <Form.Item name="category" label={t('field.category')} rules={[{ required: true }]}>
            <Select
              options={UNIT_CATEGORIES.map((value) => ({ value, label: unitCategoryLabel(i18n, value) }))}
            />
          </Form.Item>
        </Col>
        <Col xs={24} sm={14}>
          <Form.Item
            name="creditCode"
            label={t('field.creditCode')}
            rules={[{ pattern: /^[0-9A-Za-z]{18}$/, message: t('unit.creditCodeRule') }]}
          >
            <Input className="code-text" maxLength={18} />
          </Form.Item>
        </Col>
        <Col xs={12}>
          <Form.Item name="legalPerson" label={t('field.legalPerson')} rules={[{ max: 100 }]}>
            <Input />
          </Form.Item>
        </Col>
        <Col xs={12}>
          <Form.Item name="employees" label={t('field.employees')}>
            <InputNumber min={0} precision={0} className="full-width" />
          </Form.Item>
        </Col>
        <Col xs={12}>
          <Form.Item name="contactName" label={t('field.contactName')} rules={[{ max: 100 }]}>
            <Input />
          </Form.Item>
        </Col>
        <Col xs={12}>
          <Form.Item name="contactPhone" label={t('field.contactPhone')} rules={[{ max: 30 }]}>
            <Input inputMode="tel" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="address" label={t('field.address')} rules={[{ max: 200 }]}>
        <Input />
      </Form.Item>
    </FormModal>
  );
}
