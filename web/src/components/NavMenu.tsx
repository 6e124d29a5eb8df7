import {
  AimOutlined,
  AlertOutlined,
  AuditOutlined,
  BankOutlined,
  BellOutlined,
  CalendarOutlined,
  CheckSquareOutlined,
  ClusterOutlined,
  CloudUploadOutlined,
  CustomerServiceOutlined,
  DashboardOutlined,
  EnvironmentOutlined,
  ExperimentOutlined,
  FileSearchOutlined,
  FileDoneOutlined,
  FlagOutlined,
  HeartOutlined,
  HomeOutlined,
  IdcardOutlined,
  InboxOutlined,
  NotificationOutlined,
  ProfileOutlined,
  SafetyCertificateOutlined,
  SafetyOutlined,
  ScanOutlined,
  SettingOutlined,
  ShopOutlined,
  SolutionOutlined,
  TeamOutlined,
  ToolOutlined,
  TrophyOutlined,
  VideoCameraOutlined,
} from '@ant-design/icons';
import { Badge, Menu, type MenuProps } from 'antd';
import { useLocation, useNavigate } from 'react-router-dom';
import { usePendingCount } from '../api/hooks';
import { useAuth } from '../auth/AuthContext';
import { useI18n } from '../i18n/context';

/** Which menu entry a page belongs to, by the start of its path. */
const SECTIONS: Array<[string, string]> = [
  ['/today', '/today'],
  ['/scan', '/scan'],
  ['/passes/verify', '/passes/verify'],
  ['/passes/visitors', '/passes'],
  ['/passes', '/passes'],
  ['/gate', '/gate'],
  ['/checkpoints', '/checkpoints'],
  ['/events/settings', '/events/settings'],
  ['/events', '/events'],
  ['/my-events', '/my-events'],
  ['/notifications', '/notifications'],
  ['/areas', '/areas'],
  ['/rounds', '/rounds'],
  ['/enterprise-inspections/mine', '/enterprise-inspections/mine'],
  ['/enterprise-inspections/new', '/enterprise-inspections/mine'],
  ['/enterprise-inspections', '/enterprise-inspections'],
  ['/enterprises', '/enterprises'],
  ['/sweeps/mine', '/sweeps/mine'],
  ['/sweeps', '/sweeps'],
  ['/key-persons', '/key-persons'],
  ['/leads', '/leads'],
  ['/health/inbox', '/health/inbox'],
  ['/health/import', '/health/import'],
  ['/health/checkins', '/health/checkins'],
  ['/register', '/register'],
  ['/persons', '/register'],
  ['/houses', '/register'],
  ['/tasks', '/tasks'],
  ['/visits', '/visits'],
  ['/import', '/import'],
  ['/users', '/users'],
  ['/audit', '/audit'],
  ['/requests', '/requests'],
  ['/service-requests', '/requests'],
  ['/volunteers', '/volunteers'],
  ['/teams', '/teams'],
  ['/devices', '/devices'],
  ['/resources', '/resources'],
  ['/announcements', '/announcements'],
  ['/review', '/review'],
];

