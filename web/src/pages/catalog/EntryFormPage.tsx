// 编制目录: the form of every catalog element (new entry, or the draft / returned version of an
// existing one), with a live 合规检查 panel (the server's compliance check, debounced) and
// 保存 / 保存并提交.
import { DeleteOutlined, PlusOutlined, SaveOutlined, SendOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Cascader,
  Checkbox,
  Col,
  Form,
  Input,
  InputNumber,
  Radio,
  Result,
  Row,
  Select,
  Skeleton,
  Space,
  Spin,
  Table,
  Tooltip,
  Typography,
  type FormInstance,
} from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError, errorMessage } from '../../api/client';
import { catalogApi } from '../../api/endpoints';
import type {
  ClassificationTree,
  ComplianceFinding,
  DataItem,
  DataType,
  EntryContent,
  EntryDetail,
  OpenType,
  ResourceKind,
  RuleKind,
  SharingType,
} from '../../api/types';
import PageHeader from '../../components/PageHeader';
import { classificationPath, useVocabularies, type Vocab } from './common';
import FindingsList from './FindingsList';

interface ItemValues {
  name?: string;
  identifier?: string;
  type?: DataType;
  length?: number | null;
  scale?: number | null;
  isKey?: boolean;
  required?: boolean;
  sensitive?: boolean;
  ruleKind?: RuleKind | null;
  ruleValues?: string[];
  rulePattern?: string;
  description?: string;
}

interface FormValues {
  name?: string;
  summary?: string;
  kind?: ResourceKind;
  classification?: string[];
  formatType?: string | null;
  formatDetail?: string;
  dataItems?: ItemValues[];
  sharingType?: SharingType | null;
  sharingCondition?: string;
  legalBasis?: string;
  sharingMethods?: string[];
  sharingScope?: string | null;
  sharingScopeNote?: string;
  openType?: OpenType | null;
  openCondition?: string;
  updateFrequency?: string | null;
  timeliness?: string;
  provisionModes?: string[];
  relatedCodes?: string[];
  derivedFrom?: string[];
  contactPerson?: string;
  contactPhone?: string;
  sourceSystem?: string;
  dataGrade?: string | null;
}

const s = (v: string | undefined | null) => (v ?? '').trim();

function toItem(v: ItemValues): DataItem {
  const kind = v.ruleKind ?? null;
  return {
    name: s(v.name),
    identifier: s(v.identifier),
    type: v.type ?? 'C',
    length: v.length ?? null,
    scale: v.scale ?? null,
    isKey: !!v.isKey,
    required: !!v.required,
    sensitive: !!v.sensitive,
    rule: kind
      ? {
          kind,
          ...(kind === 'enum' ? { values: (v.ruleValues ?? []).map((x) => x.trim()) } : {}),
          ...(kind === 'pattern' ? { pattern: s(v.rulePattern) } : {}),
        }
      : null,
    description: s(v.description),
  };
}

/** The entry content of the form's values (the API's shape). */
function toContent(v: FormValues): EntryContent {
  const path = v.classification ?? [];
  const code = path.at(-1) ?? '';
  return {
    name: s(v.name),
    summary: s(v.summary),
    kind: v.kind ?? 'table',
    classification:
      path.length > 1 && /^\d{6,9}$/.test(code)
        ? { tree: path[0] as ClassificationTree, code }
        : null,
    formatType: v.formatType ?? null,
    formatDetail: s(v.formatDetail),
    dataItems: (v.dataItems ?? []).map(toItem),
    sharingType: v.sharingType ?? null,
    sharingCondition: s(v.sharingCondition),
    legalBasis: s(v.legalBasis),
    sharingMethods: v.sharingMethods ?? [],
    sharingScope: v.sharingScope ?? null,
    sharingScopeNote: s(v.sharingScopeNote),
    openType: v.openType ?? null,
    openCondition: s(v.openCondition),
    updateFrequency: v.updateFrequency ?? null,
    timeliness: s(v.timeliness),
    provisionModes: v.provisionModes ?? [],
    relatedCodes: (v.relatedCodes ?? []).map((c) => c.trim()).filter(Boolean),
    derivedFrom: (v.derivedFrom ?? []).map((c) => c.trim()).filter(Boolean),
    contactPerson: s(v.contactPerson),
    contactPhone: s(v.contactPhone),
    sourceSystem: s(v.sourceSystem),
    dataGrade: v.dataGrade ?? null,
  };
}

