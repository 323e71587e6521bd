import { Button, Result, Spin } from 'antd';
import { Suspense, type ReactNode } from 'react';
import {
  createBrowserRouter,
  Navigate,
  Outlet,
  RouterProvider,
  useLocation,
  useRouteError,
} from 'react-router';
import { AuthProvider, loginPathFor, restrictionPathFor, useAuth } from './auth/AuthContext';
import LockScreen from './layout/LockScreen';
import MainLayout from './layout/MainLayout';
import LoginPage from './pages/LoginPage';
import { ForbiddenPage, NotFoundPage } from './pages/ResultPages';
import { ForcedPasswordPage, ForcedTotpPage } from './pages/security/ForcedPages';
import PublicLayout from './layout/PublicLayout';
import { canSee, pageRoutes, publicRoutes, type PageRoute } from './routes';

export function PageLoading() {
  return (
    <div className="page-loading" data-testid="page-loading">
      <Spin size="large" />
    </div>
  );
}

function LockableOutlet() {
  const { status, locked, generation } = useAuth();
  // While the screen is locked the page stays as it was (nothing typed is lost) but cannot
  // be reached by keyboard or screen reader under the overlay. If it could not load its
  // data while locked, it loads again after the unlock (`generation`).
  return (
    <div inert={status === 'authenticated' && locked} className="app-root" key={generation}>
      <Outlet />
    </div>
  );
}

function Root() {
  return (
    <AuthProvider>
      <LockableOutlet />
      <LockScreen />
    </AuthProvider>
  );
}

/** Signed in, whatever the session still has to do first (the forced pages). */
function RequireSession({ children }: { children: ReactNode }) {
  const { status, loadError, reload } = useAuth();
  const location = useLocation();
  if (status === 'loading') return <PageLoading />;
  if (status === 'error') {
    return (
      <Result
        status="warning"
        title="无法连接平台服务"
        subTitle={loadError?.userMessage ?? '请检查网络后重试'}
        extra={
          <Button type="primary" onClick={reload}>
            重试
          </Button>
        }
      />
    );
  }
  if (status === 'anonymous')
    return <Navigate to={loginPathFor(location.pathname + location.search)} replace />;
  return <>{children}</>;
}

/** Signed in with nothing left to do first; else to the forced page, then back here. */
function RequireAuth({ children }: { children: ReactNode }) {
  const { restriction } = useAuth();
  const location = useLocation();
  return (
    <RequireSession>
      {restriction ? (
        <Navigate
          to={restrictionPathFor(restriction, location.pathname + location.search)}
          replace
        />
      ) : (
        children
      )}
    </RequireSession>
  );
}

function Guard({
  permission,
  children,
}: {
  permission: PageRoute['permission'];
  children: ReactNode;
}) {
  const { can } = useAuth();
  if (!canSee({ permission }, can)) return <ForbiddenPage />;
  return <>{children}</>;
}

function RouteError() {
  const error = useRouteError();
  console.error(error);
  return (
    <Result
      status="error"
      title="页面出错了"
      subTitle="页面加载失败，可能是平台已更新。请刷新页面后重试。"
      extra={
        <Button type="primary" onClick={() => window.location.reload()}>
          刷新页面
        </Button>
      }
    />
  );
}

const router = createBrowserRouter([
  {
    element: <Root />,
    errorElement: <RouteError />,
    children: [
      { path: '/login', element: <LoginPage /> },
      {
        // 开放数据: no login needed (a signed-in user sees the same pages).
        element: <PublicLayout />,
        errorElement: <RouteError />,
        children: publicRoutes.map((r) => ({
          path: r.path,
          element: (
            <Suspense fallback={<PageLoading />}>
              <r.page />
            </Suspense>
          ),
        })),
      },
      {
        path: '/password-change',
        element: (
          <RequireSession>
            <ForcedPasswordPage />
          </RequireSession>
        ),
      },
      {
        path: '/totp-setup',
        element: (
          <RequireSession>
            <ForcedTotpPage />
          </RequireSession>
        ),
      },
      {
        element: (
          <RequireAuth>
            <MainLayout />
          </RequireAuth>
        ),
        errorElement: <RouteError />,
        children: [
          ...pageRoutes.map((r) => ({
            path: r.path,
            element: (
              <Guard permission={r.permission}>
                <Suspense fallback={<PageLoading />}>
                  <r.page />
                </Suspense>
              </Guard>
            ),
          })),
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);

export default function App() {
  return <RouterProvider router={router} />;
}
