// 共享申请详情 (/sharing/requests/:id): the 共享申请书, the fields asked and those approved, the
// workflow with each step's due date and state, the action log, the buttons of the caller's
// `allowedActions` (each in a dialog: a note where one is required, the provider's narrowing
// of fields and period, the authority's outcome), the grant with its revocation, the error
// reports (报告数据错误 / 答复) and the link to the 共享实施单.
import {
  AlertOutlined,
  CheckCircleOutlined,
  CloseCircleOutlined,
  FileTextOutlined,
  ReloadOutlined,
  RollbackOutlined,
  SendOutlined,
  StopOutlined,
} from '@ant-design/icons';
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
  Modal,
  Radio,
  Result,
  Row,
  Skeleton,
  Space,
  Steps,
  Table,
  Tag,
  Timeline,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, errorMessage, fieldNameOf } from '../../api/client';
import { sharingApi } from '../../api/endpoints';
import type {
  SharingActionInput,
  SharingActionName,
  SharingErrorReport,
  SharingRequestDetail,
  SharingStep,
} from '../../api/types';
import { useAuth, useUser } from '../../auth/AuthContext';
import PageHeader from '../../components/PageHeader';
import { formatDateTime, shanghaiDate } from '../../utils/format';
import { CredentialsPanel } from './CredentialsPanel';
import {
  MaskingFormItems,
  grantMaskingText,
  maskingDecision,
  type MaskingValues,
} from '../exchange/MaskingFields';
import { SubscriptionsPanel } from './SubscriptionsPanel';
import {
  GrantStatusTag,
  RequestStatusTag,
  StepStateTag,
  modeLabel,
  sharingTypeLabels,
} from './common';

/** Actions whose dialog requires a note (the server refuses them without one). */
const NOTE_REQUIRED: SharingActionName[] = ['precheck_reject', 'refuse', 'escalate', 'resolve'];

const doneTexts: Record<SharingActionName, string> = {
  withdraw: '申请已撤回',
  precheck_pass: '预审通过，已转提供方审批',
  precheck_reject: '已预审不通过，申请单位会收到通知',
  approve: '已批准，等待平台交付',
  refuse: '已不予共享，申请单位会收到通知',
  deliver: '已交付，授权生效',
  escalate: '已提请共享主管部门协调',
  resolve: '协调结果已记录',
};

const actionColors: Record<string, string> = {
  file: 'blue',
  precheck_pass: 'green',
  approve: 'green',
  deliver: 'green',
  resolve_approve: 'green',
  precheck_reject: 'red',
  refuse: 'red',
  resolve_refuse: 'red',
  withdraw: 'gray',
  escalate: 'orange',
  resolve_return: 'orange',
};

function actionTitle(action: SharingActionName, d: SharingRequestDetail): string {
  switch (action) {
    case 'withdraw':
      return '撤回申请';
    case 'precheck_pass':
      return '预审通过';
    case 'precheck_reject':
      return '预审不通过';
    case 'approve':
      return d.status === 'prechecking' ? '预审通过并批准' : '批准共享';
    case 'refuse':
      return '不予共享';
    case 'deliver':
      return '交付';
    case 'escalate':
      return '提请协调';
    case 'resolve':
      return '协调处理';
  }
}

const actionHints: Partial<Record<SharingActionName, string>> = {
  withdraw: '撤回后申请结束，如仍需使用须重新申请。',
  precheck_pass:
    '预审通过后转提供方审批。请确认申请书要素齐全、用途和依据明确、信息项符合最小必要原则。',
  precheck_reject: '请写明不通过的理由，申请单位可据此修改后重新申请。',
  deliver: '确认已按共享实施单开通交换通道或接口后交付，授权随即生效。',
  escalate: '提请共享主管部门协调，请写明争议事项和理由。',
  refuse: '不予共享须说明理由（法律法规依据或其他正当理由）。',
  resolve: '协调结果：予以共享（生成授权，待平台交付）、不予共享，或退回提供方重新审批。',
};

interface ActionValues extends MaskingValues {
  note?: string;
  fields?: string[];
  periodEnd?: Dayjs | null;
  allowOnward?: boolean;
  outcome?: 'approve' | 'refuse' | 'return';
}

