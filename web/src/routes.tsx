// The one table of console pages. To add a page: add a lazy import and a row to `pageRoutes`
// (and a group to `menuGroups` if it opens a new section). The router and the side menu are
// both built from this table; `permission` hides the menu item and guards the route.
// `publicRoutes` are the pages shown without logging in (开放数据), in their own layout.
import {
  AlertOutlined,
  ApartmentOutlined,
  AuditOutlined,
  CloudServerOutlined,
  ReconciliationOutlined,
  BarChartOutlined,
  FieldTimeOutlined,
  KeyOutlined,
  ShareAltOutlined,
  SwapOutlined,
  CalendarOutlined,
  ClusterOutlined,
  DashboardOutlined,
  DatabaseOutlined,
  DiffOutlined,
  FlagOutlined,
  FileSearchOutlined,
  FormOutlined,
  GlobalOutlined,
  ProjectOutlined,
  SearchOutlined,
  IdcardOutlined,
  SafetyCertificateOutlined,
  SolutionOutlined,
  TeamOutlined,
  UserOutlined,
  UserSwitchOutlined,
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
  /** Permission needed to see the page; with a list, any one of them. */
  permission?: string | string[];
  /** Route only (detail pages etc.). */
  hideInMenu?: boolean;
  page: LazyExoticComponent<ComponentType>;
}

/** Everyone who takes part in sharing requests (申请、审批、预审、协调、监察). */
const sharingRoles = [
  'sharing.request',
  'sharing.approve',
  'sharing.precheck',
  'sharing.coordinate',
  'sharing.supervise',
];

