// 申请共享 (/sharing/new?resource=ID): the 共享申请书 for one published catalog entry. The
// applicant ticks only the data items needed (minimum necessary; sensitive ones marked), the
// provision modes among those the entry offers, and states purpose, legal basis, period and
// contact. The server's refusals (problem+json `detail`, field `errors`) show on the form.
import { ArrowLeftOutlined, SendOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Result,
  Row,
  Skeleton,
  Space,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, errorMessage, fieldNameOf } from '../../api/client';
import { catalogApi, sharingApi } from '../../api/endpoints';
import type { EntryDetail, ProvisionMode, SharingRequestInput } from '../../api/types';
import { useUser } from '../../auth/AuthContext';
import PageHeader from '../../components/PageHeader';
import { shanghaiDate } from '../../utils/format';
import { SharingTag, useVocabularies } from '../catalog/common';
import { modeLabel } from './common';

interface FormValues {
  fields: string[];
  modes: ProvisionMode[];
  purpose: string;
  legalBasis: string;
  period: [Dayjs, Dayjs] | null;
  contactName: string;
  contactPhone: string;
  onwardSharing: boolean;
}

type FormField = keyof FormValues;

const FORM_FIELDS: FormField[] = [
  'fields',
  'modes',
  'purpose',
  'legalBasis',
  'period',
  'contactName',
  'contactPhone',
  'onwardSharing',
];

/** The form field a server error path belongs to (periodStart / periodEnd → period). */
function formFieldOf(path: string): FormField | null {
  const top = fieldNameOf(path)[0];
  if (top === 'periodStart' || top === 'periodEnd') return 'period';
  return FORM_FIELDS.find((f) => f === top) ?? null;
}

const PHONE_RE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