function ActionModal({
  action,
  detail,
  onCancel,
  onDone,
}: {
  action: SharingActionName | null;
  detail: SharingRequestDetail;
  onCancel: () => void;
  onDone: (next: SharingRequestDetail, action: SharingActionName) => void;
}) {
  const [form] = Form.useForm<ActionValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const providerApproving = action === 'approve' && detail.status === 'provider_review';
  const noteRequired = action !== null && NOTE_REQUIRED.includes(action);
  const danger = action === 'precheck_reject' || action === 'refuse' || action === 'withdraw';
  const title = action ? actionTitle(action, detail) : '';
  const granted = Form.useWatch('fields', form) ?? [];

  const submit = async (v: ActionValues) => {
    if (!action) return;
    const input: SharingActionInput = { action };
    const note = v.note?.trim();
    if (note) input.note = note;
    if (providerApproving) {
      input.fields = detail.fields.map((f) => f.identifier).filter((f) => v.fields?.includes(f));
      const end = v.periodEnd?.format('YYYY-MM-DD');
      if (end && end !== detail.periodEnd) input.periodEnd = end;
      if (detail.onwardRequested) input.allowOnward = v.allowOnward === true;
      Object.assign(input, maskingDecision(v, input.fields));
    }
    if (action === 'resolve') input.outcome = v.outcome;
    setBusy(true);
    setError(null);
    try {
      onDone(await sharingApi.act(detail.id, input), action);
    } catch (e) {
      setError(errorMessage(e));
      if (e instanceof ApiError) {
        const notes = e.errors.filter((fe) => fieldNameOf(fe.path)[0] === 'note');
        if (notes.length > 0)
          form.setFields([{ name: 'note', errors: notes.map((fe) => fe.message) }]);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={action !== null}
      title={title}
      width={providerApproving ? 720 : 560}
      okText={`确定${title}`}
      cancelText="取消"
      okButtonProps={{ danger, loading: busy, 'data-testid': 'action-ok' }}
      onCancel={onCancel}
      destroyOnHidden
      afterClose={() => {
        form.resetFields();
        setError(null);
      }}
      onOk={() =>
        void form.validateFields().then(
          (v) => submit(v),
          () => undefined, // the form shows what is missing
        )
      }
      data-testid="action-modal"
      data-action={action ?? ''}
    >
      {action && actionHints[action] && (
        <Typography.Paragraph type="secondary">{actionHints[action]}</Typography.Paragraph>
      )}
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 12 }}
          data-testid="action-error"
        />
      )}
      <Form<ActionValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{
          fields: detail.fields.map((f) => f.identifier),
          periodEnd: dayjs(detail.periodEnd),
          allowOnward: false,
        }}
      >
        {providerApproving && (
          <>
            <Form.Item
              name="fields"
              label={`批准的信息项（已选 ${granted.length} / ${detail.fields.length}）`}
              extra="可取消勾选不同意共享的信息项；至少批准一项。"
              rules={[{ required: true, type: 'array', min: 1, message: '至少批准一个信息项' }]}
            >
              <Checkbox.Group style={{ width: '100%' }} data-testid="approve-fields">
                <Row gutter={[12, 6]} style={{ width: '100%' }}>
                  {detail.fields.map((f) => (
                    <Col span={12} key={f.identifier}>
                      <Checkbox value={f.identifier} data-testid={`approve-field-${f.identifier}`}>
                        {f.name}{' '}
                        <span className="mono" style={{ color: '#64748b', fontSize: 12 }}>
                          {f.identifier}
                        </span>
                        {f.sensitive && (
                          <Tag color="red" style={{ marginLeft: 4 }}>
                            敏感
                          </Tag>
                        )}
                      </Checkbox>
                    </Col>
                  ))}
                </Row>
              </Checkbox.Group>
            </Form.Item>
            <Form.Item
              name="periodEnd"
              label="批准的截止日期"
              extra={`申请期限 ${detail.periodStart} 至 ${detail.periodEnd}；只能提前，不能延后。`}
              rules={[{ required: true, message: '请选择截止日期' }]}
            >
              <DatePicker
                style={{ width: 240 }}
                allowClear={false}
                disabledDate={(d) =>
                  d.isAfter(dayjs(detail.periodEnd), 'day') ||
                  d.isBefore(dayjs(detail.periodStart), 'day') ||
                  d.isBefore(dayjs(shanghaiDate()), 'day')
                }
                data-testid="approve-period-end"
              />
            </Form.Item>
            <MaskingFormItems fields={detail.fields} granted={granted} />
            {detail.onwardRequested && (
              <Form.Item name="allowOnward" valuePropName="checked">
                <Checkbox data-testid="approve-allow-onward">
                  同意申请单位将数据再共享或开放（申请单位已提出）
                </Checkbox>
              </Form.Item>
            )}
          </>
        )}
        {action === 'resolve' && (
          <Form.Item
            name="outcome"
            label="协调结果"
            rules={[{ required: true, message: '请选择协调结果' }]}
          >
            <Radio.Group data-testid="resolve-outcome">
              <Space orientation="vertical">
                <Radio value="approve" data-testid="resolve-outcome-approve">
                  予以共享（按申请内容生成授权，待平台交付）
                </Radio>
                <Radio value="refuse" data-testid="resolve-outcome-refuse">
                  不予共享
                </Radio>
                <Radio value="return" data-testid="resolve-outcome-return">
                  退回提供方重新审批
                </Radio>
              </Space>
            </Radio.Group>
          </Form.Item>
        )}
        <Form.Item
          name="note"
          label={noteRequired ? '理由' : '意见（可选）'}
          rules={noteRequired ? [{ required: true, whitespace: true, message: '请填写理由' }] : []}
          style={{ marginBottom: 0 }}
        >
          <Input.TextArea
            rows={4}
            maxLength={2000}
            showCount
            placeholder={noteRequired ? '请写明理由，将通知对方并记入流转记录' : ''}
            data-testid="action-note"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** A dialog with one required text (撤销理由, 答复). */
