// The screen lock (IAM-08): an opaque overlay over the whole console while the session is
// locked. Only the password (POST /api/v1/auth/unlock) or logging out leaves it; the page
// under it stays as it was.
import { LockOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Avatar, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiError, errorMessage } from '../api/client';
import { useAuth } from '../auth/AuthContext';

function UnlockForm() {
  const { unlock, logout, user } = useAuth();
  const navigate = useNavigate();
  const [form] = Form.useForm<{ password: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async ({ password }: { password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await unlock(password);
    } catch (e) {
      setError(errorMessage(e));
      form.resetFields();
      if (e instanceof ApiError && e.code === 'auth.locked') {
        void navigate('/login', { replace: true });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="lock-card">
      <Avatar size={64} icon={<UserOutlined />} style={{ background: '#1d4ed8' }} />
      <div className="lock-user" data-testid="lock-user">
        {user?.displayName}
        <span>{user?.unitName}</span>
      </div>
      <div className="lock-hint">
        <LockOutlined /> 屏幕已锁定，请输入登录密码解锁
      </div>
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 12 }}
          data-testid="lock-error"
        />
      )}
      <Form form={form} onFinish={(v) => void submit(v)} style={{ width: '100%' }}>
        <Form.Item name="password" rules={[{ required: true, message: '请输入密码' }]}>
          <Input.Password
            size="large"
            placeholder="登录密码"
            autoComplete="current-password"
            autoFocus
            data-testid="lock-password"
          />
        </Form.Item>
        <Button
          type="primary"
          size="large"
          htmlType="submit"
          block
          loading={busy}
          data-testid="lock-submit"
        >
          解 锁
        </Button>
      </Form>
      <Button
        type="link"
        icon={<LogoutOutlined />}
        style={{ marginTop: 12, color: 'rgba(255,255,255,0.75)' }}
        onClick={() => void logout().finally(() => void navigate('/login', { replace: true }))}
        data-testid="lock-logout"
      >
        退出登录
      </Button>
    </div>
  );
}

export default function LockScreen() {
  const { status, locked } = useAuth();
  if (status !== 'authenticated' || !locked) return null;
  return (
    <div
      className="lock-screen"
      role="dialog"
      aria-modal="true"
      aria-label="屏幕已锁定"
      data-testid="lock-screen"
    >
      <div className="lock-brand">
        <span className="app-brand-mark">民</span>
        民政数据资源共享平台
      </div>
      <UnlockForm />
    </div>
  );
}
