// 修改密码: current, new, confirm. The server checks the policy and answers every rule the new
// password breaks (errors[].path = 'newPassword'); each message shows under the field.
import { App, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { applyFormErrors } from '../../api/client';
import { authApi } from '../../api/endpoints';
import type { Session } from '../../api/types';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

export const PASSWORD_RULES_HINT =
  '至少 8 位，须同时包含字母、数字和特殊字符；不得包含用户名、姓名、身份证号、手机号或出生日期；不得与最近使用过的密码相同。';

export default function PasswordChangeForm({
  onDone,
  submitText = '修改密码',
  block = false,
}: {
  onDone: (s: Session) => void;
  submitText?: string;
  block?: boolean;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);

  const submit = async (v: Values) => {
    setSaving(true);
    try {
      const s = await authApi.changePassword(v.currentPassword, v.newPassword);
      form.resetFields();
      onDone(s);
    } catch (e) {
      applyFormErrors(form, e, ['currentPassword', 'newPassword'], (t) => message.error(t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      requiredMark={false}
      onFinish={(v) => void submit(v)}
      autoComplete="off"
      data-testid="password-form"
    >
      <Form.Item
        name="currentPassword"
        label="当前密码"
        rules={[{ required: true, message: '请输入当前密码' }]}
      >
        <Input.Password autoComplete="current-password" data-testid="password-current" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label="新密码"
        extra={PASSWORD_RULES_HINT}
        rules={[{ required: true, message: '请输入新密码' }]}
      >
        <Input.Password autoComplete="new-password" data-testid="password-new" />
      </Form.Item>
      <Form.Item
        name="confirmPassword"
        label="确认新密码"
        dependencies={['newPassword']}
        rules={[
          { required: true, message: '请再次输入新密码' },
          ({ getFieldValue }) => ({
            validator: async (_, v?: string) => {
              if (v && v !== getFieldValue('newPassword'))
                throw new Error('两次输入的新密码不一致');
            },
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid="password-confirm" />
      </Form.Item>
      <Form.Item style={{ marginBottom: 0 }}>
        <Button
          type="primary"
          htmlType="submit"
          loading={saving}
          block={block}
          data-testid="password-submit"
        >
          {submitText}
        </Button>
      </Form.Item>
    </Form>
  );
}
