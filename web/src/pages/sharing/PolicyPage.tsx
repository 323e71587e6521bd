// 共享时限设置 (/sharing/policy, sharing.manage): the working-day limits of each sharing step,
// the longest grant period and the 临期 threshold. Changes apply to steps opened afterwards;
// steps already open keep the due date they were given.
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
  Skeleton,
  Space,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { applyFormErrors, errorMessage } from '../../api/client';
import { sharingApi } from '../../api/endpoints';
import type { SharingPolicy, SharingPolicyView } from '../../api/types';
import PageHeader from '../../components/PageHeader';
import { formatDateTime } from '../../utils/format';

type Field = keyof SharingPolicy;

const FIELDS: Record<
  Field,
  { label: string; unit: string; min: number; max: number; extra: string }
> = {
  precheckDays: {
    label: '平台预审',
    unit: '个工作日',
    min: 1,
    max: 30,
    extra: '平台管理方预审（无条件共享资源在预审时直接批准）',
  },
  providerDecisionDays: {
    label: '提供方审批',
    unit: '个工作日',
    min: 1,
    max: 30,
    extra: '有条件共享资源由提供方批准或说明理由不予共享',
  },
  deliveryDays: {
    label: '平台交付',
    unit: '个工作日',
    min: 1,
    max: 30,
    extra: '批准后由平台开通交换并交付',
  },
  disputeDays: {
    label: '争议协调',
    unit: '个工作日',
    min: 1,
    max: 60,
    extra: '共享主管部门协调争议',
  },
  errorReportDays: {
    label: '报告数据错误',
    unit: '个工作日',
    min: 1,
    max: 30,
    extra: '使用方发现共享数据有误后报告的期限',
  },
  errorAnswerDays: {
    label: '答复数据纠错',
    unit: '个工作日',
    min: 1,
    max: 30,
    extra: '提供方核实并答复的期限',
  },
  maxPeriodDays: {
    label: '授权最长期限',
    unit: '天',
    min: 1,
    max: 3660,
    extra: '申请的使用期限不得超过此天数',
  },
  dueSoonDays: {
    label: '临期提醒',
    unit: '个工作日',
    min: 0,
    max: 10,
    extra: '剩余工作日不超过此数时标为“临期”并提醒办理单位',
  },
};

const GROUPS: { title: string; fields: Field[] }[] = [
  {
    title: '办理时限（工作日）',
    fields: ['precheckDays', 'providerDecisionDays', 'deliveryDays', 'disputeDays'],
  },
  { title: '数据纠错', fields: ['errorReportDays', 'errorAnswerDays'] },
  { title: '其他', fields: ['maxPeriodDays', 'dueSoonDays'] },
];

const FIELD_NAMES = Object.keys(FIELDS) as Field[];

export default function SharingPolicyPage() {
  const { message } = App.useApp();
  const [form] = Form.useForm<SharingPolicy>();
  const [loaded, setLoaded] = useState<SharingPolicyView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [dirty, setDirty] = useState(false);

  const load = useCallback(async () => {
    try {
      const p = await sharingApi.policy();
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

  const save = async (v: SharingPolicy) => {
    setSaving(true);
    try {
      const input = Object.fromEntries(
        FIELD_NAMES.map((f) => [f, v[f]]),
      ) as unknown as SharingPolicy;
      const p = await sharingApi.setPolicy(input);
      setLoaded(p);
      form.setFieldsValue(p);
      setDirty(false);
      message.success('共享时限已保存，此后开始的办理环节按新时限计算');
    } catch (e) {
      applyFormErrors(form, e, FIELD_NAMES, (t) => message.error(t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div data-testid="sharing-policy-page">
      <PageHeader
        title="共享时限设置"
        subtitle="共享申请各环节的办理时限按工作日计算（节假日和调休以工作日历为准）。修改会记入审计日志。"
      />
      <Alert
        type="info"
        showIcon
        title="修改只对此后开始的办理环节生效；已经开始的环节仍按开始时的时限计算办理期限。"
        style={{ marginBottom: 16 }}
        data-testid="sharing-policy-note"
      />
      {error && (
        <Alert
          type="error"
          showIcon
          title="共享时限加载失败"
          description={error}
          style={{ marginBottom: 16 }}
        />
      )}
      <Card variant="borderless">
        {!loaded && !error ? (
          <Skeleton active paragraph={{ rows: 8 }} />
        ) : (
          <Form<SharingPolicy>
            form={form}
            layout="vertical"
            onFinish={(v) => void save(v)}
            onValuesChange={() => setDirty(true)}
            style={{ maxWidth: 960 }}
            data-testid="sharing-policy-form"
          >
            {GROUPS.map((g) => (
              <div key={g.title}>
                <Divider titlePlacement="start" style={{ marginTop: 0 }}>
                  {g.title}
                </Divider>
                <Row gutter={24}>
                  {g.fields.map((f) => {
                    const n = FIELDS[f];
                    return (
                      <Col xs={24} md={12} lg={6} key={f}>
                        <Form.Item
                          name={f}
                          label={n.label}
                          extra={n.extra}
                          rules={[
                            { required: true, message: `请填写${n.label}` },
                            {
                              type: 'number',
                              min: n.min,
                              max: n.max,
                              message: `应在 ${n.min}–${n.max} ${n.unit}之间`,
                            },
                          ]}
                        >
                          <InputNumber
                            precision={0}
                            suffix={n.unit}
                            style={{ width: '100%' }}
                            data-testid={`sharing-policy-${f}`}
                          />
                        </Form.Item>
                      </Col>
                    );
                  })}
                </Row>
              </div>
            ))}
            <Space align="center" wrap>
              <Button
                type="primary"
                htmlType="submit"
                icon={<SaveOutlined />}
                loading={saving}
                disabled={!dirty}
                data-testid="sharing-policy-save"
              >
                保存
              </Button>
              <Button icon={<ReloadOutlined />} onClick={() => void load()} disabled={saving}>
                放弃修改
              </Button>
              {loaded?.updatedAt && (
                <Typography.Text type="secondary" data-testid="sharing-policy-updated">
                  上次修改：{formatDateTime(loaded.updatedAt)}
                  {loaded.updatedBy ? `（${loaded.updatedBy}）` : ''}
                </Typography.Text>
              )}
            </Space>
          </Form>
        )}
      </Card>
    </div>
  );
}