function TextModal({
  open,
  title,
  label,
  okText,
  danger,
  placeholder,
  testId,
  onCancel,
  onOk,
}: {
  open: boolean;
  title: string;
  label: string;
  okText: string;
  danger?: boolean;
  placeholder?: string;
  testId: string;
  onCancel: () => void;
  onOk: (text: string) => Promise<void>;
}) {
  const [form] = Form.useForm<{ text: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal
      open={open}
      title={title}
      okText={okText}
      cancelText="取消"
      okButtonProps={{ danger, loading: busy, 'data-testid': `${testId}-ok` }}
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
              await onOk(v.text.trim());
            } catch (e) {
              setError(errorMessage(e));
            } finally {
              setBusy(false);
            }
          },
          () => undefined,
        )
      }
      data-testid={`${testId}-modal`}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="text"
          label={label}
          rules={[
            { required: true, whitespace: true, message: `请填写${label}` },
            { min: 2, message: `请填写${label}（至少 2 个字）` },
          ]}
          style={{ marginBottom: 0 }}
        >
          <Input.TextArea
            rows={4}
            maxLength={1000}
            showCount
            placeholder={placeholder}
            data-testid={`${testId}-input`}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface ErrorReportValues {
  foundOn: Dayjs;
  description: string;
  rowKeys?: string;
}

function ErrorReportModal({
  open,
  grantId,
  onCancel,
  onDone,
}: {
  open: boolean;
  grantId: string;
  onCancel: () => void;
  onDone: (r: SharingErrorReport) => void;
}) {
  const [form] = Form.useForm<ErrorReportValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const today = dayjs(shanghaiDate());

  const submit = async (v: ErrorReportValues) => {
    setBusy(true);
    setError(null);
    try {
      onDone(
        await sharingApi.reportError(grantId, {
          foundOn: v.foundOn.format('YYYY-MM-DD'),
          description: v.description.trim(),
          rowKeys: (v.rowKeys ?? '')
            .split(/[\s,，、;；]+/)
            .map((k) => k.trim())
            .filter(Boolean),
        }),
      );
    } catch (e) {
      setError(errorMessage(e));
      if (e instanceof ApiError && e.errors.length > 0) {
        const names = ['foundOn', 'description', 'rowKeys'] as const;
        const fields = names
          .map((name) => ({
            name,
            errors: e.errors
              .filter((fe) => fieldNameOf(fe.path)[0] === name)
              .map((fe) => fe.message),
          }))
          .filter((f) => f.errors.length > 0);
        if (fields.length > 0) form.setFields(fields);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title="报告数据错误"
      okText="提交报告"
      cancelText="取消"
      width={600}
      okButtonProps={{ loading: busy, 'data-testid': 'error-report-ok' }}
      onCancel={onCancel}
      destroyOnHidden
      afterClose={() => {
        form.resetFields();
        setError(null);
      }}
      onOk={() =>
        void form.validateFields().then(
          (v) => submit(v),
          () => undefined,
        )
      }
      data-testid="error-report-modal"
    >
      <Typography.Paragraph type="secondary">
        发现共享数据有误的，应在发现后 1 个工作日内报告，提供方须在规定期限内核实答复。
      </Typography.Paragraph>
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 12 }}
          data-testid="error-report-error"
        />
      )}
      <Form<ErrorReportValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ foundOn: today }}
      >
        <Form.Item
          name="foundOn"
          label="发现日期"
          rules={[{ required: true, message: '请选择发现日期' }]}
        >
          <DatePicker
            allowClear={false}
            disabledDate={(d) => d.isAfter(today, 'day')}
            data-testid="error-report-found-on"
          />
        </Form.Item>
        <Form.Item
          name="description"
          label="错误描述"
          rules={[
            { required: true, whitespace: true, message: '请描述发现的错误' },
            { min: 5, message: '请描述发现的错误（至少 5 个字）' },
          ]}
        >
          <Input.TextArea
            rows={4}
            maxLength={2000}
            showCount
            placeholder="哪些信息项有误、与实际情况有何不同"
            data-testid="error-report-description"
          />
        </Form.Item>
        <Form.Item
          name="rowKeys"
          label="涉及的数据行（主键）"
          extra="每行一个，或用逗号、空格分隔；可不填"
          style={{ marginBottom: 0 }}
        >
          <Input.TextArea rows={3} className="mono" data-testid="error-report-row-keys" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The stages of the workflow as a Steps bar, each with its step's due date and state. */
