import { Form, Select } from 'antd';
import { DEPARTMENT_CATEGORY_NAMES as DEPARTMENT_CATEGORIES } from '../../api/vocabulary';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n/context';
import { categoryLabel, roleLabel } from '../../i18n/labels';
import { AreaSelect } from '../AreaSelect';
import { grantableRoles } from './roles';

type NamePath = Array<string | number>;

interface AssignmentFieldsProps {
  /** Field names relative to the enclosing Form.List item ([] outside a list). */
  name: NamePath;
  /** The same path from the form root, to watch the chosen role. */
  fullName: NamePath;
}

/** Role + area (+ data categories for department staff): one role assignment. */
export function AssignmentFields({ name, fullName }: AssignmentFieldsProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { me } = useAuth();
  const form = Form.useFormInstance();
  const role = Form.useWatch<string | undefined>([...fullName, 'role'], form);

  return (
    <>
      <Form.Item
        name={[...name, 'role']}
        label={t('users.role')}
        rules={[{ required: true, message: t('common.required') }]}
      >
        <Select options={grantableRoles(me).map((value) => ({ value, label: roleLabel(i18n, value) }))} />
      </Form.Item>
      <Form.Item
        name={[...name, 'areaId']}
        label={t('users.area')}
        rules={[{ required: true, message: t('common.required') }]}
      >
        <AreaSelect placeholder={t('users.areaPlaceholder')} />
      </Form.Item>
      {role === 'department' && (
        <Form.Item name={[...name, 'categories']} label={t('users.categories')}>
          <Select
            mode="multiple"
            options={DEPARTMENT_CATEGORIES.map((value) => ({ value, label: categoryLabel(i18n, value) }))}
          />
        </Form.Item>
      )}
    </>
  );
}
