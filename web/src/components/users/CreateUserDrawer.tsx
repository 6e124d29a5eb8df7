import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Drawer, Form, Input, Space } from 'antd';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { AssignmentInput } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { showFormError } from '../forms';
import { AssignmentFields } from './AssignmentFields';
import { passwordRules } from '../passwordRules';

interface CreateUserValues {
  username: string;
  displayName: string;
  password: string;
  assignments: AssignmentInput[];
}

interface CreateUserDrawerProps {
  open: boolean;
  narrow: boolean;
  onClose: () => void;
  onCreated: () => void;
}

export function CreateUserDrawer({ open, narrow, onClose, onCreated }: CreateUserDrawerProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<CreateUserValues>();
  const [submitting, setSubmitting] = useState(false);

  const submit = async (values: CreateUserValues) => {
    setSubmitting(true);
    try {
      const created = await call(
        api.POST('/api/users', {
          body: {
            username: values.username.trim(),
            displayName: values.displayName.trim(),
            password: values.password,
            assignments: values.assignments.map(({ role, areaId, categories }) => ({
              role,
              areaId,
              ...(role === 'department' && categories?.length ? { categories } : {}),
            })),
          },
        }),
      );
      void message.success(t('users.created', { username: created.username }));
      form.resetFields();
      onCreated();
    } catch (error) {
      showFormError(form, error, i18n, message);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Drawer
      open={open}
      title={t('users.create')}
      size={narrow ? '100%' : 520}
      onClose={onClose}
      forceRender
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={submitting} onClick={() => form.submit()}>
            {t('common.create')}
          </Button>
        </Space>
      }
    >
      <Form<CreateUserValues>
        form={form}
        layout="vertical"
        requiredMark="optional"
        initialValues={{ assignments: [{}] }}
        onFinish={(values) => void submit(values)}
      >
        <Form.Item
          name="username"
          label={t('users.username')}
          extra={t('users.usernameRule')}
          rules={[
            { required: true, message: t('common.required') },
            { pattern: /^[A-Za-z0-9_.-]{3,64}$/, message: t('users.usernameRule') },
          ]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('users.displayName')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }, { max: 64 }]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('users.password')}
          extra={
            <>
              {t('password.rule')}
              <br />
              {t('users.passwordHint')}
            </>
          }
          rules={passwordRules(t)}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.List name="assignments">
          {(fields, { add, remove }) => (
            <Space orientation="vertical" className="full-width">
              {fields.map((field, index) => (
                <Card
                  key={field.key}
                  size="small"
                  title={`${t('users.assignments')} ${index + 1}`}
                  extra={
                    fields.length > 1 ? (
                      <Button type="text" icon={<MinusCircleOutlined />} onClick={() => remove(field.name)} />
                    ) : null
                  }
                >
                  <AssignmentFields name={[field.name]} fullName={['assignments', field.name]} />
                </Card>
              ))}
              <Button type="dashed" block icon={<PlusOutlined />} onClick={() => add({})}>
                {t('users.addAssignment')}
              </Button>
            </Space>
          )}
        </Form.List>
        <button type="submit" hidden />
      </Form>
    </Drawer>
  );
}