function fromContent(c: EntryContent, vocab: Vocab): FormValues {
  return {
    ...c,
    classification: c.classification
      ? (classificationPath(vocab.data?.classifications, c.classification.code)?.values ?? [])
      : [],
    dataItems: c.dataItems.map((i) => ({
      ...i,
      ruleKind: i.rule?.kind ?? null,
      ruleValues: i.rule?.values ?? [],
      rulePattern: i.rule?.pattern ?? '',
    })),
  };
}

const emptyValues: FormValues = {
  kind: 'table',
  classification: [],
  dataItems: [],
  sharingMethods: [],
  provisionModes: [],
  relatedCodes: [],
  derivedFrom: [],
};

/**
 * The form field a finding or a request error refers to: `dataItems[2].rule.values` and
 * `content.dataItems.2.rule.values` both name ['dataItems', 2, 'ruleValues'].
 */
function fieldOf(path: string): (string | number)[] | null {
  const parts = path
    .replace(/^content\./, '')
    .split(/[.[\]]/)
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const [top] = parts;
  if (top === 'dataItems' && typeof parts[1] === 'number') {
    const rest = parts.slice(2).join('.');
    const leaf =
      rest === 'rule.values'
        ? 'ruleValues'
        : rest === 'rule.pattern'
          ? 'rulePattern'
          : rest.startsWith('rule')
            ? 'ruleKind'
            : (parts[2] ?? 'name');
    return ['dataItems', parts[1], leaf];
  }
  if (top === 'providerName' || top === 'providerCreditCode' || top === undefined) return null;
  return [top];
}

/** Request validation errors (400 with `errors`) shown as findings in the panel. */
function findingsOfError(e: unknown): ComplianceFinding[] | null {
  if (!(e instanceof ApiError) || e.status !== 400 || e.errors.length === 0) return null;
  return e.errors.map((fe) => ({
    code: 'request.invalid',
    severity: 'error' as const,
    field: fe.path.replace(/^content\./, '').replace(/\.(\d+)/g, '[$1]'),
    message: fe.path ? `${fe.message}（${fe.path.replace(/^content\./, '')}）` : fe.message,
  }));
}

