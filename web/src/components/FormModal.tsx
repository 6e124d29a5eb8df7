import { App, Form, type FormInstance, Modal } from 'antd';
import { type ReactNode, useState } from 'react';
import { useI18n } from '../i18n/context';
import { showFormError } from './forms';

interface FormModalProps<Values> {
  title: ReactNode;
  okText?: ReactNode;
  danger?: boolean;
  initialValues?: Partial<Values>;
  onCancel: () => void;
  /** Throw to keep the dialog open: an API error lands beside the field it names. */
  onSubmit: (values: Values) => Promise<void>;
  children: ReactNode | ((form: FormInstance<Values>) => ReactNode);
  testId?: string;
}

/** A dialog around one form: submit button state, server errors on fields, Enter submits. */
export function FormModal<Values extends object>({
  title,
  okText,
  danger = false,
  initialValues,
  onCancel,
  onSubmit,
  children,
  testId,
}: FormModalProps<Values>) {
  const i18n = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [submitting, setSubmitting] = useState(false);

  const submit = async (values: Values) => {
    setSubmitting(true);
    try {
      await onSubmit(values);
    } catch (error) {
      showFormError(form, error, i18n, message);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Modal
      open
      title={title}
      okText={okText ?? i18n.t('common.save')}
      cancelText={i18n.t('common.cancel')}
      okButtonProps={{ danger }}
      confirmLoading={submitting}
      onOk={() => form.submit()}
      onCancel={onCancel}
      data-testid={testId}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={initialValues}
        onFinish={(values) => void submit(values)}
        requiredMark="optional"
      >
        {typeof children === 'function' ? children(form) : children}
        {/* Lets Enter in a text field submit the form. */}
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}