function WorkflowSteps({ d }: { d: SharingRequestDetail }) {
  const conditional = d.sharingType === 'conditional';
  const latest = (kind: SharingStep['kind']) => [...d.steps].reverse().find((s) => s.kind === kind);
  const stages: { title: string; kind?: SharingStep['kind'] }[] = [
    { title: '提交申请' },
    { title: conditional ? '平台预审' : '平台预审批准', kind: 'precheck' },
    ...(conditional ? [{ title: '提供方审批', kind: 'provider_decision' as const }] : []),
    { title: '平台交付', kind: 'delivery' },
    { title: '已授权' },
  ];
  const idx = (kind: SharingStep['kind']) => stages.findIndex((s) => s.kind === kind);
  const lastAction = d.actions.at(-1);
  const stageByStatus: Record<string, number> = {
    prechecking: idx('precheck'),
    provider_review: conditional ? idx('provider_decision') : idx('precheck'),
    refused: conditional ? idx('provider_decision') : idx('precheck'),
    authorized: idx('delivery'),
    granted: stages.length - 1,
  };
  const stageOfStatus = (status: string | null | undefined): number =>
    (status ? stageByStatus[status] : undefined) ?? idx('precheck');
  let current = stageOfStatus(d.status);
  let status: 'process' | 'error' | 'finish' | 'wait' = 'process';
  if (d.status === 'granted') status = 'finish';
  else if (d.status === 'rejected') {
    current = idx('precheck');
    status = 'error';
  } else if (d.status === 'refused') status = 'error';
  else if (d.status === 'withdrawn') {
    current = stageOfStatus(lastAction?.fromStatus);
    status = 'error';
  } else if (d.status === 'disputed') {
    const escalated = [...d.actions].reverse().find((a) => a.action === 'escalate');
    current = stageOfStatus(escalated?.fromStatus);
    status = 'error';
  }
  const outcomeText: Partial<Record<string, string>> = {
    rejected: '预审不通过',
    refused: '不予共享',
    withdrawn: '已撤回',
    disputed: '协调中',
  };
  return (
    <Steps
      size="small"
      current={current}
      status={status}
      data-testid="request-workflow"
      items={stages.map((s, i) => {
        const step = s.kind ? latest(s.kind) : undefined;
        const description: ReactNode[] = [];
        if (i === 0) description.push(<div key="at">{formatDateTime(d.createdAt)}</div>);
        if (step) {
          description.push(
            <div key="due">
              期限 {step.dueOn} <StepStateTag state={step.state} daysLeft={step.workingDaysLeft} />
            </div>,
          );
        }
        if (i === current && status === 'error' && outcomeText[d.status])
          description.push(<div key="outcome">{outcomeText[d.status]}</div>);
        return {
          title: s.title,
          content: description.length > 0 ? <div>{description}</div> : undefined,
        };
      })}
    />
  );
}

