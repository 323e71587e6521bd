import { LockOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { App, Avatar, Button, Layout, Menu, Tooltip, type MenuProps } from 'antd';
import { Suspense, useMemo, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { errorMessage } from '../api/client';
import { useAuth, useUser } from '../auth/AuthContext';
import { canSee, menuGroups, pageRoutes, routeForPath, type PageRoute } from '../routes';
import { formatLongDate, shanghaiDate } from '../utils/format';
import NotificationBell from './NotificationBell';

const { Header, Sider, Content } = Layout;

type MenuItem = Required<MenuProps>['items'][number];

function buildMenu(can: (p: string) => boolean): MenuItem[] {
  const visible = (r: PageRoute) => !r.hideInMenu && canSee(r, can);
  const leaf = (r: PageRoute): MenuItem => ({
    key: r.path,
    icon: r.icon,
    label: (
      <Link to={r.path} data-testid={`nav-${r.id}`}>
        {r.label}
      </Link>
    ),
  });
  const items: MenuItem[] = [];
  const groupsDone = new Set<string>();
  for (const r of pageRoutes) {
    if (!visible(r)) continue;
    if (!r.group) {
      items.push(leaf(r));
      continue;
    }
    if (groupsDone.has(r.group)) continue;
    groupsDone.add(r.group);
    const g = menuGroups.find((x) => x.key === r.group);
    const children = pageRoutes.filter((x) => x.group === r.group && visible(x)).map(leaf);
    items.push({
      key: `group:${r.group}`,
      icon: g?.icon,
      label: <span data-testid={`nav-group-${r.group}`}>{g?.label ?? r.group}</span>,
      children,
    });
  }
  return items;
}

export default function MainLayout() {
  const { can, logout, lock } = useAuth();
  const user = useUser();
  const { message } = App.useApp();
  const location = useLocation();
  const navigate = useNavigate();
  const [collapsed, setCollapsed] = useState(false);
  const [loggingOut, setLoggingOut] = useState(false);
  const [locking, setLocking] = useState(false);

  const items = useMemo(() => buildMenu(can), [can]);
  const current = routeForPath(location.pathname);
  const [openKeys, setOpenKeys] = useState<string[]>(() => menuGroups.map((g) => `group:${g.key}`));

  const onLogout = async () => {
    setLoggingOut(true);
    try {
      await logout();
      message.success('已退出登录');
    } catch (e) {
      message.warning(`退出时出现问题：${errorMessage(e)}`);
    } finally {
      setLoggingOut(false);
      void navigate('/login', { replace: true });
    }
  };

  const onLock = async () => {
    setLocking(true);
    try {
      await lock();
    } catch (e) {
      message.error(`锁定失败：${errorMessage(e)}`);
    } finally {
      setLocking(false);
    }
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Header className="app-header" data-testid="app-header">
        <Link to="/" className="app-brand" data-testid="app-brand">
          <span className="app-brand-mark">民</span>
          民政数据资源共享平台
        </Link>
        <span className="app-header-date">{formatLongDate(shanghaiDate())}</span>
        <span className="app-header-spacer" />
        <NotificationBell />
        <Tooltip title="我的账号">
          <Link to="/me" className="app-header-user" data-testid="header-user">
            <Avatar size="small" icon={<UserOutlined />} style={{ background: '#1d4ed8' }} />
            <span>
              <span data-testid="header-user-name">{user.displayName}</span>
              <br />
              <span className="unit" data-testid="header-user-unit">
                {user.unitName}
              </span>
            </span>
          </Link>
        </Tooltip>
        <Button
          ghost
          size="small"
          icon={<LockOutlined />}
          loading={locking}
          onClick={() => void onLock()}
          data-testid="lock-button"
        >
          锁定屏幕
        </Button>
        <Button
          ghost
          size="small"
          icon={<LogoutOutlined />}
          loading={loggingOut}
          onClick={() => void onLogout()}
          data-testid="logout-button"
        >
          退出登录
        </Button>
      </Header>
      <Layout>
        <Sider
          className="app-sider"
          width={208}
          collapsible
          collapsed={collapsed}
          onCollapse={setCollapsed}
          theme="light"
          data-testid="app-sider"
        >
          <Menu
            mode="inline"
            items={items}
            selectedKeys={current ? [current.path] : []}
            openKeys={collapsed ? undefined : openKeys}
            onOpenChange={setOpenKeys}
          />
        </Sider>
        <Content className="app-content">
          <Suspense
            fallback={
              <div className="page-loading">
                <span />
              </div>
            }
          >
            <Outlet />
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
}
