import {
  KeyOutlined,
  LogoutOutlined,
  MenuOutlined,
  SafetyCertificateOutlined,
  SafetyOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Button, Dropdown, Layout, Tag } from 'antd';
import { Link, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { useI18n } from '../i18n/context';
import { roleLabel } from '../i18n/labels';
import { NotificationBell } from './events/NotificationList';
import { LanguageSwitch } from './LanguageSwitch';

interface AppHeaderProps {
  narrow: boolean;
  onOpenNavigation: () => void;
}

export function AppHeader({ narrow, onOpenNavigation }: AppHeaderProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { me, signOut } = useAuth();
  const navigate = useNavigate();
  const first = me?.assignments[0];
  const more = (me?.assignments.length ?? 0) - 1;

  return (
    <Layout.Header className="app-header">
      {narrow && (
        <Button
          type="text"
          className="header-button"
          icon={<MenuOutlined />}
          aria-label={t('nav.openMenu')}
          data-testid="open-navigation"
          onClick={onOpenNavigation}
        />
      )}
      <Link to="/" className="brand">
        <SafetyCertificateOutlined className="brand-logo" />
        <span className="brand-name">{t('app.name')}</span>
        {!narrow && <span className="brand-second">{t('app.nameEn')}</span>}
      </Link>
      <div className="header-spacer" />
      <LanguageSwitch compact={narrow} />
      {me && <NotificationBell compact={narrow} />}
      {me && (
        <Dropdown
          trigger={['click']}
          menu={{
            items: [
              { key: 'password', icon: <KeyOutlined />, label: t('header.changePassword') },
              ...(me.mfaMode === 'off'
                ? []
                : [
                    {
                      key: 'mfa',
                      icon: <SafetyOutlined />,
                      label: t('header.mfa'),
                      'data-testid': 'menu-mfa',
                    },
                  ]),
            ],
            onClick: ({ key }) => void navigate(key === 'mfa' ? '/account/mfa' : '/account/password'),
          }}
        >
          <Button type="text" className="header-button header-user" data-testid="current-user">
            <UserOutlined />
            {!narrow && <span className="user-name">{me.displayName}</span>}
            {!narrow && first && (
              <Tag className="user-role" color="blue">
                {roleLabel(i18n, first.role)} · {first.areaName}
                {more > 0 ? ` +${more}` : ''}
              </Tag>
            )}
          </Button>
        </Dropdown>
      )}
      <Button
        type="text"
        className="header-button"
        icon={<LogoutOutlined />}
        data-testid="logout"
        aria-label={t('header.logout')}
        onClick={() => void signOut()}
      >
        {narrow ? null : t('header.logout')}
      </Button>
    </Layout.Header>
  );
}