export const menuGroups: MenuGroup[] = [
  { key: 'catalog', label: '数据资源目录', icon: <DatabaseOutlined /> },
  { key: 'sharing', label: '数据共享', icon: <ShareAltOutlined /> },
  { key: 'registry', label: '优抚对象', icon: <FlagOutlined /> },
  { key: 'org', label: '组织机构', icon: <ApartmentOutlined /> },
  { key: 'accounts', label: '账号管理', icon: <TeamOutlined /> },
  { key: 'audit', label: '安全审计', icon: <AuditOutlined /> },
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
    id: 'catalog',
    path: '/catalog',
    label: '目录检索',
    icon: <SearchOutlined />,
    group: 'catalog',
    page: lazy(() => import('./pages/catalog/CatalogSearchPage')),
  },
  {
    id: 'catalog-work',
    path: '/catalog/work',
    label: '目录工作台',
    icon: <FormOutlined />,
    group: 'catalog',
    permission: ['catalog.edit', 'catalog.review', 'catalog.publish'],
    page: lazy(() => import('./pages/catalog/WorkbenchPage')),
  },
  {
    id: 'catalog-projects',
    path: '/catalog/projects',
    label: '项目数据目录',
    icon: <ProjectOutlined />,
    group: 'catalog',
    permission: ['catalog.edit', 'catalog.review', 'catalog.publish'],
    page: lazy(() => import('./pages/catalog/ProjectsPage')),
  },
  {
    id: 'catalog-project',
    path: '/catalog/projects/:id',
    label: '项目数据目录详情',
    group: 'catalog',
    hideInMenu: true,
    permission: ['catalog.edit', 'catalog.review', 'catalog.publish'],
    page: lazy(() => import('./pages/catalog/ProjectDetailPage')),
  },
  {
    id: 'catalog-new',
    path: '/catalog/entries/new',
    label: '新建目录条目',
    group: 'catalog',
    hideInMenu: true,
    permission: 'catalog.edit',
    page: lazy(() => import('./pages/catalog/EntryFormPage')),
  },
  {
    id: 'catalog-entry',
    path: '/catalog/entries/:id',
    label: '目录条目',
    group: 'catalog',
    hideInMenu: true,
    page: lazy(() => import('./pages/catalog/EntryPage')),
  },
  {
    id: 'catalog-edit',
    path: '/catalog/entries/:id/edit',
    label: '编制目录条目',
    group: 'catalog',
    hideInMenu: true,
    permission: 'catalog.edit',
    page: lazy(() => import('./pages/catalog/EntryFormPage')),
  },
  {
    id: 'sharing',
    path: '/sharing',
    label: '共享申请',
    icon: <SwapOutlined />,
    group: 'sharing',
    permission: sharingRoles,
    page: lazy(() => import('./pages/sharing/RequestsPage')),
  },
  {
    id: 'sharing-new',
    path: '/sharing/new',
    label: '申请共享',
    group: 'sharing',
    hideInMenu: true,
    permission: 'sharing.request',
    page: lazy(() => import('./pages/sharing/ApplyPage')),
  },
  {
    id: 'sharing-request',
    path: '/sharing/requests/:id',
    label: '共享申请详情',
    group: 'sharing',
    hideInMenu: true,
    permission: sharingRoles,
    page: lazy(() => import('./pages/sharing/RequestPage')),
  },
  {
    id: 'sharing-sheet',
    path: '/sharing/requests/:id/sheet',
    label: '共享实施单',
    group: 'sharing',
    hideInMenu: true,
    permission: sharingRoles,
    page: lazy(() => import('./pages/sharing/SheetPage')),
  },
  {
    id: 'sharing-grants',
    path: '/sharing/grants',
    label: '授权',
    icon: <KeyOutlined />,
    group: 'sharing',
    permission: ['sharing.request', 'sharing.approve'],
    page: lazy(() => import('./pages/sharing/GrantsPage')),
  },
  {
    id: 'sharing-supervision',
    path: '/sharing/supervision',
    label: '电子监察',
    icon: <AlertOutlined />,
    group: 'sharing',
    permission: 'sharing.supervise',
    page: lazy(() => import('./pages/sharing/SupervisionPage')),
  },
  {
    id: 'sharing-policy',
    path: '/sharing/policy',
    label: '共享时限设置',
    icon: <FieldTimeOutlined />,
    group: 'sharing',
    permission: 'sharing.manage',
    page: lazy(() => import('./pages/sharing/PolicyPage')),
  },
  // 前置机 and 对账 (EXC-06, COL-07)
  {
    id: 'frontend-nodes',
    path: '/frontend/nodes',
    label: '前置机',
    icon: <CloudServerOutlined />,
    group: 'sharing',
    permission: 'account.manage_unit',
    page: lazy(() => import('./pages/frontend/NodesPage')),
  },
  {
    id: 'reconciliation',
    path: '/frontend/reconciliation',
    label: '对账',
    icon: <ReconciliationOutlined />,
    group: 'sharing',
    permission: [...sharingRoles, 'account.manage_unit', 'data.enter', 'audit.unit_read'],
    page: lazy(() => import('./pages/frontend/ReconciliationPage')),
  },
  {
    id: 'exchange-usage',
    path: '/exchange/usage',
    label: '使用统计',
    icon: <BarChartOutlined />,
    group: 'sharing',
    permission: [...sharingRoles, 'audit.unit_read'],
    page: lazy(() => import('./pages/exchange/UsagePage')),
  },
  // 优抚对象信息管理 (veterans' benefit registry)
  {
    id: 'registry',
    path: '/registry',
    label: '优抚工作台',
    icon: <DashboardOutlined />,
    group: 'registry',
    permission: 'registry.read',
    page: lazy(() => import('./pages/registry/HomePage')),
  },
  {
    id: 'registry-queue',
    path: '/registry/queue',
    label: '工作队列',
    icon: <SolutionOutlined />,
    group: 'registry',
    permission: 'registry.read',
    page: lazy(() => import('./pages/registry/QueuePage')),
  },
  {
    id: 'registry-records',
    path: '/registry/records',
    label: '优抚对象名册',
    icon: <IdcardOutlined />,
    group: 'registry',
    permission: 'registry.read',
    page: lazy(() => import('./pages/registry/RecordsPage')),
  },
  {
    id: 'registry-record-new',
    path: '/registry/records/new',
    label: '录入优抚对象',
    group: 'registry',
    hideInMenu: true,
    permission: 'registry.enter',
    page: lazy(() => import('./pages/registry/RecordFormPage')),
  },
  {
    id: 'registry-record',
    path: '/registry/records/:id',
    label: '优抚对象详情',
    group: 'registry',
    hideInMenu: true,
    permission: 'registry.read',
    page: lazy(() => import('./pages/registry/RecordPage')),
  },
  {
    id: 'registry-record-edit',
    path: '/registry/records/:id/edit',
    label: '修改优抚对象',
    group: 'registry',
    hideInMenu: true,
    permission: 'registry.enter',
    page: lazy(() => import('./pages/registry/RecordFormPage')),
  },
  {
    id: 'registry-record-print',
    path: '/registry/records/:id/print',
    label: '优抚对象登记表',
    group: 'registry',
    hideInMenu: true,
    permission: 'registry.read',
    page: lazy(() => import('./pages/registry/PrintPage')),
  },
  {
    id: 'registry-request',
    path: '/registry/requests/:id',
    label: '优抚申请详情',
    group: 'registry',
    hideInMenu: true,
    permission: 'registry.read',
    page: lazy(() => import('./pages/registry/RequestPage')),
  },
  {
    id: 'registry-problems',
    path: '/registry/problems',
    label: '问题数据',
    icon: <AlertOutlined />,
    group: 'registry',
    permission: 'registry.read',
    page: lazy(() => import('./pages/registry/ProblemsPage')),
  },
  {
    id: 'registry-quality',
    path: '/registry/quality',
    label: '质量评估',
    icon: <ProjectOutlined />,
    group: 'registry',
    permission: 'registry.read',
    page: lazy(() => import('./pages/registry/QualityPage')),
  },
  {
    id: 'registry-settings',
    path: '/registry/settings',
    label: '优抚设置',
    icon: <FormOutlined />,
    group: 'registry',
    permission: 'registry.manage',
    page: lazy(() => import('./pages/registry/SettingsPage')),
  },
  {
    id: 'registry-lock',
    path: '/registry/lock',
    label: '数据锁定',
    icon: <KeyOutlined />,
    group: 'registry',
    permission: 'registry.manage',
    page: lazy(() => import('./pages/registry/LockPage')),
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
    id: 'batch',
    path: '/batch',
    label: '批量修改',
    icon: <DiffOutlined />,
    group: 'org',
    permission: 'batch.view',
    page: lazy(() => import('./pages/batch/BatchPage')),
  },
  {
    id: 'calendar',
    path: '/calendar',
    label: '工作日历',
    icon: <CalendarOutlined />,
    page: lazy(() => import('./pages/CalendarPage')),
  },
  {
    id: 'unit-admins',
    path: '/accounts/unit-admins',
    label: '单位管理员账号',
    icon: <UserSwitchOutlined />,
    group: 'accounts',
    permission: 'account.manage_admins',
    page: lazy(() => import('./pages/accounts/UnitAdminsPage')),
  },
  {
    id: 'unit-accounts',
    path: '/accounts/unit',
    label: '本单位账号',
    icon: <IdcardOutlined />,
    group: 'accounts',
    permission: 'account.manage_unit',
    page: lazy(() => import('./pages/accounts/UnitAccountsPage')),
  },
  {
    id: 'account-review',
    path: '/accounts/review',
    label: '账号清理审查',
    icon: <SolutionOutlined />,
    group: 'accounts',
    permission: 'account.review',
    page: lazy(() => import('./pages/accounts/AccountReviewPage')),
  },
  {
    id: 'audit',
    path: '/audit',
    label: '审计日志',
    icon: <FileSearchOutlined />,
    group: 'audit',
    permission: 'audit.read',
    page: lazy(() => import('./pages/audit/AuditPage')),
  },
  {
    id: 'unit-audit',
    path: '/audit/unit',
    label: '本单位日志',
    icon: <FileSearchOutlined />,
    group: 'audit',
    permission: 'audit.unit_read',
    page: lazy(() => import('./pages/audit/UnitAuditPage')),
  },
  {
    id: 'policy',
    path: '/security/policy',
    label: '安全策略',
    icon: <SafetyCertificateOutlined />,
    permission: 'policy.manage',
    page: lazy(() => import('./pages/security/PolicyPage')),
  },
  {
    id: 'me',
    path: '/me',
    label: '我的账号',
    icon: <UserOutlined />,
    page: lazy(() => import('./pages/MePage')),
  },
];

