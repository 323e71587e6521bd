// The one table of console pages. To add a page: add a lazy import and a row to `pageRoutes`
// (and a group to `menuGroups` if it opens a new section). The router and the side menu are
// both built from this table; `permission` hides the menu item and guards the route.
import {
  ApartmentOutlined,
  CalendarOutlined,
  ClusterOutlined,
  DashboardOutlined,
  GlobalOutlined,
} from '@ant-design/icons';
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';

export interface MenuGroup {
  key: string;
  label: string;
  icon: ReactNode;
}

export interface PageRoute {
  /** Stable id, used in data-testid="nav-<id>". */
  id: string;
  path: string;
  label: string;
  icon?: ReactNode;
  /** Key of a menu group this page sits in; top level when absent. */
  group?: string;
  /** Permission needed to see the page. */
  permission?: string;
  /** Route only (detail pages etc.). */
  hideInMenu?: boolean;
  page: LazyExoticComponent<ComponentType>;
}

export const menuGroups: MenuGroup[] = [
  { key: 'org', label: '组织机构', icon: <ApartmentOutlined /> },
];

export const pageRoutes: PageRoute[] = [
  {
    id: 'dashboard',
    path: '/',
    label: '工作台',
    icon: <DashboardOutlined />,
    page: lazy(() => import('./pages/DashboardPage')),
  },
  {
    id: 'units',
    path: '/org/units',
    label: '单位管理',
    icon: <ClusterOutlined />,
    group: 'org',
    page: lazy(() => import('./pages/org/UnitsPage')),
  },
  {
    id: 'divisions',
    path: '/org/divisions',
    label: '行政区划',
    icon: <GlobalOutlined />,
    group: 'org',
    page: lazy(() => import('./pages/org/DivisionsPage')),
  },
  {
    id: 'calendar',
    path: '/calendar',
    label: '工作日历',
    icon: <CalendarOutlined />,
    page: lazy(() => import('./pages/CalendarPage')),
  },
];

/** The route a location belongs to: exact match, else the longest path prefix. */
export function routeForPath(pathname: string): PageRoute | undefined {
  const exact = pageRoutes.find((r) => r.path === pathname);
  if (exact) return exact;
  return pageRoutes
    .filter((r) => r.path !== '/' && pathname.startsWith(`${r.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
}
