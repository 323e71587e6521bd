// The pages a session is held on until it has done what the server asks first (IAM-05,
// IAM-07): change the password (first login, reset, expired) or bind a second factor. Every
// other API call answers 403 until then, so nothing else is shown.
import { LogoutOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card } from 'antd';
import type { ReactNode } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import type { Restriction, Session } from '../../api/types';
import { restrictionPathFor, safeRedirect, useAuth, useUser } from '../../auth/AuthContext';
import PasswordChangeForm from './PasswordChangeForm';
import TotpEnrol from './TotpEnrol';

function ForcedLayout({
  title,
  testId,
  width = 440,
  children,
}: {
  title: string;
  testId: string;
  width?: number;
  children: ReactNode;
}) {
  const { logout } = useAuth();
  const user = useUser();
  const navigate = useNavigate();
  const { message } = App.useApp();
  return (
    <div className="login-page" data-testid={testId}>
      <div className="login-brand">
        <span
          className="app-brand-mark"
          style={{ width: 48, height: 48, fontSize: 24, borderRadius: 10 }}
        >
          民
        </span>
        <h1>民政数据资源共享平台</h1>
      </div>
      <Card className="login-card" style={{ width }} title={title} variant="borderless">
        {children}
      </Card>
      <div className="login-footer">
        当前账号：{user.displayName}（{user.username}，{user.unitName}）
        <Button
          type="link"
          size="small"
          icon={<LogoutOutlined />}
          onClick={() =>
            void logout()
              .catch(() => message.warning('退出时出现问题'))
              .finally(() => void navigate('/login', { replace: true }))
          }
          data-testid="forced-logout"
        >
          退出登录
        </Button>
      </div>
    </div>
  );
}

/** Where to go when the page is not (or no longer) the one the session needs. */
function useElsewhere(here: NonNullable<Restriction>) {
  const { restriction } = useAuth();
  const [params] = useSearchParams();
  const target = safeRedirect(params.get('redirect'));
  if (restriction === here) return { target, away: null };
  return {
    target,
    away: restriction ? restrictionPathFor(restriction, target) : target,
  };
}

export function ForcedPasswordPage() {
  const { applySession } = useAuth();
  const { message } = App.useApp();
  const { away } = useElsewhere('password_change');
  if (away) return <Navigate to={away} replace />;
  const done = (s: Session) => {
    message.success('密码已修改');
    applySession(s); // the new restriction (if any) decides where to go next
  };
  return (
    <ForcedLayout title="修改密码" testId="forced-password-page">
      <Alert
        type="warning"
        showIcon
        title="请先修改密码"
        description="首次登录、密码被重置或密码已超过有效期时，须设置新密码后才能继续使用平台。"
        style={{ marginBottom: 20 }}
      />
      <PasswordChangeForm onDone={done} submitText="修改密码并继续" block />
    </ForcedLayout>
  );
}

export function ForcedTotpPage() {
  const { applySession } = useAuth();
  const { message } = App.useApp();
  const { away } = useElsewhere('second_factor_setup');
  if (away) return <Navigate to={away} replace />;
  const done = (s: Session) => {
    message.success('动态口令已绑定');
    applySession(s);
  };
  return (
    <ForcedLayout title="绑定动态口令" testId="forced-totp-page" width={620}>
      <Alert
        type="warning"
        showIcon
        title="您的角色要求使用动态口令登录"
        description="按安全策略，您的账号须绑定动态口令（双因素认证）后才能继续使用平台。"
        style={{ marginBottom: 20 }}
      />
      <TotpEnrol onDone={done} />
    </ForcedLayout>
  );
}
