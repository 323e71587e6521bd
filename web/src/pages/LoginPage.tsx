import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input } from 'antd';
import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { errorMessage } from '../api/client';
import { safeRedirect, useAuth } from '../auth/AuthContext';

interface LoginForm {
  username: string;
  password: string;
}

export default function LoginPage() {
  const { status, login } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const target = safeRedirect(params.get('redirect'));

  if (status === 'authenticated' && !submitting) return <Navigate to={target} replace />;

  const onFinish = async (values: LoginForm) => {
    setSubmitting(true);
    setError(null);
    try {
      await login(values.username.trim(), values.password);
      void navigate(target, { replace: true });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div className="login-page" data-testid="login-page">
      <div className="login-brand">
        <span
          className="app-brand-mark"
          style={{ width: 48, height: 48, fontSize: 24, borderRadius: 10 }}
        >
          民
        </span>
        <h1>民政数据资源共享平台</h1>
        <p>数据资源目录 · 共享交换 · 统一管理</p>
      </div>
      <Card className="login-card" title="账号登录" variant="borderless">
        {error && (
          <Alert
            type="error"
            showIcon
            title={error}
            style={{ marginBottom: 16 }}
            data-testid="login-error"
          />
        )}
        <Form<LoginForm>
          layout="vertical"
          size="large"
          requiredMark={false}
          onFinish={(v) => void onFinish(v)}
          onValuesChange={() => error && setError(null)}
          autoComplete="on"
        >
          <Form.Item
            name="username"
            label="用户名"
            rules={[{ required: true, whitespace: true, message: '请输入用户名' }]}
          >
            <Input
              prefix={<UserOutlined />}
              placeholder="请输入用户名"
              autoComplete="username"
              autoFocus
              data-testid="login-username"
            />
          </Form.Item>
          <Form.Item
            name="password"
            label="密码"
            rules={[{ required: true, message: '请输入密码' }]}
          >
            <Input.Password
              prefix={<LockOutlined />}
              placeholder="请输入密码"
              autoComplete="current-password"
              data-testid="login-password"
            />
          </Form.Item>
          <Form.Item style={{ marginBottom: 0 }}>
            <Button
              type="primary"
              htmlType="submit"
              block
              loading={submitting}
              data-testid="login-submit"
            >
              登 录
            </Button>
          </Form.Item>
        </Form>
      </Card>
      <div className="login-footer">民政数据资源管理与共享交换平台 · 仅限授权人员使用</div>
    </div>
  );
}