function DataItemsEditor({ form, vocab }: { form: FormInstance<FormValues>; vocab: Vocab }) {
  const typeOptions = vocab.options('dataTypes');
  const ruleOptions = vocab.options('ruleKinds');
  return (
    <Form.List name="dataItems">
      {(fields, { add, remove }) => (
        <>
          <Table
            className="items-table"
            rowKey="key"
            size="small"
            pagination={false}
            dataSource={fields}
            scroll={{ x: 840 }}
            locale={{ emptyText: '尚未添加信息项' }}
            data-testid="items-editor"
            columns={[
              {
                title: '#',
                key: 'index',
                width: 32,
                render: (_: unknown, f) => f.name + 1,
              },
              {
                title: '名称',
                key: 'name',
                width: 110,
                render: (_: unknown, f) => (
                  <Form.Item
                    name={[f.name, 'name']}
                    rules={[{ required: true, whitespace: true, message: '请填写名称' }]}
                  >
                    <Input placeholder="如：姓名" data-testid={`item-${f.name}-name`} />
                  </Form.Item>
                ),
              },
              {
                title: '英文标识',
                key: 'identifier',
                width: 110,
                render: (_: unknown, f) => (
                  <Form.Item
                    name={[f.name, 'identifier']}
                    rules={[
                      { required: true, whitespace: true, message: '请填写英文标识' },
                      {
                        pattern: /^[a-z][a-z0-9_]{0,62}$/,
                        message: '小写字母开头，只含小写字母、数字和下划线',
                      },
                    ]}
                  >
                    <Input
                      placeholder="如：name"
                      className="mono"
                      data-testid={`item-${f.name}-identifier`}
                    />
                  </Form.Item>
                ),
              },
              {
                title: '类型',
                key: 'type',
                width: 110,
                render: (_: unknown, f) => (
                  <Form.Item name={[f.name, 'type']}>
                    <Select
                      options={typeOptions}
                      popupMatchSelectWidth={false}
                      optionRender={(o) =>
                        `${vocab.label('dataTypes', String(o.value))}（${String(o.value)}）`
                      }
                      data-testid={`item-${f.name}-type`}
                    />
                  </Form.Item>
                ),
              },
              {
                title: '长度',
                key: 'length',
                width: 68,
                render: (_: unknown, f) => (
                  <Form.Item name={[f.name, 'length']}>
                    <InputNumber
                      min={1}
                      max={100000}
                      precision={0}
                      style={{ width: '100%' }}
                      data-testid={`item-${f.name}-length`}
                    />
                  </Form.Item>
                ),
              },
              {
                title: '小数位',
                key: 'scale',
                width: 62,
                render: (_: unknown, f) => (
                  <Form.Item name={[f.name, 'scale']}>
                    <InputNumber
                      min={0}
                      max={10}
                      precision={0}
                      style={{ width: '100%' }}
                      data-testid={`item-${f.name}-scale`}
                    />
                  </Form.Item>
                ),
              },
              ...(
                [
                  ['isKey', '主键', 'key'],
                  ['required', '必填', 'required'],
                  ['sensitive', '敏感', 'sensitive'],
                ] as const
              ).map(([field, title, test]) => ({
                title,
                key: field,
                width: 44,
                align: 'center' as const,
                render: (_: unknown, f: { name: number }) => (
                  <Form.Item name={[f.name, field]} valuePropName="checked">
                    <Checkbox data-testid={`item-${f.name}-${test}`} />
                  </Form.Item>
                ),
              })),
              {
                title: '校验规则',
                key: 'rule',
                width: 180,
                render: (_: unknown, f) => (
                  <Space orientation="vertical" size={4} style={{ width: '100%' }}>
                    <Form.Item name={[f.name, 'ruleKind']}>
                      <Select
                        allowClear
                        placeholder="无"
                        options={ruleOptions}
                        popupMatchSelectWidth={false}
                        data-testid={`item-${f.name}-rule`}
                      />
                    </Form.Item>
                    <Form.Item
                      noStyle
                      shouldUpdate={(a: FormValues, b: FormValues) =>
                        a.dataItems?.[f.name]?.ruleKind !== b.dataItems?.[f.name]?.ruleKind
                      }
                    >
                      {() => {
                        const kind = form.getFieldValue(['dataItems', f.name, 'ruleKind']) as
                          RuleKind | undefined;
                        if (kind === 'enum')
                          return (
                            <Form.Item name={[f.name, 'ruleValues']}>
                              <Select
                                mode="tags"
                                placeholder="输入可选值后回车"
                                tokenSeparators={[',', '，', '、']}
                                open={false}
                                data-testid={`item-${f.name}-enum`}
                              />
                            </Form.Item>
                          );
                        if (kind === 'pattern')
                          return (
                            <Form.Item name={[f.name, 'rulePattern']}>
                              <Input
                                placeholder="正则表达式，如 ^[A-Z]\d{6}$"
                                className="mono"
                                data-testid={`item-${f.name}-pattern`}
                              />
                            </Form.Item>
                          );
                        return null;
                      }}
                    </Form.Item>
                  </Space>
                ),
              },
              {
                title: '',
                key: 'ops',
                width: 48,
                fixed: 'right' as const,
                render: (_: unknown, f) => (
                  <Space size={0}>
                    <Tooltip title="删除">
                      <Button
                        type="text"
                        size="small"
                        danger
                        icon={<DeleteOutlined />}
                        onClick={() => remove(f.name)}
                        data-testid={`item-${f.name}-remove`}
                      />
                    </Tooltip>
                  </Space>
                ),
              },
            ]}
          />
          <Button
            type="dashed"
            block
            icon={<PlusOutlined />}
            style={{ marginTop: 8 }}
            onClick={() =>
              add({
                type: 'C',
                length: null,
                scale: null,
                isKey: false,
                required: false,
                sensitive: false,
                ruleKind: null,
                description: '',
              } satisfies ItemValues)
            }
            data-testid="items-add"
          >
            添加信息项
          </Button>
        </>
      )}
    </Form.List>
  );
}