function StepsTable({ steps }: { steps: SharingStep[] }) {
  const columns: TableColumnsType<SharingStep> = [
    { title: '环节', dataIndex: 'label', width: 120 },
    { title: '办理单位', dataIndex: 'assigneeUnitName', width: 200 },
    {
      title: '开始时间',
      dataIndex: 'openedAt',
      width: 170,
      render: (v: string) => formatDateTime(v),
    },
    {
      title: '时限',
      dataIndex: 'workingDays',
      width: 100,
      render: (v: number) => `${v} 个工作日`,
    },
    {
      title: '办理期限',
      dataIndex: 'dueOn',
      width: 110,
      render: (v: string) => <span data-testid="step-due">{v}</span>,
    },
    {
      title: '办结时间',
      dataIndex: 'closedAt',
      width: 170,
      render: (v: string | null) => formatDateTime(v),
    },
    {
      title: '状态',
      dataIndex: 'state',
      width: 100,
      render: (_: unknown, s) => <StepStateTag state={s.state} daysLeft={s.workingDaysLeft} />,
    },
  ];
  return (
    <Table<SharingStep>
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={steps}
      pagination={false}
      scroll={{ x: 900 }}
      onRow={(s) => ({ 'data-kind': s.kind, 'data-state': s.state }) as object}
      data-testid="request-steps"
    />
  );
}

