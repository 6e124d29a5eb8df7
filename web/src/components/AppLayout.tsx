import { Divider, Drawer, Layout, Typography } from 'antd';
import { useState } from 'react';
import { Outlet } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { useI18n } from '../i18n/context';
import { OfflineNotice, OutboxBar } from '../offline/OutboxBar';
import { AppHeader } from './AppHeader';
import { DataAgeNotice } from './DataAgeNotice';
import { AreaTree } from './AreaTree';
import { NavigationProvider } from './navigation';
import { NavMenu } from './NavMenu';
import { NARROW_SCREEN, useMediaQuery } from './useMediaQuery';

function Navigator({ onNavigate }: { onNavigate?: () => void }) {
  const { t } = useI18n();
  const { can } = useAuth();
  return (
    <nav className="navigator" data-testid="navigator">
      <NavMenu {...(onNavigate ? { onNavigate } : {})} />
      {can('area.read') && (
        <>
          <Divider className="navigator-divider" />
          <Typography.Text type="secondary" className="navigator-title">
            {t('nav.navigator')}
          </Typography.Text>
          <AreaTree {...(onNavigate ? { onNavigate } : {})} />
        </>
      )}
    </nav>
  );
}

/** Header, navigator (a side column on desks, a drawer on phones) and the page. */
export function AppLayout() {
  const { t } = useI18n();
  const narrow = useMediaQuery(NARROW_SCREEN);
  const [drawerOpen, setDrawerOpen] = useState(false);

  return (
    <NavigationProvider>
      <Layout className="app-layout">
        <AppHeader narrow={narrow} onOpenNavigation={() => setDrawerOpen(true)} />
        <Layout>
          {narrow ? (
            <Drawer
              placement="left"
              title={t('app.name')}
              open={drawerOpen}
              onClose={() => setDrawerOpen(false)}
              size={300}
              styles={{ body: { padding: 0 } }}
            >
              <Navigator onNavigate={() => setDrawerOpen(false)} />
            </Drawer>
          ) : (
            <Layout.Sider width={280} theme="light" className="app-sider">
              <Navigator />
            </Layout.Sider>
          )}
          <Layout.Content className="app-content">
            <OfflineNotice />
            <DataAgeNotice />
            <OutboxBar />
            <Outlet />
          </Layout.Content>
        </Layout>
      </Layout>
    </NavigationProvider>
  );
}
