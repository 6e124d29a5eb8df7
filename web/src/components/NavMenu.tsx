import { AuditOutlined, EnvironmentOutlined, TeamOutlined } from '@ant-design/icons';
import { Menu, type MenuProps } from 'antd';
import { useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { useI18n } from '../i18n/context';

/** The sections the user's rights open. */
export function NavMenu({ onNavigate }: { onNavigate?: () => void }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const navigate = useNavigate();
  const { pathname } = useLocation();

  const items: NonNullable<MenuProps['items']> = [
    can('area.read') && { key: '/', icon: <EnvironmentOutlined />, label: t('nav.areas') },
    can('user.read') && { key: '/users', icon: <TeamOutlined />, label: t('nav.users') },
    can('audit.read') && { key: '/audit', icon: <AuditOutlined />, label: t('nav.audit') },
  ].filter((item) => item !== false);

  const selected = pathname.startsWith('/users') ? '/users' : pathname.startsWith('/audit') ? '/audit' : '/';
  return (
    <Menu
      mode="inline"
      className="nav-menu"
      selectedKeys={[selected]}
      items={items}
      onClick={({ key }) => {
        void navigate(key);
        onNavigate?.();
      }}
    />
  );
}
