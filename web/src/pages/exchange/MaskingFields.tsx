// The provider's masking decision (脱敏) and daily quota in the approval dialog of a sharing
// request, and how a grant shows them. Sensitive items are masked by default by their kind
// (ID numbers 6 + 4, names the surname …); the provider may choose another rule, show an
// item in clear, or mask a non-sensitive one.
import { Col, Form, InputNumber, Row, Select, Typography } from 'antd';
import type { MaskRule, SharingActionInput, SharingGrant } from '../../api/types';
import { maskRuleLabels } from './api';

export interface MaskingValues {
  masking?: Record<string, MaskRule | 'none' | 'default'>;
  dailyQuota?: number | null;
}

/** The form items: one rule per asked field, and the daily quota. */
export function MaskingFormItems({
  fields,
  granted,
}: {
  fields: { identifier: string; name: string; sensitive: boolean }[];
  /** The fields currently ticked for approval (the others are not shown). */
  granted: string[];
}) {
  const shown = fields.filter((f) => granted.includes(f.identifier));
  return (
    <>
      <Typography.Text strong>脱敏规则</Typography.Text>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        查询引用和批量复制按此返回；比对验证只答一致与否，不受影响。敏感信息项默认按类型脱敏。
      </Typography.Paragraph>
      <Row gutter={[12, 0]} data-testid="approve-masking">
        {shown.map((f) => (
          <Col span={12} key={f.identifier}>
            <Form.Item
              name={['masking', f.identifier]}
              label={f.name}
              initialValue="default"
              style={{ marginBottom: 8 }}
            >
              <Select
                size="small"
                data-testid={`approve-mask-${f.identifier}`}
                options={[
                  {
                    value: 'default',
                    label: f.sensitive ? '默认（敏感项按类型脱敏）' : '默认（不脱敏）',
                  },
                  { value: 'none', label: '不脱敏（明文）' },
                  ...(Object.keys(maskRuleLabels) as MaskRule[]).map((r) => ({
                    value: r,
                    label: maskRuleLabels[r],
                  })),
                ]}
              />
            </Form.Item>
          </Col>
        ))}
      </Row>
      <Form.Item name="dailyQuota" label="每日调用限额（次）" extra="不填则使用平台默认限额">
        <InputNumber
          min={1}
          max={1_000_000_000}
          style={{ width: 200 }}
          data-testid="approve-daily-quota"
        />
      </Form.Item>
    </>
  );
}

/** What the dialog's values add to the approval: explicit choices only. */
export function maskingDecision(
  values: MaskingValues,
  granted: string[],
): Pick<SharingActionInput, 'masking' | 'dailyQuota'> {
  const masking: Record<string, MaskRule | 'none'> = {};
  for (const [field, rule] of Object.entries(values.masking ?? {})) {
    if (rule !== 'default' && granted.includes(field)) masking[field] = rule;
  }
  return {
    ...(Object.keys(masking).length > 0 ? { masking } : {}),
    ...(values.dailyQuota ? { dailyQuota: values.dailyQuota } : {}),
  };
}

/** A grant's masking in force, e.g. “公民身份号码：保留前 6 位和后 4 位”. */
export function grantMaskingText(grant: SharingGrant): string {
  const names = new Map(grant.fields.map((f) => [f.identifier, f.name]));
  const parts = Object.entries(grant.masking ?? {}).map(
    ([field, rule]) => `${names.get(field) ?? field}：${maskRuleLabels[rule]}`,
  );
  return parts.length > 0 ? parts.join('；') : '不脱敏';
}
