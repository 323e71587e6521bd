import { GlobalOutlined, LockOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input } from 'antd';
import { useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError, errorMessage } from '../api/client';
import { restrictionPathFor, safeRedirect, useAuth } from '../auth/AuthContext';

interface LoginForm {
  username: string;
  password: string;
}

export default function LoginPage() {
  const { status, restriction, login } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** Username and password accepted, the server asks for the 动态口令. */
  const [pending, setPending] = useState<LoginForm | null>(null);
  const target = safeRedirect(params.get('redirect'));

  if (status === 'authenticated' && !submitting) {
    return <Navigate to={restriction ? restrictionPathFor(restriction, target) : target} replace />;
  }

  const attempt = async (credentials: LoginForm, totp?: string) => {
    setSubmitting(true);
    setError(null);
    try {
      const s = await login(credentials.username.trim(), credentials.password, totp);
      void navigate(s.restriction ? restrictionPathFor(s.restriction, target) : target, {
        replace: true,
      });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'auth.second_factor_required') {
        setPending(credentials);
      } else {
        if (e instanceof ApiError && e.code !== 'auth.second_factor_invalid') setPending(null);
        setError(errorMessage(e));
      }
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
      <Card
        className="login-card"
        title={pending ? '动态口令验证' : '账号登录'}
        variant="borderless"
      >
        {error && (
          <Alert
            type="error"
            showIcon
            title={error}
            style={{ marginBottom: 16 }}
            data-testid="login-error"
          />
        )}
        {pending ? (
          <Form<{ totp: string }>
            layout="vertical"
            size="large"
            requiredMark={false}
            onFinish={(v) => void attempt(pending, v.totp)}
            onValuesChange={() => error && setError(null)}
            autoComplete="off"
            data-testid="login-totp-form"
          >
            <p style={{ marginTop: 0, color: '#475569' }}>
              账号 <b>{pending.username}</b> 已启用动态口令，请输入手机验证器上显示的 6 位数字。
            </p>
            <Form.Item
              name="totp"
              label="动态口令"
              normalize={(v?: string) => v?.replace(/\D/g, '').slice(0, 6)}
              rules={[
                { required: true, message: '请输入动态口令' },
                { pattern: /^\d{6}$/, message: '动态口令为 6 位数字' },
              ]}
            >
              <Input
                prefix={<SafetyOutlined />}
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                placeholder="6 位数字"
                className="otp-input"
                autoFocus
                data-testid="login-totp"
              />
            </Form.Item>
            <Form.Item style={{ marginBottom: 8 }}>
              <Button
                type="primary"
                htmlType="submit"
                block
                loading={submitting}
                data-testid="login-totp-submit"
              >
                验 证
              </Button>
            </Form.Item>
            <Button
              type="link"
              block
              onClick={() => {
                setPending(null);
                setError(null);
              }}
            >
              返回重新输入账号
            </Button>
          </Form>
        ) : (
          <Form<LoginForm>
            layout="vertical"
            size="large"
            requiredMark={false}
            onFinish={(v) => void attempt(v)}
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
        )}
      </Card>
      <div className="login-open-data">
        <Link to="/open" data-testid="login-open-data">
          <GlobalOutlined /> 开放数据目录（无需登录）
        </Link>
      </div>
      <div className="login-footer">民政数据资源管理与共享交换平台 · 仅限授权人员使用</div>
    </div>
  );
}