export default function RequestPage() {
  const { id = '' } = useParams();
  const user = useUser();
  const { can } = useAuth();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [detail, setDetail] = useState<SharingRequestDetail | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [acting, setActing] = useState<SharingActionName | null>(null);
  const [revoking, setRevoking] = useState(false);
  const [reporting, setReporting] = useState(false);
  const [answering, setAnswering] = useState<SharingErrorReport | null>(null);

  const load = useCallback(async () => {
    try {
      setDetail(await sharingApi.get(id));
      setLoadError(null);
    } catch (e) {
      setLoadError(e instanceof ApiError ? e : new ApiError(0, {}));
    }
  }, [id]);

  useEffect(() => {
    setDetail(null);
    void load();
  }, [load]);

  if (loadError) {
    return (
      <Result
        status={loadError.status === 404 ? '404' : loadError.status === 403 ? '403' : 'error'}
        title={loadError.status === 404 ? '共享申请不存在' : '共享申请加载失败'}
        subTitle={loadError.userMessage}
        extra={
          <Button type="primary" onClick={() => void navigate('/sharing')}>
            返回共享申请
          </Button>
        }
        data-testid="request-error"
      />
    );
  }
  if (!detail) return <Skeleton active paragraph={{ rows: 12 }} data-testid="request-loading" />;

  const d = detail;
  const grant = d.grant;
  const allowed = new Set(d.allowedActions);
  // The server still offers 交付 after an undelivered grant was revoked, and then refuses it
  // (409 “没有待交付的授权”): not a button worth showing.
  if (grant?.status === 'revoked') allowed.delete('deliver');
  const isProvider = user.unitId === d.providerUnitId && can('sharing.approve');
  const isConsumer = user.unitId === d.consumerUnitId && can('sharing.request');
  const canRevoke =
    grant !== null &&
    (grant.status === 'active' || grant.status === 'authorized') &&
    (isProvider || can('sharing.precheck'));
  const canReport = grant !== null && grant.status === 'active' && isConsumer;
  const approved = d.approvedFields ? new Set(d.approvedFields) : null;
  const narrowed = approved !== null && approved.size < d.fields.length;
  const lastWithNote = (actions: string[]) =>
    [...d.actions].reverse().find((a) => actions.includes(a.action));

  const button = (
    action: SharingActionName,
    props: { type?: 'primary'; danger?: boolean; icon?: ReactNode } = {},
  ) =>
    allowed.has(action) && (
      <Button
        key={action}
        type={props.type}
        danger={props.danger}
        icon={props.icon}
        onClick={() => setActing(action)}
        data-testid={`request-action-${action}`}
      >
        {actionTitle(action, d)}
      </Button>
    );

  const buttons = [
    button('precheck_pass', { type: 'primary', icon: <CheckCircleOutlined /> }),
    button('approve', { type: 'primary', icon: <CheckCircleOutlined /> }),
    button('deliver', { type: 'primary', icon: <SendOutlined /> }),
    button('resolve', { type: 'primary' }),
    button('precheck_reject', { danger: true, icon: <CloseCircleOutlined /> }),
    button('refuse', { danger: true, icon: <CloseCircleOutlined /> }),
    button('escalate', { icon: <AlertOutlined /> }),
    button('withdraw', { icon: <RollbackOutlined /> }),
    grant && (
      <Button
        key="sheet"
        icon={<FileTextOutlined />}
        onClick={() => void navigate(`/sharing/requests/${d.id}/sheet`)}
        data-testid="request-sheet-link"
      >
        共享实施单
      </Button>
    ),
  ].filter(Boolean);

  const outcome = (() => {
    if (d.status === 'rejected') {
      const a = lastWithNote(['precheck_reject']);
      return { type: 'error' as const, title: '平台预审不通过', a };
    }
    if (d.status === 'refused') {
      const a = lastWithNote(['refuse', 'resolve_refuse']);
      return {
        type: 'error' as const,
        title: a?.action === 'resolve_refuse' ? '经协调，不予共享' : '提供方不予共享',
        a,
      };
    }
    if (d.status === 'disputed') {
      return {
        type: 'warning' as const,
        title: '已提请共享主管部门协调',
        a: lastWithNote(['escalate']),
      };
    }
    if (d.status === 'withdrawn') {
      return { type: 'info' as const, title: '申请已撤回', a: lastWithNote(['withdraw']) };
    }
    return null;
  })();

  const fieldColumns: TableColumnsType<SharingRequestDetail['fields'][number]> = [
    { title: '信息项名称', dataIndex: 'name', width: 200 },
    {
      title: '英文标识',
      dataIndex: 'identifier',
      width: 180,
      render: (v: string) => <span className="mono">{v}</span>,
    },
    {
      title: '属性',
      dataIndex: 'sensitive',
      width: 90,
      render: (v: boolean) => (v ? <Tag color="red">敏感</Tag> : null),
    },
    ...(approved
      ? [
          {
            title: '审批结果',
            key: 'approved',
            render: (_: unknown, f: { identifier: string }) =>
              approved.has(f.identifier) ? (
                <Tag color="green" data-testid="field-approved">
                  批准
                </Tag>
              ) : (
                <Tag data-testid="field-not-approved">未批准</Tag>
              ),
          },
        ]
      : []),
  ];

  const reportColumns: TableColumnsType<SharingErrorReport> = [
    {
      title: '发现日期',
      dataIndex: 'foundOn',
      width: 110,
    },
    {
      title: '报告时间',
      dataIndex: 'reportedAt',
      width: 170,
      render: (v: string, r) => (
        <span>
          {formatDateTime(v)}
          {r.reportedLate && (
            <Tooltip title={`应于 ${r.reportDueOn} 前报告`}>
              <Tag color="orange" style={{ marginLeft: 4 }}>
                逾期报告
              </Tag>
            </Tooltip>
          )}
        </span>
      ),
    },
    { title: '报告单位', dataIndex: 'reporterUnitName', width: 180 },
    {
      title: '错误描述',
      dataIndex: 'description',
      render: (v: string, r) => (
        <div>
          <div>{v}</div>
          {r.rowKeys.length > 0 && (
            <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
              涉及：{r.rowKeys.join('、')}
            </Typography.Text>
          )}
        </div>
      ),
    },
    {
      title: '答复',
      key: 'answer',
      width: 280,
      render: (_: unknown, r) =>
        r.status === 'answered' ? (
          <div data-testid="error-report-answer">
            <div>{r.answer}</div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatDateTime(r.answeredAt)}
            </Typography.Text>
          </div>
        ) : (
          <Space size={4} wrap>
            <Tag color="processing">待答复</Tag>
            {r.answerDueOn && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                期限 {r.answerDueOn}
              </Typography.Text>
            )}
            {isProvider && (
              <Button
                size="small"
                type="link"
                onClick={() => setAnswering(r)}
                data-testid="error-report-answer-button"
              >
                答复
              </Button>
            )}
          </Space>
        ),
    },
  ];

  return (
    <div data-testid="request-page" data-request-id={d.id} data-status={d.status}>
      <PageHeader
        title={d.resourceName}
        subtitle={
          <Space size={8} wrap>
            <span className="mono" data-testid="request-number">
              {d.number}
            </span>
            <RequestStatusTag status={d.status} label={d.statusLabel} />
            <Tag>{sharingTypeLabels[d.sharingType] ?? d.sharingType}</Tag>
            {d.dueOn && (
              <span>
                当前环节办理期限 {d.dueOn} {d.dueState && <StepStateTag state={d.dueState} />}
              </span>
            )}
          </Space>
        }
        extra={
          <Space wrap data-testid="request-actions-bar" className="no-print">
            {buttons}
            <Tooltip title="刷新">
              <Button icon={<ReloadOutlined />} onClick={() => void load()} />
            </Tooltip>
          </Space>
        }
      />
      {outcome && (
        <Alert
          type={outcome.type}
          showIcon
          title={outcome.title}
          description={
            outcome.a ? (
              <span>
                {outcome.a.note ? `理由：${outcome.a.note}` : '未填写理由'}
                <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                  {outcome.a.actorName} · {formatDateTime(outcome.a.at)}
                </Typography.Text>
              </span>
            ) : undefined
          }
          style={{ marginBottom: 16 }}
          data-testid="request-outcome"
        />
      )}
      <Card variant="borderless" size="small" title="办理流程" style={{ marginBottom: 16 }}>
        <WorkflowSteps d={d} />
        <div style={{ marginTop: 16 }}>
          <StepsTable steps={d.steps} />
        </div>
      </Card>
      <Row gutter={16}>
        <Col xs={24} xl={14}>
          <Card variant="borderless" size="small" title="共享申请书" style={{ marginBottom: 16 }}>
            <Descriptions
              size="small"
              column={1}
              bordered
              data-testid="request-form"
              items={[
                {
                  key: 'resource',
                  label: '信息资源',
                  children: (
                    <span>
                      <Link to={`/catalog/entries/${d.resourceId}`}>{d.resourceName}</Link>{' '}
                      <span className="mono" style={{ color: '#64748b' }}>
                        {d.resourceCode}
                      </span>
                    </span>
                  ),
                },
                { key: 'provider', label: '提供方', children: d.providerName },
                {
                  key: 'consumer',
                  label: '申请单位',
                  children: `${d.consumerName}（申请人：${d.requesterName}）`,
                },
                {
                  key: 'modes',
                  label: '使用方式',
                  children: (
                    <Space size={4} wrap>
                      {d.modes.map((m) => (
                        <Tag key={m}>{modeLabel(m)}</Tag>
                      ))}
                    </Space>
                  ),
                },
                { key: 'purpose', label: '用途', children: d.purpose },
                { key: 'basis', label: '申请依据', children: d.legalBasis },
                {
                  key: 'period',
                  label: '使用期限',
                  children: (
                    <span data-testid="request-period">
                      {d.periodStart} 至 {d.periodEnd}
                      {d.approvedPeriodEnd && d.approvedPeriodEnd !== d.periodEnd && (
                        <Tag color="orange" style={{ marginLeft: 8 }}>
                          批准至 {d.approvedPeriodEnd}
                        </Tag>
                      )}
                    </span>
                  ),
                },
                {
                  key: 'contact',
                  label: '联系人',
                  children: `${d.contactName}，${d.contactPhone}`,
                },
                {
                  key: 'onward',
                  label: '再共享或开放',
                  children: d.onwardRequested
                    ? d.approvedFields
                      ? d.onwardAllowed
                        ? '已申请，提供方同意'
                        : '已申请，提供方未同意'
                      : '已申请，待提供方审批'
                    : '未申请',
                },
                { key: 'filed', label: '提交时间', children: formatDateTime(d.createdAt) },
              ]}
            />
          </Card>
          <Card
            variant="borderless"
            size="small"
            title={
              <span>
                申请的信息项（{d.fields.length} 项）
                {narrowed && (
                  <Tag color="orange" style={{ marginLeft: 8 }}>
                    提供方批准 {approved.size} 项
                  </Tag>
                )}
              </span>
            }
            style={{ marginBottom: 16 }}
          >
            <Table
              rowKey="identifier"
              size="small"
              columns={fieldColumns}
              dataSource={d.fields}
              pagination={false}
              onRow={(f) => ({ 'data-field': f.identifier }) as object}
              data-testid="request-fields"
            />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card
            variant="borderless"
            size="small"
            title="授权"
            style={{ marginBottom: 16 }}
            extra={
              canRevoke && (
                <Button
                  danger
                  size="small"
                  icon={<StopOutlined />}
                  onClick={() => setRevoking(true)}
                  data-testid="grant-revoke"
                >
                  撤销授权
                </Button>
              )
            }
            data-testid="request-grant"
          >
            {!grant ? (
              <Typography.Text type="secondary">
                {d.status === 'rejected' || d.status === 'refused' || d.status === 'withdrawn'
                  ? '未授权'
                  : '批准后生成授权'}
              </Typography.Text>
            ) : (
              <Descriptions
                size="small"
                column={1}
                items={[
                  {
                    key: 'status',
                    label: '状态',
                    children: <GrantStatusTag status={grant.status} />,
                  },
                  {
                    key: 'valid',
                    label: '有效期',
                    children: (
                      <span data-testid="grant-validity">
                        {grant.validFrom} 至 {grant.validUntil}
                      </span>
                    ),
                  },
                  {
                    key: 'fields',
                    label: '授权信息项',
                    children: grant.fields.map((f) => f.name).join('、'),
                  },
                  {
                    key: 'modes',
                    label: '使用方式',
                    children: grant.modes.map(modeLabel).join('、'),
                  },
                  {
                    key: 'masking',
                    label: '脱敏规则',
                    children: <span data-testid="grant-masking">{grantMaskingText(grant)}</span>,
                  },
                  {
                    key: 'quota',
                    label: '每日调用限额',
                    children: grant.dailyQuota ? `${grant.dailyQuota} 次` : '平台默认',
                  },
                  {
                    key: 'onward',
                    label: '再共享或开放',
                    children: grant.onwardAllowed ? '提供方同意' : '不得再共享或开放',
                  },
                  {
                    key: 'authorized',
                    label: '批准时间',
                    children: formatDateTime(grant.authorizedAt),
                  },
                  {
                    key: 'delivered',
                    label: '交付时间',
                    children: formatDateTime(grant.deliveredAt),
                  },
                  ...(grant.revokedAt
                    ? [
                        {
                          key: 'revoked',
                          label: '撤销',
                          children: (
                            <span data-testid="grant-revoked">
                              {formatDateTime(grant.revokedAt)}：{grant.revokeReason}
                            </span>
                          ),
                        },
                      ]
                    : []),
                ]}
              />
            )}
          </Card>
          {grant && isConsumer && (
            <div style={{ marginBottom: 16 }}>
              <CredentialsPanel grantId={grant.id} usable={grant.status === 'active'} />
            </div>
          )}
          {grant && isConsumer && (
            <div style={{ marginBottom: 16 }}>
              <SubscriptionsPanel
                grantId={grant.id}
                usable={grant.status === 'active'}
                subscribable={grant.modes.includes('subscribe')}
              />
            </div>
          )}
          <Card variant="borderless" size="small" title="流转记录" style={{ marginBottom: 16 }}>
            <Timeline
              data-testid="request-actions"
              items={[...d.actions].reverse().map((a, i) => ({
                key: i,
                color: actionColors[a.action] ?? 'blue',
                content: (
                  <div data-testid="request-action" data-action={a.action}>
                    <b>{a.label}</b>
                    <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                      {a.actorName} · {formatDateTime(a.at)}
                    </Typography.Text>
                    {a.note && <div style={{ color: '#475569' }}>理由/意见：{a.note}</div>}
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>
      {grant && grant.status !== 'authorized' && (
        <Card
          variant="borderless"
          size="small"
          title={`数据纠错（${d.errorReports.length}）`}
          extra={
            canReport && (
              <Button
                size="small"
                icon={<AlertOutlined />}
                onClick={() => setReporting(true)}
                data-testid="error-report-create"
              >
                报告数据错误
              </Button>
            )
          }
          style={{ marginBottom: 16 }}
        >
          <Table<SharingErrorReport>
            rowKey="id"
            size="small"
            columns={reportColumns}
            dataSource={d.errorReports}
            pagination={false}
            scroll={{ x: 900 }}
            locale={{ emptyText: '没有数据纠错记录' }}
            data-testid="error-reports"
          />
        </Card>
      )}
      <ActionModal
        action={acting}
        detail={d}
        onCancel={() => setActing(null)}
        onDone={(next, action) => {
          setDetail(next);
          setActing(null);
          message.success(doneTexts[action]);
        }}
      />
      {grant && (
        <>
          <TextModal
            open={revoking}
            title="撤销授权"
            label="撤销理由"
            okText="确定撤销"
            danger
            placeholder="撤销后申请单位立即不能再使用该数据，请写明理由"
            testId="revoke"
            onCancel={() => setRevoking(false)}
            onOk={async (reason) => {
              await sharingApi.revoke(grant.id, reason);
              setRevoking(false);
              message.success('授权已撤销，申请单位会收到通知');
              await load();
            }}
          />
          <ErrorReportModal
            open={reporting}
            grantId={grant.id}
            onCancel={() => setReporting(false)}
            onDone={() => {
              setReporting(false);
              message.success('已报告，提供方会收到通知');
              void load();
            }}
          />
        </>
      )}
      <TextModal
        open={answering !== null}
        title="答复数据纠错"
        label="答复"
        okText="提交答复"
        placeholder="核实结果和更正情况"
        testId="answer"
        onCancel={() => setAnswering(null)}
        onOk={async (answer) => {
          await sharingApi.answerError(answering!.id, answer);
          setAnswering(null);
          message.success('已答复');
          await load();
        }}
      />
    </div>
  );
}