/** The sections the user's rights open. */
export function NavMenu({ onNavigate }: { onNavigate?: () => void }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const pending = usePendingCount(can('person.write'), pathname).data ?? 0;

  const health: NonNullable<MenuProps['items']> = [
    { key: '/dashboard', icon: <DashboardOutlined />, label: t('nav.dashboard') },
    { key: '/rounds', icon: <ExperimentOutlined />, label: t('nav.rounds') },
    { key: '/sweeps', icon: <AimOutlined />, label: t('sweeps.nav') },
    { key: '/key-persons', icon: <AlertOutlined />, label: t('nav.keyPersons') },
    { key: '/leads', icon: <FileSearchOutlined />, label: t('nav.leads') },
    { key: '/health/inbox', icon: <InboxOutlined />, label: t('nav.inbox') },
    ...(can('health.manage')
      ? [{ key: '/health/import', icon: <CloudUploadOutlined />, label: t('healthImport.nav') }]
      : []),
  ];
  const services: NonNullable<MenuProps['items']> = [
    can('service.handle') && {
      key: '/requests',
      icon: <CustomerServiceOutlined />,
      label: t('requests.nav.requests'),
    },
    can('service.handle') &&
      can('person.read') && {
        key: '/volunteers',
        icon: <HeartOutlined />,
        label: t('volunteers.nav'),
      },
    can('team.manage') && { key: '/teams', icon: <ClusterOutlined />, label: t('teams.nav') },
    can('checkpoint.manage') && { key: '/devices', icon: <VideoCameraOutlined />, label: t('devices.nav') },
    can('service.handle') &&
      can('person.read') && {
        key: '/resources',
        icon: <ShopOutlined />,
        label: t('resources.nav'),
      },
    can('announcement.write') && {
      key: '/announcements',
      icon: <NotificationOutlined />,
      label: t('announcements.nav'),
    },
    can('review.read') && { key: '/review', icon: <TrophyOutlined />, label: t('review.nav') },
  ].filter((item) => item !== false);
  const items: NonNullable<MenuProps['items']> = [
    (can('health.write') || can('person.write')) && {
      key: '/today',
      icon: <CalendarOutlined />,
      label: t('nav.today'),
    },
    can('person.write') && { key: '/scan', icon: <ScanOutlined />, label: t('scan.nav') },
    (can('health.write') || can('service.handle')) && {
      key: '/sweeps/mine',
      icon: <HomeOutlined />,
      label: t('sweeps.navMine'),
    },
    // Today's check-ins for whoever reads health here; volunteers report for their households (代报).
    (can('health.read') || can('service.handle')) && {
      key: '/health/checkins',
      icon: <HeartOutlined />,
      label: t('checkins.title'),
    },
    can('pass.issue') && { key: '/passes', icon: <SafetyCertificateOutlined />, label: t('passes.nav') },
    can('person.write') && { key: '/certificates', icon: <AuditOutlined />, label: t('certificates.nav') },
    can('checkpoint.check') &&
      !can('pass.issue') && {
        key: '/passes/verify',
        icon: <SafetyCertificateOutlined />,
        label: t('passes.verify.nav'),
      },
    can('checkpoint.check') && { key: '/gate', icon: <SafetyOutlined />, label: t('gate.nav') },
    can('area.read') && { key: '/areas', icon: <EnvironmentOutlined />, label: t('nav.areas') },
    can('checkpoint.read') && {
      key: '/checkpoints',
      icon: <FlagOutlined />,
      label: t('checkpointBoard.nav'),
    },
    can('enterprise.read') && { key: '/enterprises', icon: <ShopOutlined />, label: t('filings.nav') },
    can('enterprise.inspect') && {
      key: '/enterprise-inspections/mine',
      icon: <FileDoneOutlined />,
      label: t('inspections.navMine'),
    },
    can('enterprise.inspect') && {
      key: '/enterprise-inspections',
      icon: <BankOutlined />,
      label: t('inspections.nav'),
    },
    can('event.read') && { key: '/events', icon: <ProfileOutlined />, label: t('events.nav.board') },
    can('event.handle') && { key: '/my-events', icon: <ToolOutlined />, label: t('events.nav.mine') },
    can('event.configure') && {
      key: '/events/settings',
      icon: <SettingOutlined />,
      label: t('events.nav.settings'),
    },
    { key: '/notifications', icon: <BellOutlined />, label: t('notifications.nav') },
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
    services.length > 0 && {
      key: 'services',
      type: 'group' as const,
      label: t('requests.nav.group'),
      children: services,
    },
    can('health.read') && {
      key: 'health',
      type: 'group' as const,
      label: t('nav.health'),
      children: health,
    },
  ].filter((item) => item !== false);

  const selected = SECTIONS.find(([prefix]) => pathname.startsWith(prefix))?.[1] ?? '/areas';
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