export default function EntryFormPage() {
  const { id } = useParams();
  const creating = !id;
  const navigate = useNavigate();
  const { message, modal } = App.useApp();
  const vocab = useVocabularies();
  const [form] = Form.useForm<FormValues>();
  const [entry, setEntry] = useState<EntryDetail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const [findings, setFindings] = useState<ComplianceFinding[] | null>(null);
  const [checking, setChecking] = useState(false);
  const [saving, setSaving] = useState<'save' | 'submit' | null>(null);
  const timer = useRef<number | null>(null);
  const checkAbort = useRef<AbortController | null>(null);

  const sharingType = Form.useWatch('sharingType', form);
  const openType = Form.useWatch('openType', form);
  const sharingScope = Form.useWatch('sharingScope', form);

  // Load the entry (editing) once the vocabularies are there (the classification path).
  useEffect(() => {
    if (!vocab.data) return;
    if (creating) {
      form.setFieldsValue(emptyValues);
      setReady(true);
      return;
    }
    let cancelled = false;
    catalogApi.get(id).then(
      (e) => {
        if (cancelled) return;
        setEntry(e);
        form.setFieldsValue(fromContent(e.working.content, vocab));
        setFindings(e.findings);
        setReady(true);
      },
      (e: unknown) => !cancelled && setLoadError(errorMessage(e)),
    );
    return () => {
      cancelled = true;
    };
    // `vocab` changes identity each render; its data is what matters.
  }, [id, creating, vocab.data, form]);

  const runCheck = useCallback(async () => {
    checkAbort.current?.abort();
    const ac = new AbortController();
    checkAbort.current = ac;
    setChecking(true);
    try {
      const content = toContent(form.getFieldsValue(true) as FormValues);
      const r = await catalogApi.complianceCheck(content, ac.signal);
      if (!ac.signal.aborted) setFindings(r.findings);
    } catch (e) {
      if (ac.signal.aborted) return;
      const asFindings = findingsOfError(e);
      if (asFindings) setFindings(asFindings);
    } finally {
      if (!ac.signal.aborted) setChecking(false);
    }
  }, [form]);

  const scheduleCheck = useCallback(() => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void runCheck(), 600);
  }, [runCheck]);

  useEffect(() => {
    if (ready && creating) scheduleCheck();
  }, [ready, creating, scheduleCheck]);

  useEffect(
    () => () => {
      if (timer.current !== null) window.clearTimeout(timer.current);
      checkAbort.current?.abort();
    },
    [],
  );

  const pick = (f: ComplianceFinding) => {
    const name = fieldOf(f.field);
    if (name) form.scrollToField(name, { behavior: 'smooth', block: 'center', focus: true });
  };

  const showErrors = (e: unknown, what: string) => {
    const asFindings = findingsOfError(e);
    if (asFindings) setFindings(asFindings);
    if (e instanceof ApiError && e.errors.length > 0) {
      modal.error({
        title: `${what}：${e.userMessage}`,
        width: 600,
        content: (
          <ul style={{ paddingLeft: 20, margin: 0 }} data-testid="save-errors">
            {e.errors.map((fe, i) => (
              <li key={i}>{fe.message}</li>
            ))}
          </ul>
        ),
      });
    } else {
      message.error(`${what}：${errorMessage(e)}`);
    }
  };

  const save = async (submit: boolean) => {
    try {
      await form.validateFields();
    } catch {
      message.error('请先修正表单中标红的内容');
      return;
    }
    const content = toContent(form.getFieldsValue(true) as FormValues);
    setSaving(submit ? 'submit' : 'save');
    let saved: EntryDetail;
    try {
      saved = creating
        ? await catalogApi.create(content)
        : await catalogApi.updateDraft(entry!.id, content, entry!.workingVersion);
    } catch (e) {
      showErrors(e, '保存失败');
      setSaving(null);
      return;
    }
    setEntry(saved);
    setFindings(saved.findings);
    if (!submit) {
      setSaving(null);
      message.success(creating ? `已新建目录条目，资源代码 ${saved.code}` : '已保存');
      void navigate(`/catalog/entries/${saved.id}`, { replace: creating });
      return;
    }
    try {
      await catalogApi.act(saved.id, 'submit');
      message.success('已保存并提交审核');
      void navigate(`/catalog/entries/${saved.id}`, { replace: creating });
    } catch (e) {
      showErrors(e, '已保存，但未能提交审核');
      // Further changes go to the saved entry.
      if (creating) void navigate(`/catalog/entries/${saved.id}/edit`, { replace: true });
    } finally {
      setSaving(null);
    }
  };

  const errorCount = findings?.filter((f) => f.severity === 'error').length ?? 0;
  const warningCount = findings?.filter((f) => f.severity === 'warning').length ?? 0;

  const classificationOptions = useMemo(() => vocab.data?.classifications ?? [], [vocab.data]);

  if (loadError || vocab.error) {
    return (
      <Result
        status="error"
        title="无法加载目录条目"
        subTitle={loadError ?? vocab.error}
        extra={<Button onClick={() => void navigate(-1)}>返回</Button>}
      />
    );
  }
  if (!ready) return <Skeleton active paragraph={{ rows: 14 }} />;
  if (entry && !entry.allowedActions.includes('submit')) {
    return (
      <Result
        status="warning"
        title="当前状态不能修改"
        subTitle="只有提供方单位的目录编制员可以修改草稿或被退回的版本；待审核的请先撤回，已发布的请先新建版本。"
        extra={
          <Button type="primary" onClick={() => void navigate(`/catalog/entries/${entry.id}`)}>
            查看条目
          </Button>
        }
        data-testid="entry-not-editable"
      />
    );
  }

  const classificationFixed = !!entry && entry.publishedVersion !== null;

  return (
    <div data-testid="entry-form-page">
      <PageHeader
        title={creating ? '新建目录条目' : `编制目录条目：${entry?.name ?? ''}`}
        subtitle={
          creating
            ? '填写各项目录要素。资源代码按所选分类自动生成，保存后不再改变。'
            : `资源代码 ${entry?.code ?? ''} · 正在修改第 ${entry?.workingVersion ?? ''} 版`
        }
        extra={
          <Space>
            <Button onClick={() => void navigate(-1)}>取消</Button>
            <Button
              icon={<SaveOutlined />}
              loading={saving === 'save'}
              disabled={saving !== null}
              onClick={() => void save(false)}
              data-testid="entry-save"
            >
              保存草稿
            </Button>
            <Button
              type="primary"
              icon={<SendOutlined />}
              loading={saving === 'submit'}
              disabled={saving !== null}
              onClick={() => void save(true)}
              data-testid="entry-save-submit"
            >
              保存并提交
            </Button>
          </Space>
        }
      />
      <Row gutter={16}>
        <Col xs={24} xl={18}>
          <Form<FormValues>
            form={form}
            layout="vertical"
            onValuesChange={scheduleCheck}
            scrollToFirstError
            data-testid="entry-form"
          >
            <Card variant="borderless" size="small" title="基本信息">
              <Row gutter={16}>
                <Col xs={24} md={12}>
                  <Form.Item
                    name="name"
                    label="信息资源名称"
                    tooltip="2～50 个字，不含标点（括号和间隔号除外），不以提供方名称开头"
                    rules={[{ required: true, whitespace: true, message: '请填写信息资源名称' }]}
                  >
                    <Input
                      maxLength={100}
                      placeholder="如：优抚对象基础信息"
                      data-testid="entry-name"
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item
                    name="classification"
                    label="资源分类"
                    tooltip={
                      classificationFixed
                        ? '已发布过的资源不能改变分类'
                        : '选择到“目”或“细目”一级；资源代码由分类生成'
                    }
                    rules={[
                      { required: true, message: '请选择资源分类' },
                      {
                        validator: async (_, v?: string[]) => {
                          if (v && v.length > 0 && !/^\d{6,9}$/.test(v.at(-1) ?? ''))
                            throw new Error('请选择到“目”或“细目”一级');
                        },
                      },
                    ]}
                  >
                    <Cascader
                      options={classificationOptions}
                      changeOnSelect
                      disabled={classificationFixed}
                      placeholder="基础 / 主题 / 部门信息资源"
                      displayRender={(labels) => labels.join(' / ')}
                      showSearch={{
                        filter: (input, path) => path.some((o) => String(o.label).includes(input)),
                      }}
                      data-testid="entry-classification"
                    />
                  </Form.Item>
                </Col>
                <Col span={24}>
                  <Form.Item
                    name="summary"
                    label="信息资源摘要"
                    rules={[{ required: true, whitespace: true, message: '请填写信息资源摘要' }]}
                  >
                    <Input.TextArea
                      rows={3}
                      maxLength={2000}
                      showCount
                      placeholder="说明资源的内容、覆盖范围和用途（至少 10 个字）"
                      data-testid="entry-summary"
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item name="kind" label="资源类型">
                    <Radio.Group
                      optionType="button"
                      options={vocab.options('resourceKinds')}
                      data-testid="entry-kind"
                    />
                  </Form.Item>
                </Col>
                <Col xs={12} md={6}>
                  <Form.Item name="formatType" label="格式分类">
                    <Select
                      allowClear
                      placeholder="请选择"
                      options={vocab.options('formatTypes')}
                      data-testid="entry-format-type"
                    />
                  </Form.Item>
                </Col>
                <Col xs={12} md={6}>
                  <Form.Item name="formatDetail" label="格式明细">
                    <Input
                      maxLength={50}
                      placeholder="如：csv、xlsx、OFD"
                      data-testid="entry-format-detail"
                    />
                  </Form.Item>
                </Col>
              </Row>
            </Card>

            <Card
              variant="borderless"
              size="small"
              title="信息项"
              style={{ marginTop: 16 }}
              extra={
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  库表类资源须至少一个主键信息项；主键必须设为必填
                </Typography.Text>
              }
            >
              <DataItemsEditor form={form} vocab={vocab} />
            </Card>

            <Card variant="borderless" size="small" title="共享属性" style={{ marginTop: 16 }}>
              <Form.Item name="sharingType" label="共享类型">
                <Radio.Group
                  options={vocab.options('sharingTypes')}
                  data-testid="entry-sharing-type"
                />
              </Form.Item>
              {sharingType === 'conditional' && (
                <Form.Item name="sharingCondition" label="共享条件">
                  <Input.TextArea
                    rows={2}
                    maxLength={1000}
                    placeholder="如：限用于社会救助资格核验，须经提供方审批"
                    data-testid="entry-sharing-condition"
                  />
                </Form.Item>
              )}
              {sharingType === 'none' && (
                <Form.Item name="legalBasis" label="不予共享依据">
                  <Input.TextArea
                    rows={2}
                    maxLength={1000}
                    placeholder="法律、行政法规或政策依据"
                    data-testid="entry-legal-basis"
                  />
                </Form.Item>
              )}
              {sharingType !== 'none' && (
                <>
                  <Form.Item name="sharingMethods" label="共享方式">
                    <Checkbox.Group
                      options={vocab.options('sharingMethods')}
                      data-testid="entry-sharing-methods"
                    />
                  </Form.Item>
                  <Row gutter={16}>
                    <Col xs={24} md={8}>
                      <Form.Item name="sharingScope" label="共享范围">
                        <Select
                          allowClear
                          placeholder="请选择"
                          options={vocab.options('sharingScopes')}
                          data-testid="entry-sharing-scope"
                        />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={16}>
                      <Form.Item
                        name="sharingScopeNote"
                        label={sharingScope === 'specified' ? '可以申请的部门' : '范围说明'}
                      >
                        <Input maxLength={500} data-testid="entry-sharing-scope-note" />
                      </Form.Item>
                    </Col>
                  </Row>
                  <Form.Item name="provisionModes" label="提供方式">
                    <Checkbox.Group
                      options={vocab.options('provisionModes')}
                      data-testid="entry-provision-modes"
                    />
                  </Form.Item>
                </>
              )}
            </Card>

            <Card variant="borderless" size="small" title="开放属性" style={{ marginTop: 16 }}>
              <Form.Item name="openType" label="开放类型">
                <Radio.Group options={vocab.options('openTypes')} data-testid="entry-open-type" />
              </Form.Item>
              {openType === 'open_conditional' && (
                <Form.Item name="openCondition" label="开放条件">
                  <Input.TextArea rows={2} maxLength={1000} data-testid="entry-open-condition" />
                </Form.Item>
              )}
            </Card>

            <Card variant="borderless" size="small" title="更新与维护" style={{ marginTop: 16 }}>
              <Row gutter={16}>
                <Col xs={24} md={8}>
                  <Form.Item name="updateFrequency" label="更新周期">
                    <Select
                      allowClear
                      placeholder="请选择"
                      options={vocab.options('updateFrequencies')}
                      data-testid="entry-update-frequency"
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={16}>
                  <Form.Item name="timeliness" label="时效性要求">
                    <Input
                      maxLength={200}
                      placeholder="如：数据产生后 2 个工作日内更新"
                      data-testid="entry-timeliness"
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item name="dataGrade" label="数据分级">
                    <Select
                      allowClear
                      placeholder="请选择"
                      options={vocab.options('dataGrades')}
                      data-testid="entry-data-grade"
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={16}>
                  <Form.Item
                    name="relatedCodes"
                    label="关联资源代码"
                    tooltip="其他目录条目的资源代码，如 301002/000001"
                  >
                    <Select
                      mode="tags"
                      open={false}
                      tokenSeparators={[',', '，', ' ']}
                      placeholder="输入资源代码后回车"
                      data-testid="entry-related-codes"
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={16}>
                  <Form.Item
                    name="derivedFrom"
                    label="数据来源于共享的资源"
                    tooltip="本资源的数据如来自通过共享获得的其他单位资源，填写其资源代码：未经提供方同意不得再共享或向社会开放"
                  >
                    <Select
                      mode="tags"
                      open={false}
                      tokenSeparators={[',', '，', ' ']}
                      placeholder="输入资源代码后回车"
                      data-testid="entry-derived-from"
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item name="contactPerson" label="联系人">
                    <Input maxLength={50} data-testid="entry-contact-person" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item name="contactPhone" label="联系电话">
                    <Input maxLength={30} data-testid="entry-contact-phone" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item name="sourceSystem" label="来源系统">
                    <Input maxLength={100} data-testid="entry-source-system" />
                  </Form.Item>
                </Col>
              </Row>
            </Card>
          </Form>
        </Col>
        <Col xs={24} xl={6}>
          <Card
            variant="borderless"
            size="small"
            className="compliance-panel"
            title={
              <Space>
                合规检查
                {checking && <Spin size="small" />}
              </Space>
            }
            extra={
              findings && (
                <span data-testid="compliance-summary">
                  <Typography.Text type={errorCount > 0 ? 'danger' : 'success'}>
                    {errorCount} 项错误
                  </Typography.Text>
                  <Typography.Text type="warning" style={{ marginLeft: 8 }}>
                    {warningCount} 项提示
                  </Typography.Text>
                </span>
              )
            }
            data-testid="compliance-panel"
          >
            {findings === null ? (
              <Typography.Text type="secondary">填写后自动检查…</Typography.Text>
            ) : (
              <>
                {errorCount > 0 && (
                  <Alert
                    type="error"
                    title="有错误的条目不能提交审核"
                    showIcon
                    style={{ marginBottom: 8 }}
                  />
                )}
                <div style={{ maxHeight: 'calc(100vh - 220px)', overflow: 'auto' }}>
                  <FindingsList findings={findings} onPick={pick} />
                </div>
              </>
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
