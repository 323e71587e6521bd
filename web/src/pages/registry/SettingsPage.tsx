// 优抚设置 (/registry/settings, province): the recipient categories and the benefit details
// each needs; the province's certificate number rule per category (REG-07; a rule set that
// could give two categories the same number is refused by the server with the reason); and
// the yearly reporting deadline lower levels see (REG-09).
import { EditOutlined, PlusOutlined, SaveOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { errorMessage } from '../../api/client';
import PageHeader from '../../components/PageHeader';
import { formatDateTime, shanghaiDate } from '../../utils/format';
import {
  benefitKeys,
  benefitLabels,
  registryApi,
  type BenefitKey,
  type Category,
  type CertificateRuleView,
} from './api';
import { DeadlineNotice, useRegistryOverview } from './common';

const benefitOptions = benefitKeys.map((k) => ({ value: k, label: benefitLabels[k] }));

function CategoryModal({
  category,
  isNew,
  onCancel,
  onDone,
}: {
  category: Category | null;
  isNew: boolean;
  onCancel: () => void;
  onDone: () => void;
}) {
  const [form] = Form.useForm<Category>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (category) form.setFieldsValue(category);
  }, [category, form]);
  return (
    <Modal
      open={category !== null}
      title={isNew ? '新增优抚类别' : `修改优抚类别：${category?.name ?? ''}`}
      okText="保存"
      cancelText="取消"
      width={640}
      okButtonProps={{ loading: busy, 'data-testid': 'registry-category-ok' }}
      onCancel={onCancel}
      destroyOnHidden
      afterClose={() => {
        form.resetFields();
        setError(null);
      }}
      onOk={() =>
        void form.validateFields().then(
          async (v) => {
            setBusy(true);
            setError(null);
            try {
              const { code, ...rest } = v;
              await registryApi.saveCategory(code, rest);
              onDone();
            } catch (e) {
              setError(errorMessage(e));
            } finally {
              setBusy(false);
            }
          },
          () => undefined,
        )
      }
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form<Category> form={form} layout="vertical" preserve={false}>
        <Space align="start">
          <Form.Item
            name="code"
            label="类别代码"
            rules={[{ required: true, pattern: /^\d{2}$/, message: '类别代码应为 2 位数字' }]}
          >
            <Input maxLength={2} disabled={!isNew} style={{ width: 100 }} className="mono" />
          </Form.Item>
          <Form.Item
            name="name"
            label="类别名称"
            rules={[{ required: true, whitespace: true, min: 2, message: '请填写类别名称' }]}
          >
            <Input maxLength={30} style={{ width: 260 }} />
          </Form.Item>
          <Form.Item name="sort" label="排序">
            <InputNumber min={0} max={999} />
          </Form.Item>
        </Space>
        <Form.Item name="certificateName" label="证件名称">
          <Input maxLength={30} placeholder="如 中华人民共和国残疾军人证" />
        </Form.Item>
        <Form.Item name="requiredBenefit" label="须填写的抚恤优待信息">
          <Select mode="multiple" options={benefitOptions} />
        </Form.Item>
        <Form.Item name="forbiddenBenefit" label="不应填写的抚恤优待信息">
          <Select mode="multiple" options={benefitOptions} />
        </Form.Item>
        <Form.Item name="active" label="启用" valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function CategoriesTab({ categories, reload }: { categories: Category[]; reload: () => void }) {
  const { message } = App.useApp();
  const [editing, setEditing] = useState<Category | null>(null);
  const [isNew, setIsNew] = useState(false);
  const columns: TableColumnsType<Category> = [
    {
      title: '代码',
      dataIndex: 'code',
      width: 70,
      render: (v: string) => <span className="mono">{v}</span>,
    },
    { title: '类别名称', dataIndex: 'name', width: 200 },
    {
      title: '证件名称',
      dataIndex: 'certificateName',
      width: 220,
      render: (v: string) => v || '—',
    },
    {
      title: '须填写',
      dataIndex: 'requiredBenefit',
      render: (v: BenefitKey[]) => v.map((k) => <Tag key={k}>{benefitLabels[k]}</Tag>),
    },
    {
      title: '不应填写',
      dataIndex: 'forbiddenBenefit',
      render: (v: BenefitKey[]) =>
        v.map((k) => (
          <Tag key={k} color="default">
            {benefitLabels[k]}
          </Tag>
        )),
    },
    {
      title: '状态',
      dataIndex: 'active',
      width: 80,
      render: (v: boolean) => (v ? <Tag color="green">启用</Tag> : <Tag>停用</Tag>),
    },
    {
      title: '',
      key: 'edit',
      width: 80,
      render: (_: unknown, c) => (
        <Button
          size="small"
          icon={<EditOutlined />}
          onClick={() => {
            setIsNew(false);
            setEditing(c);
          }}
        >
          修改
        </Button>
      ),
    },
  ];
  return (
    <>
      <div style={{ marginBottom: 12 }}>
        <Button
          icon={<PlusOutlined />}
          onClick={() => {
            setIsNew(true);
            setEditing({
              code: '',
              name: '',
              certificateName: '',
              requiredBenefit: [],
              forbiddenBenefit: [],
              active: true,
              sort: (categories.at(-1)?.sort ?? 0) + 10,
            });
          }}
        >
          新增类别
        </Button>
      </div>
      <Table<Category>
        rowKey="code"
        size="small"
        columns={columns}
        dataSource={categories}
        pagination={false}
        data-testid="registry-categories-table"
      />
      <CategoryModal
        category={editing}
        isNew={isNew}
        onCancel={() => setEditing(null)}
        onDone={() => {
          setEditing(null);
          message.success('已保存');
          reload();
        }}
      />
    </>
  );
}

function RulesTab({ categories }: { categories: Category[] }) {
  const { message } = App.useApp();
  const [view, setView] = useState<CertificateRuleView | null>(null);
  const [prefix, setPrefix] = useState('');
  const [templates, setTemplates] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const apply = (v: CertificateRuleView) => {
    setView(v);
    setPrefix(v.prefix);
    setTemplates(Object.fromEntries(v.rules.map((r) => [r.category, r.template])));
  };
  useEffect(() => {
    registryApi.certificateRules().then(apply, (e: unknown) => setError(errorMessage(e)));
  }, []);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const rules = Object.entries(templates)
        .filter(([, t]) => t.trim() !== '')
        .map(([category, template]) => ({ category, template: template.trim() }));
      apply(await registryApi.saveCertificateRules({ rules, prefix: prefix.trim() }));
      message.success('证书编号规则已保存');
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const example = (code: string) => view?.examples.find((x) => x.category === code)?.example;
  const columns: TableColumnsType<Category> = [
    { title: '类别', key: 'cat', width: 220, render: (_: unknown, c) => `${c.code} ${c.name}` },
    {
      title: '编号规则',
      key: 'template',
      render: (_: unknown, c) => (
        <Input
          className="mono"
          value={templates[c.code] ?? ''}
          placeholder="如 {prefix}{division6}{year}{category}{seq5}"
          onChange={(e) => setTemplates((t) => ({ ...t, [c.code]: e.target.value }))}
          data-testid={`registry-rule-${c.code}`}
        />
      ),
    },
    {
      title: '示例',
      key: 'example',
      width: 260,
      render: (_: unknown, c) => <span className="mono">{example(c.code) ?? '—'}</span>,
    },
  ];
  return (
    <>
      <Typography.Paragraph type="secondary">
        省级统一各类优抚对象证书编号规则，审批通过时由系统按规则自动生成编号。可用占位符：
        <span className="mono">
          {'{prefix}'} 本省前缀、{'{category}'} 类别代码、{'{division6}'} 县级区划代码、
          {'{division4}'} 市级、{'{division2}'} 省级、{'{year}'} 年度、{'{year2}'} 年度后两位、
          {'{seq5}'} 顺序号（3–10 位）
        </span>
        。两个类别可能生成相同编号的规则会被拒绝。
      </Typography.Paragraph>
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 12 }}
          data-testid="registry-rules-error"
        />
      )}
      <Space style={{ marginBottom: 12 }}>
        <span>本省前缀</span>
        <Input
          value={prefix}
          maxLength={10}
          style={{ width: 120 }}
          onChange={(e) => setPrefix(e.target.value)}
          data-testid="registry-rule-prefix"
        />
        <Button
          type="primary"
          icon={<SaveOutlined />}
          loading={busy}
          onClick={() => void save()}
          data-testid="registry-rules-save"
        >
          保存规则
        </Button>
        {view?.updatedAt && (
          <Typography.Text type="secondary">
            {view.updatedByName} 于 {formatDateTime(view.updatedAt)} 修改
          </Typography.Text>
        )}
      </Space>
      <Table<Category>
        rowKey="code"
        size="small"
        columns={columns}
        dataSource={categories}
        pagination={false}
        data-testid="registry-rules-table"
      />
    </>
  );
}

