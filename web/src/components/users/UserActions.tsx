import { MoreOutlined } from '@ant-design/icons';
import { App, Button, Dropdown, type MenuProps } from 'antd';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { UserView as User } from '../../api/model';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n/context';
import { errorText } from '../../i18n/labels';
import { AddRoleDialog, ResetPasswordDialog } from './UserDialogs';

type Dialog = 'password' | 'role' | null;

/** What a user manager can do to one account. */
export function UserActions({ user, onChanged }: { user: User; onChanged: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message, modal } = App.useApp();
  const { me } = useAuth();
  const [dialog, setDialog] = useState<Dialog>(null);

  const run = async (action: () => Promise<unknown>, done: string) => {
    try {
      await action();
      void message.success(done);
      onChanged();
    } catch (error) {
      void message.error(errorText(i18n, error));
    }
  };

  const items: NonNullable<MenuProps['items']> = [
    { key: 'role', label: t('users.addAssignment') },
    { key: 'password', label: t('users.resetPassword') },
    ...(user.locked ? [{ key: 'unlock', label: t('users.unlock') }] : []),
    ...(user.mfaEnabled ? [{ key: 'mfa', label: t('users.resetMfa') }] : []),
    user.disabled
      ? { key: 'enable', label: t('users.enable') }
      : { key: 'disable', label: t('users.disable'), danger: true, disabled: user.id === me?.id },
  ];

  const onClick: MenuProps['onClick'] = ({ key }) => {
    switch (key) {
      case 'role':
      case 'password':
        setDialog(key);
        break;
      case 'unlock':
        void run(
          () =>
            call(api.PATCH('/api/users/{id}', { params: { path: { id: user.id } }, body: { unlock: true } })),
          t('users.unlocked', { name: user.displayName }),
        );
        break;
      case 'mfa':
        modal.confirm({
          title: t('users.resetMfaConfirm', { name: user.displayName }),
          content: t('users.resetMfaHint'),
          okButtonProps: { danger: true },
          okText: t('users.resetMfa'),
          cancelText: t('common.cancel'),
          onOk: () =>
            run(
              () => call(api.DELETE('/api/users/{id}/mfa', { params: { path: { id: user.id } } })),
              t('users.resetMfaDone', { name: user.displayName }),
            ),
        });
        break;
      case 'enable':
        void run(
          () =>
            call(
              api.PATCH('/api/users/{id}', { params: { path: { id: user.id } }, body: { disabled: false } }),
            ),
          t('users.enabledDone', { name: user.displayName }),
        );
        break;
      case 'disable':
        modal.confirm({
          title: t('users.disableConfirm', { name: user.displayName }),
          okButtonProps: { danger: true },
          okText: t('users.disable'),
          cancelText: t('common.cancel'),
          onOk: () =>
            run(
              () =>
                call(
                  api.PATCH('/api/users/{id}', {
                    params: { path: { id: user.id } },
                    body: { disabled: true },
                  }),
                ),
              t('users.disabledDone', { name: user.displayName }),
            ),
        });
        break;
    }
  };

  const close = () => setDialog(null);
  const done = () => {
    setDialog(null);
    onChanged();
  };
  return (
    <>
      <Dropdown trigger={['click']} menu={{ items, onClick }}>
        <Button
          size="small"
          icon={<MoreOutlined />}
          aria-label={t('common.actions')}
          data-testid={`user-actions-${user.username}`}
        />
      </Dropdown>
      {dialog === 'password' && <ResetPasswordDialog user={user} onClose={close} onDone={done} />}
      {dialog === 'role' && <AddRoleDialog user={user} onClose={close} onDone={done} />}
    </>
  );
}
