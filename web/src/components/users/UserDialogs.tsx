import { App, Form, Input } from 'antd';
import { api, call } from '../../api/client';
import type { AssignmentInput, UserView as User } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { FormModal } from '../FormModal';
import { AssignmentFields } from './AssignmentFields';
import { passwordRules } from '../passwordRules';

interface UserDialogProps {
  user: User;
  onClose: () => void;
  onDone: () => void;
}

export function ResetPasswordDialog({ user, onClose, onDone }: UserDialogProps) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return (
    <FormModal<{ newPassword: string }>
      testId="reset-password-dialog"
      title={t('users.resetTitle', { name: user.displayName })}
      okText={t('users.resetPassword')}
      onCancel={onClose}
      onSubmit={async (values) => {
        await call(
          api.POST('/api/users/{id}/password', {
            params: { path: { id: user.id } },
            body: { newPassword: values.newPassword },
          }),
        );
        void message.success(t('users.passwordReset'));
        onDone();
      }}
    >
      <Form.Item
        name="newPassword"
        label={t('users.newPassword')}
        extra={t('password.rule')}
        rules={passwordRules(t)}
      >
        <Input.Password autoComplete="new-password" autoFocus />
      </Form.Item>
    </FormModal>
  );
}

export function AddRoleDialog({ user, onClose, onDone }: UserDialogProps) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return (
    <FormModal<AssignmentInput>
      testId="add-role-dialog"
      title={t('users.addRoleTitle', { name: user.displayName })}
      okText={t('users.addAssignment')}
      onCancel={onClose}
      onSubmit={async ({ role, areaId, categories }) => {
        await call(
          api.POST('/api/users/{id}/assignments', {
            params: { path: { id: user.id } },
            body: {
              role,
              areaId,
              ...(role === 'department' && categories?.length ? { categories } : {}),
            },
          }),
        );
        void message.success(t('users.roleAdded'));
        onDone();
      }}
    >
      <AssignmentFields name={[]} fullName={[]} />
    </FormModal>
  );
}