export default function ApplyPage() {
  const [params] = useSearchParams();
  const resourceId = params.get('resource') ?? '';
  const user = useUser();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const vocab = useVocabularies();
  const [form] = Form.useForm<FormValues>();
  const [entry, setEntry] = useState<EntryDetail | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [maxPeriodDays, setMaxPeriodDays] = useState<number | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [serverError, setServerError] = useState<ApiError | null>(null);
  const chosen = Form.useWatch('fields', form) ?? [];

  useEffect(() => {
    if (!resourceId) return;
    let cancelled = false;
    setEntry(null);
    catalogApi.get(resourceId).then(
      (e) => {
        if (cancelled) return;
        setEntry(e);
        setLoadError(null);
      },
      (e: unknown) => !cancelled && setLoadError(e instanceof ApiError ? e : new ApiError(0, {})),
    );
    sharingApi.policy().then(
      (p) => !cancelled && setMaxPeriodDays(p.maxPeriodDays),
      () => undefined, // the server checks the period anyway
    );
    return () => {
      cancelled = true;
    };
  }, [resourceId]);

  const content = entry?.live?.content ?? null;
  const items = useMemo(() => content?.dataItems ?? [], [content]);
  const offered = useMemo(() => (content?.provisionModes ?? []) as ProvisionMode[], [content]);

  // Only one way offered: tick it.
  useEffect(() => {
    if (offered.length === 1 && !form.getFieldValue('modes')) form.setFieldValue('modes', offered);
  }, [offered, form]);

  const today = dayjs(shanghaiDate());
  const presets: { label: string; value: [Dayjs, Dayjs] }[] = (
    [
      ['三个月', today.add(3, 'month')],
      ['半年', today.add(6, 'month')],
      ['一年', today.add(1, 'year')],
    ] as const
  )
    .map(([label, next]) => ({ label, value: [today, next.subtract(1, 'day')] as [Dayjs, Dayjs] }))
    .filter(
      (p) => maxPeriodDays === null || p.value[1].diff(p.value[0], 'day') + 1 <= maxPeriodDays,
    );

  const submit = async (v: FormValues) => {
    if (!entry || !v.period) return;
    setSubmitting(true);
    setServerError(null);
    const input: SharingRequestInput = {
      resourceId: entry.id,
      // In the order of the entry's items, whatever order they were ticked in.
      fields: items.map((i) => i.identifier).filter((id) => v.fields.includes(id)),
      modes: v.modes,
      purpose: v.purpose.trim(),
      legalBasis: v.legalBasis.trim(),
      periodStart: v.period[0].format('YYYY-MM-DD'),
      periodEnd: v.period[1].format('YYYY-MM-DD'),
      contactName: v.contactName.trim(),
      contactPhone: v.contactPhone.trim(),
      onwardSharing: v.onwardSharing === true,
    };
    try {
      const created = await sharingApi.file(input);
      message.success(`共享申请已提交（${created.number}），等待平台预审`);
      void navigate(`/sharing/requests/${created.id}`);
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, { detail: errorMessage(e) });
      setServerError(err);
      const byField = new Map<FormField, string[]>();
      for (const fe of err.errors) {
        const f = formFieldOf(fe.path);
        if (f) byField.set(f, [...(byField.get(f) ?? []), fe.message]);
      }
      if (byField.size > 0)
        form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
      window.scrollTo({ top: 0, behavior: 'smooth' });
    } finally {
      setSubmitting(false);
    }
  };

  const back = (
    <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate(-1)}>
      返回
    </Button>
  );

  if (!resourceId) {
    return (
      <Result
        status="info"
        title="请先选择要申请的数据资源"
        subTitle="在目录检索中找到资源，打开目录条目后点击“申请共享”。"
        extra={
          <Button type="primary" onClick={() => void navigate('/catalog')}>
            去目录检索
          </Button>
        }
        data-testid="apply-no-resource"
      />
    );
  }
  if (loadError) {
    return (
      <Result
        status={loadError.status === 404 ? '404' : 'error'}
        title={loadError.status === 404 ? '目录中没有该资源' : '目录条目加载失败'}
        subTitle={loadError.userMessage}
        extra={back}
        data-testid="apply-error"
      />
    );
  }
  if (!entry) return <Skeleton active paragraph={{ rows: 12 }} />;

  const blocked: string | null = !content
    ? '该资源尚未发布，不能申请共享。'
    : entry.status === 'retired'
      ? '该资源已停用，不能申请共享。'
      : content.sharingType === 'none'
        ? `该资源为不予共享资源，不能申请。依据：${content.legalBasis || '见目录条目'}`
        : content.sharingType === null
          ? '该资源未设置共享类型，不能申请。'
          : entry.providerUnitId === user.unitId
            ? '本单位的资源无需申请共享。'
            : null;

  if (blocked || !content) {
    return (
      <Result
        status="warning"
        title="不能申请共享"
        subTitle={blocked}
        extra={
          <Button type="primary" onClick={() => void navigate(`/catalog/entries/${entry.id}`)}>
            返回目录条目
          </Button>
        }
        data-testid="apply-blocked"
      />
    );
  }

  const sensitiveChosen = items.filter((i) => i.sensitive && chosen.includes(i.identifier));

  return (
    <div data-testid="apply-page">
      <PageHeader
        title="申请共享"
        subtitle="填写共享申请书：按最小必要原则只选择业务确需的信息项，写明用途和依据。提交后由平台预审。"
        extra={back}
      />
      {serverError && (
        <Alert
          type="error"
          showIcon
          closable={{ onClose: () => setServerError(null) }}
          title="申请未能提交"
          description={
            <div data-testid="apply-server-error">
              <div>{serverError.userMessage}</div>
              {serverError.errors.length > 0 && (
                <ul style={{ margin: '4px 0 0', paddingLeft: 20 }}>
                  {serverError.errors.map((fe, i) => (
                    <li key={i}>{fe.message}</li>
                  ))}
                </ul>
              )}
            </div>
          }
          style={{ marginBottom: 16 }}
        />
      )}
      <Card variant="borderless" size="small" title="申请的资源" style={{ marginBottom: 16 }}>
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2 }}
          data-testid="apply-resource"
          items={[
            {
              key: 'name',
              label: '信息资源名称',
              children: <Link to={`/catalog/entries/${entry.id}`}>{content.name}</Link>,
            },
            {
              key: 'code',
              label: '资源代码',
              children: <span className="mono">{entry.code}</span>,
            },
            { key: 'provider', label: '提供方', children: entry.providerName },
            {
              key: 'type',
              label: '共享类型',
              children: <SharingTag value={content.sharingType} vocab={vocab} />,
            },
            ...(content.sharingType === 'conditional'
              ? [
                  {
                    key: 'condition',
                    label: '共享条件',
                    span: 2,
                    children: content.sharingCondition || '—',
                  },
                ]
              : []),
          ]}
        />
        <Alert
          type="info"
          showIcon
          style={{ marginTop: 12 }}
          title={
            content.sharingType === 'unconditional'
              ? '无条件共享：平台预审通过即批准，随后交付。'
              : '有条件共享：平台预审通过后，由提供方审批（可缩减信息项和期限），批准后由平台交付。'
          }
        />
      </Card>
      <Form<FormValues>
        form={form}
        layout="vertical"
        requiredMark
        initialValues={{
          fields: [],
          contactName: user.displayName,
          onwardSharing: false,
          period: null,
        }}
        onFinish={(v) => void submit(v)}
        onValuesChange={() => setServerError(null)}
        data-testid="apply-form"
        scrollToFirstError
      >
        <Card
          variant="borderless"
          size="small"
          title={
            <span>
              申请的信息项
              <Typography.Text type="secondary" style={{ marginLeft: 8, fontWeight: 400 }}>
                已选 <span data-testid="apply-field-count">{chosen.length}</span> / {items.length}{' '}
                项
              </Typography.Text>
            </span>
          }
          style={{ marginBottom: 16 }}
        >
          <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
            按最小必要原则，只勾选业务办理确需的信息项。标有“敏感”的信息项涉及个人信息，须在用途中说明必要性。
          </Typography.Paragraph>
          <Form.Item
            name="fields"
            rules={[{ required: true, type: 'array', min: 1, message: '请至少选择一个信息项' }]}
          >
            <Checkbox.Group style={{ width: '100%' }} data-testid="apply-fields">
              <Row gutter={[16, 8]} style={{ width: '100%' }}>
                {items.map((i) => (
                  <Col xs={24} md={12} xl={8} key={i.identifier}>
                    <Checkbox value={i.identifier} data-testid={`apply-field-${i.identifier}`}>
                      <Space size={6}>
                        <span>{i.name}</span>
                        <span className="mono" style={{ color: '#64748b', fontSize: 12 }}>
                          {i.identifier}
                        </span>
                        {i.sensitive && (
                          <Tag color="red" data-testid="apply-field-sensitive">
                            敏感
                          </Tag>
                        )}
                      </Space>
                    </Checkbox>
                  </Col>
                ))}
              </Row>
            </Checkbox.Group>
          </Form.Item>
          {sensitiveChosen.length > 0 && (
            <Alert
              type="warning"
              showIcon
              data-testid="apply-sensitive-warning"
              title={`已选择敏感信息项：${sensitiveChosen.map((i) => i.name).join('、')}。请确认确有必要，并在用途中说明。`}
            />
          )}
        </Card>
        <Card variant="borderless" size="small" title="申请内容" style={{ marginBottom: 16 }}>
          <Row gutter={24}>
            <Col xs={24} lg={12}>
              <Form.Item
                name="modes"
                label="使用方式"
                extra="只能从该资源提供的方式中选择"
                rules={[
                  { required: true, type: 'array', min: 1, message: '请至少选择一种使用方式' },
                ]}
              >
                <Checkbox.Group
                  options={offered.map((m) => ({ value: m, label: modeLabel(m) }))}
                  data-testid="apply-modes"
                />
              </Form.Item>
            </Col>
            <Col xs={24} lg={12}>
              <Form.Item
                name="period"
                label="使用期限"
                extra={
                  maxPeriodDays !== null
                    ? `开始日期不早于今天，期限最长 ${maxPeriodDays} 天`
                    : '开始日期不早于今天'
                }
                rules={[
                  { required: true, message: '请选择使用期限' },
                  {
                    validator: async (_, value: [Dayjs, Dayjs] | null) => {
                      if (!value || maxPeriodDays === null) return;
                      const days = value[1].diff(value[0], 'day') + 1;
                      if (days > maxPeriodDays)
                        throw new Error(`使用期限 ${days} 天，超过允许的最长 ${maxPeriodDays} 天`);
                    },
                  },
                ]}
              >
                <DatePicker.RangePicker
                  style={{ width: '100%' }}
                  presets={presets}
                  disabledDate={(d) => d.isBefore(today, 'day')}
                  placeholder={['开始日期', '结束日期']}
                  data-testid="apply-period"
                />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item
            name="purpose"
            label="用途"
            rules={[
              { required: true, whitespace: true, message: '请写明用途' },
              { min: 5, message: '请写明用途（至少 5 个字）' },
            ]}
          >
            <Input.TextArea
              rows={3}
              maxLength={1000}
              showCount
              placeholder="具体业务事项和使用场景，如：认定就业困难人员时核验优抚对象身份与类别"
              data-testid="apply-purpose"
            />
          </Form.Item>
          <Form.Item
            name="legalBasis"
            label="申请依据"
            rules={[
              { required: true, whitespace: true, message: '请写明依据（法律法规或业务需要）' },
              { min: 2, message: '请写明依据（法律法规或业务需要）' },
            ]}
          >
            <Input.TextArea
              rows={2}
              maxLength={2000}
              showCount
              placeholder="法律法规、政策文件条款或部门职责依据"
              data-testid="apply-legal-basis"
            />
          </Form.Item>
          <Row gutter={24}>
            <Col xs={24} md={12}>
              <Form.Item
                name="contactName"
                label="联系人"
                rules={[
                  { required: true, whitespace: true, message: '请填写联系人' },
                  { min: 2, message: '请填写联系人' },
                ]}
              >
                <Input maxLength={50} data-testid="apply-contact-name" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="contactPhone"
                label="联系电话"
                rules={[
                  { required: true, whitespace: true, message: '请填写联系电话' },
                  {
                    pattern: PHONE_RE,
                    message: '联系电话应为手机号或带区号的固定电话',
                  },
                ]}
              >
                <Input
                  maxLength={20}
                  placeholder="手机号或 0311-87011234"
                  data-testid="apply-contact-phone"
                />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item
            name="onwardSharing"
            valuePropName="checked"
            extra="勾选后，提供方审批时可同意本单位将获得的数据再共享给其他部门或向社会开放；未经同意不得再共享或开放。"
            style={{ marginBottom: 0 }}
          >
            <Checkbox data-testid="apply-onward">申请同意再共享或开放</Checkbox>
          </Form.Item>
        </Card>
        <Space>
          <Button
            type="primary"
            htmlType="submit"
            icon={<SendOutlined />}
            loading={submitting}
            data-testid="apply-submit"
          >
            提交申请
          </Button>
          {back}
        </Space>
      </Form>
    </div>
  );
}
