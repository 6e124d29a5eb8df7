import {
  AuditOutlined,
  CheckSquareOutlined,
  CloudUploadOutlined,
  EnvironmentOutlined,
  IdcardOutlined,
  SolutionOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { Badge, Menu, type MenuProps } from 'antd';
import { useLocation, useNavigate } from 'react-router-dom';
import { usePendingCount } from '../api/hooks';
import { useAuth } from '../auth/AuthContext';
import { useI18n } from '../i18n/context';

/** Which menu entry a page belongs to, by the start of its path. */
const SECTIONS: Array<[string, string]> = [
  ['/register', '/register'],
  ['/persons', '/register'],
  ['/houses', '/register'],
  ['/tasks', '/tasks'],
  ['/visits', '/visits'],
  ['/import', '/import'],
  ['/users', '/users'],
  ['/audit', '/audit'],
];

/** The sections the user's rights open. */
export function NavMenu({ onNavigate }: { onNavigate?: () => void }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const pending = usePendingCount(can('person.write'), pathname).data ?? 0;

  const items: NonNullable<MenuProps['items']> = [
    can('area.read') && { key: '/', icon: <EnvironmentOutlined />, label: t('nav.areas') },
    can('person.read') && { key: '/register', icon: <IdcardOutlined />, label: t('nav.register') },
    can('person.write') && {
      key: '/tasks',
      icon: <CheckSquareOutlined />,
      label: (
        <span className="nav-label-count">
          {t('nav.tasks')}
          <Badge count={pending} size="small" data-testid="pending-count" />
        </span>
      ),
    },
    can('person.read') && { key: '/visits', icon: <SolutionOutlined />, label: t('nav.visits') },
    can('person.write') && { key: '/import', icon: <CloudUploadOutlined />, label: t('nav.import') },
    can('user.read') && { key: '/users', icon: <TeamOutlined />, label: t('nav.users') },
    can('audit.read') && { key: '/audit', icon: <AuditOutlined />, label: t('nav.audit') },
  ].filter((item) => item !== false);

  const selected = SECTIONS.find(([prefix]) => pathname.startsWith(prefix))?.[1] ?? '/';
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
