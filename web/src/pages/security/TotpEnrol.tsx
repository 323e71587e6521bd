// 绑定动态口令 (IAM-07): the server makes a TOTP secret; the user scans the QR code (or types
// the secret) into an authenticator app and confirms with the first 6-digit code.
import { Alert, App, Button, Form, Input, QRCode, Space, Typography } from 'antd';
import { useState } from 'react';
import { applyFormErrors, errorMessage } from '../../api/client';
import { authApi } from '../../api/endpoints';
import type { Session, TotpSetup } from '../../api/types';

/** `JBSW Y3DP EHPK 3PXP` — groups of four, easier to type. */
export function groupSecret(secret: string): string {
  return (secret.match(/.{1,4}/g) ?? []).join(' ');
}

export default function TotpEnrol({
  onDone,
  startText = '生成绑定密钥',
}: {
  onDone: (s: Session) => void;
  startText?: string;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ code: string }>();
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [starting, setStarting] = useState(false);
  const [confirming, setConfirming] = useState(false);

  const start = async () => {
    setStarting(true);
    try {
      setSetup(await authApi.totpSetup());
      form.resetFields();
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setStarting(false);
    }
  };

  const confirm = async ({ code }: { code: string }) => {
    setConfirming(true);
    try {
      onDone(await authApi.totpConfirm(code.trim()));
    } catch (e) {
      applyFormErrors(form, e, ['code'], (t) => message.error(t));
    } finally {
      setConfirming(false);
    }
  };

  if (!setup) {
    return (
      <Button
        type="primary"
        loading={starting}
        onClick={() => void start()}
        data-testid="totp-start"
      >
        {startText}
      </Button>
    );
  }

  return (
    <div data-testid="totp-setup">
      <Alert
        type="info"
        showIcon
        title="用手机上的身份验证器应用扫描二维码，或手动输入密钥"
        description="绑定后每次登录需输入验证器显示的 6 位动态口令。密钥只显示这一次，请勿截图外传。"
        style={{ marginBottom: 16 }}
      />
      <div style={{ display: 'flex', gap: 24, flexWrap: 'wrap', alignItems: 'flex-start' }}>
        <QRCode value={setup.otpauthUrl} size={176} bordered data-testid="totp-qr" />
        <div style={{ flex: 1, minWidth: 240 }}>
          <Typography.Text type="secondary">密钥（手动输入时使用）</Typography.Text>
          <Typography.Paragraph
            copyable={{ text: setup.secret, tooltips: ['复制密钥', '已复制'] }}
            className="mono-secret"
            data-testid="totp-secret"
          >
            {groupSecret(setup.secret)}
          </Typography.Paragraph>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
            类型：基于时间（TOTP），6 位数字，30 秒刷新。
          </Typography.Paragraph>
          <Form
            form={form}
            layout="vertical"
            requiredMark={false}
            onFinish={(v) => void confirm(v)}
          >
            <Form.Item
              name="code"
              label="验证器显示的 6 位动态口令"
              normalize={(v?: string) => v?.replace(/\D/g, '').slice(0, 6)}
              rules={[
                { required: true, message: '请输入 6 位动态口令' },
                { pattern: /^\d{6}$/, message: '动态口令为 6 位数字' },
              ]}
            >
              <Input
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                placeholder="000000"
                className="otp-input"
                style={{ width: 180 }}
                data-testid="totp-code"
              />
            </Form.Item>
            <Space>
              <Button
                type="primary"
                htmlType="submit"
                loading={confirming}
                data-testid="totp-confirm"
              >
                确认绑定
              </Button>
              <Button onClick={() => void start()} loading={starting}>
                重新生成密钥
              </Button>
            </Space>
          </Form>
        </div>
      </div>
    </div>
  );
}