/** Pages anyone may open without logging in, in the public layout. */
export interface PublicRoute {
  id: string;
  path: string;
  label: string;
  page: LazyExoticComponent<ComponentType>;
}

export const publicRoutes: PublicRoute[] = [
  {
    id: 'open',
    path: '/open',
    label: '开放数据',
    page: lazy(() => import('./pages/open/OpenCatalogPage')),
  },
  {
    id: 'open-entry',
    path: '/open/:code',
    label: '开放数据资源',
    page: lazy(() => import('./pages/open/OpenEntryPage')),
  },
];

/** Whether a user with `can` may see a page (any one of its permissions). */
export function canSee(route: Pick<PageRoute, 'permission'>, can: (p: string) => boolean) {
  const p = route.permission;
  if (!p) return true;
  return typeof p === 'string' ? can(p) : p.some(can);
}

/**
 * The menu item a location belongs to: exact match, else the longest path prefix (routes
 * hidden from the menu, such as detail pages, belong to the item above them).
 */
export function routeForPath(pathname: string): PageRoute | undefined {
  const inMenu = pageRoutes.filter((r) => !r.hideInMenu);
  const exact = inMenu.find((r) => r.path === pathname);
  if (exact) return exact;
  return inMenu
    .filter((r) => r.path !== '/' && pathname.startsWith(`${r.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
}