function DeadlineTab() {
  const { message } = App.useApp();
  const { overview, reload } = useRegistryOverview();
  const [form] = Form.useForm<{ year: number; deadline: Dayjs; completionWorkingDays: number }>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const d = overview?.deadline;
    form.setFieldsValue(
      d
        ? {
            year: d.year,
            deadline: dayjs(d.deadline),
            completionWorkingDays: d.completionWorkingDays,
          }
        : { year: Number(shanghaiDate().slice(0, 4)), completionWorkingDays: 10 },
    );
  }, [overview, form]);
  return (
    <>
      <div style={{ marginBottom: 16 }}>
        <DeadlineNotice overview={overview} />
      </div>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="inline"
        onFinish={(v) => {
          setBusy(true);
          setError(null);
          registryApi
            .setDeadline({
              year: v.year,
              deadline: v.deadline.format('YYYY-MM-DD'),
              completionWorkingDays: v.completionWorkingDays,
            })
            .then(
              async () => {
                message.success('申报截止日期已设置，下级单位可在工作台查看');
                await reload();
              },
              (e: unknown) => setError(errorMessage(e)),
            )
            .finally(() => setBusy(false));
        }}
      >
        <Form.Item name="year" label="年度" rules={[{ required: true }]}>
          <InputNumber min={2000} max={2100} data-testid="registry-deadline-year" />
        </Form.Item>
        <Form.Item
          name="deadline"
          label="截止日期"
          rules={[{ required: true, message: '请选择截止日期' }]}
        >
          <DatePicker data-testid="registry-deadline-input" />
        </Form.Item>
        <Form.Item
          name="completionWorkingDays"
          label="限期补报（工作日）"
          rules={[{ required: true }]}
        >
          <InputNumber min={1} max={60} />
        </Form.Item>
        <Form.Item>
          <Button
            type="primary"
            htmlType="submit"
            loading={busy}
            data-testid="registry-deadline-save"
          >
            保存
          </Button>
        </Form.Item>
      </Form>
    </>
  );
}

export default function SettingsPage() {
  const [params, setParams] = useSearchParams();
  const [categories, setCategories] = useState<Category[]>([]);
  const reload = useCallback(() => {
    registryApi.categories().then(setCategories, () => undefined);
  }, []);
  useEffect(reload, [reload]);
  const tab = params.get('tab') ?? 'categories';
  return (
    <div data-testid="registry-settings-page">
      <PageHeader
        title="优抚设置"
        subtitle="优抚类别、证书编号规则和年度数据申报截止日期（省级）。"
      />
      <Card variant="borderless">
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams({ tab: k }, { replace: true })}
          items={[
            {
              key: 'categories',
              label: '优抚类别',
              children: <CategoriesTab categories={categories} reload={reload} />,
            },
            {
              key: 'rules',
              label: <span data-testid="registry-tab-rules">证书编号规则</span>,
              children: <RulesTab categories={categories} />,
            },
            {
              key: 'deadline',
              label: <span data-testid="registry-tab-deadline">申报截止日期</span>,
              children: <DeadlineTab />,
            },
          ]}
        />
      </Card>
    </div>
  );
}
