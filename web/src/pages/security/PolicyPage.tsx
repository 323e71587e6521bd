// 安全策略 (policy.manage): password, lockout, session and second-factor rules. The server
// enforces the 等级保护 limits (password age ≤ 90 days, history ≥ 5 …) and its messages show
// under the fields.
import { ReloadOutlined, SaveOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Divider,
  Form,
  InputNumber,
  Row,
  Select,
  Skeleton,
  Space,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { applyFormErrors, errorMessage } from '../../api/client';
import { policyApi } from '../../api/endpoints';
import type { SecurityPolicy } from '../../api/types';
import { useRoles } from '../../auth/roles';
import PageHeader from '../../components/PageHeader';

const FIELDS = [
  'passwordMinLength',
  'passwordMaxAgeDays',
  'passwordHistorySize',
  'lockoutThreshold',
  'lockoutMinutes',
  'sessionIdleMinutes',
  'dormantDays',
  'secondFactorRoles',
] as const;

type NumberField = Exclude<(typeof FIELDS)[number], 'secondFactorRoles'>;

/** Each number: label, unit, limits (as the API declares them) and a hint. */
const NUMBERS: Record<
  NumberField,
  { label: string; unit: string; min: number; max: number; extra: string }
> = {
  passwordMinLength: {
    label: '密码最小长度',
    unit: '位',
    min: 8,
    max: 64,
    extra: '不少于 8 位；密码须同时包含字母、数字和特殊字符',
  },
  passwordMaxAgeDays: {
    label: '密码有效期',
    unit: '天',
    min: 1,
    max: 90,
    extra: '不超过 90 天，到期后登录时须修改密码',
  },
  passwordHistorySize: {
    label: '不得重复使用最近的密码',
    unit: '次',
    min: 5,
    max: 24,
    extra: '至少记住最近 5 次密码',
  },
  lockoutThreshold: {
    label: '连续登录失败锁定阈值',
    unit: '次',
    min: 3,
    max: 10,
    extra: '连续输错密码达到此次数后临时锁定账号',
  },
  lockoutMinutes: {
    label: '锁定时长',
    unit: '分钟',
    min: 5,
    max: 1440,
    extra: '锁定期间本人不能登录，单位管理员可提前解除',
  },
  sessionIdleMinutes: {
    label: '无操作自动退出',
    unit: '分钟',
    min: 1,
    max: 120,
    extra: '超过此时间无操作，会话失效，须重新登录',
  },
  dormantDays: {
    label: '长期未登录标准',
    unit: '天',
    min: 30,
    max: 365,
    extra: '账号清理审查中，超过此天数未登录的账号建议清理',
  },
};

const GROUPS: { title: string; fields: NumberField[] }[] = [
  { title: '密码', fields: ['passwordMinLength', 'passwordMaxAgeDays', 'passwordHistorySize'] },
  { title: '登录锁定', fields: ['lockoutThreshold', 'lockoutMinutes'] },
  { title: '会话与账号', fields: ['sessionIdleMinutes', 'dormantDays'] },
];

export default function PolicyPage() {
  const { message } = App.useApp();
  const roles = useRoles();
  const [form] = Form.useForm<SecurityPolicy>();
  const [loaded, setLoaded] = useState<SecurityPolicy | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [dirty, setDirty] = useState(false);

  const load = useCallback(async () => {
    try {
      const p = await policyApi.get();
      setLoaded(p);
      form.setFieldsValue(p);
      setDirty(false);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [form]);

  useEffect(() => {
    void load();
  }, [load]);

  const save = async (v: SecurityPolicy) => {
    setSaving(true);
    try {
      const p = await policyApi.put({ ...v, secondFactorRoles: v.secondFactorRoles ?? [] });
      setLoaded(p);
      form.setFieldsValue(p);
      setDirty(false);
      message.success('安全策略已保存，立即生效');
    } catch (e) {
      applyFormErrors(form, e, FIELDS, (t) => message.error(t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div data-testid="policy-page">
      <PageHeader
        title="安全策略"
        subtitle="按网络安全等级保护要求设置口令、登录失败处理、会话超时和双因素认证。修改会记入审计日志。"
      />
      {error && (
        <Alert
          type="error"
          showIcon
          title="安全策略加载失败"
          description={error}
          style={{ marginBottom: 16 }}
        />
      )}
      <Card variant="borderless">
        {!loaded && !error ? (
          <Skeleton active paragraph={{ rows: 8 }} />
        ) : (
          <Form<SecurityPolicy>
            form={form}
            layout="vertical"
            onFinish={(v) => void save(v)}
            onValuesChange={() => setDirty(true)}
            style={{ maxWidth: 960 }}
            data-testid="policy-form"
          >
            {GROUPS.map((g) => (
              <div key={g.title}>
                <Divider titlePlacement="start" style={{ marginTop: 0 }}>
                  {g.title}
                </Divider>
                <Row gutter={24}>
                  {g.fields.map((f) => {
                    const n = NUMBERS[f];
                    return (
                      <Col xs={24} md={12} lg={8} key={f}>
                        <Form.Item
                          name={f}
                          label={n.label}
                          extra={n.extra}
                          rules={[{ required: true, message: `请填写${n.label}` }]}
                        >
                          <InputNumber
                            precision={0}
                            suffix={n.unit}
                            style={{ width: '100%' }}
                            data-testid={`policy-${f}`}
                          />
                        </Form.Item>
                      </Col>
                    );
                  })}
                </Row>
              </div>
            ))}
            <Divider titlePlacement="start">双因素认证</Divider>
            <Form.Item
              name="secondFactorRoles"
              label="须绑定动态口令的角色"
              extra="拥有所选角色的账号登录时须输入动态口令；尚未绑定的，下次登录后须先完成绑定。"
            >
              <Select
                mode="multiple"
                allowClear
                loading={!roles.loaded}
                placeholder="不要求（可选择一个或多个角色）"
                options={roles.list.map((r) => ({ value: r.role, label: r.name }))}
                data-testid="policy-secondFactorRoles"
              />
            </Form.Item>
            <Space>
              <Button
                type="primary"
                htmlType="submit"
                icon={<SaveOutlined />}
                loading={saving}
                disabled={!dirty}
                data-testid="policy-save"
              >
                保存
              </Button>
              <Button icon={<ReloadOutlined />} onClick={() => void load()} disabled={saving}>
                放弃修改
              </Button>
            </Space>
          </Form>
        )}
      </Card>
    </div>
  );
}
