// 申请详情 (/registry/requests/:id): a registration or change request on its way up — the
// proposal (for changes: each field before and after), the record with its scans, the levels
// it has passed and the action log. Opening the page as the level in turn records that the
// request was opened (the city's "全部审核通过" needs every one opened, REG-06). The county
// confirms each field one by one before reporting (REG-04); the city passes or returns with a
// reason; the province approves and sees the certificate number the rule gave (REG-07).
import {
  ArrowLeftOutlined,
  CheckCircleOutlined,
  EditOutlined,
  ReloadOutlined,
  RollbackOutlined,
  SafetyOutlined,
  SendOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Modal,
  Result,
  Row,
  Skeleton,
  Space,
  Steps,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, errorMessage } from '../../api/client';
import PageHeader from '../../components/PageHeader';
import {
  registryApi,
  type ProposedChange,
  type RequestActionName,
  type RequestDetail,
} from './api';
import { AttachmentsPanel } from './AttachmentsPanel';
import {
  LockBanner,
  ReasonModal,
  RequestStatusTag,
  displayValue,
  useCategories,
  useRegistryOverview,
} from './common';
import { ActionTimeline, FindingsList, RecordInfo } from './RecordInfo';
import { RequestFormModal } from './RequestFormModal';
import { VerifyIdModal } from './VerifyIdModal';

const stages = [
  { title: '录入', status: 'draft' },
  { title: '县级复核', status: 'pending_check' },
  { title: '市级审核', status: 'pending_review' },
  { title: '省级审批', status: 'pending_approval' },
  { title: '已审批', status: 'approved' },
] as const;

function WorkflowSteps({ d }: { d: RequestDetail }) {
  let current: number = stages.findIndex((s) => s.status === d.status);
  let status: 'process' | 'finish' | 'error' | 'wait' = 'process';
  if (d.status === 'approved') status = 'finish';
  if (d.status === 'returned' || d.status === 'withdrawn') {
    const last = [...d.actions]
      .reverse()
      .find((a) => a.action === 'return' || a.action === 'withdraw');
    current = Math.max(
      0,
      stages.findIndex((s) => s.status === last?.fromStatus),
    );
    status = 'error';
  }
  return (
    <Steps
      size="small"
      current={current}
      status={status}
      data-testid="registry-request-steps"
      items={stages.map((s, i) => ({
        title: s.title,
        content:
          i === current && d.status === 'returned'
            ? '已退回'
            : i === current && d.status === 'withdrawn'
              ? '已撤回'
              : undefined,
      }))}
    />
  );
}

/** 县级逐条逐项复核: every field ticked before reporting. */
function CheckList({
  d,
  checked,
  onChange,
}: {
  d: RequestDetail;
  checked: string[];
  onChange: (fields: string[]) => void;
}) {
  const all = d.checkFields.map((f) => f.field);
  const columns: TableColumnsType<RequestDetail['checkFields'][number]> = [
    {
      title: (
        <Checkbox
          checked={checked.length === all.length && all.length > 0}
          indeterminate={checked.length > 0 && checked.length < all.length}
          onChange={(e) => onChange(e.target.checked ? all : [])}
          data-testid="registry-check-all"
        />
      ),
      key: 'check',
      width: 48,
      render: (_: unknown, f) => (
        <Checkbox
          checked={checked.includes(f.field)}
          onChange={(e) =>
            onChange(
              e.target.checked ? [...checked, f.field] : checked.filter((x) => x !== f.field),
            )
          }
          data-testid={`registry-check-${f.field}`}
        />
      ),
    },
    { title: '项目', dataIndex: 'label', width: 200 },
    { title: '内容', dataIndex: 'value', render: (v: unknown) => displayValue(v) },
  ];
  return (
    <Table
      rowKey="field"
      size="small"
      columns={columns}
      dataSource={d.checkFields}
      pagination={false}
      data-testid="registry-check-table"
    />
  );
}

export default function RequestPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const categories = useCategories();
  const { overview } = useRegistryOverview();
  const [detail, setDetail] = useState<RequestDetail | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [checked, setChecked] = useState<string[]>([]);
  const [busy, setBusy] = useState<RequestActionName | null>(null);
  const [actError, setActError] = useState<string | null>(null);
  const [returning, setReturning] = useState(false);
  const [editing, setEditing] = useState(false);
  const [verifying, setVerifying] = useState(false);
  const [approvedNo, setApprovedNo] = useState<string | null>(null);
  const opening = useRef<string | null>(null);

  const load = useCallback(async () => {
    try {
      let d = await registryApi.request(id);
      // Viewing the request as the level in turn is what "opened" means.
      if (d.allowedActions.includes('open') && !d.openedByMe && opening.current !== d.id) {
        opening.current = d.id;
        d = await registryApi.act(d.id, 'open');
      }
      setDetail(d);
      setLoadError(null);
    } catch (e) {
      setLoadError(e instanceof ApiError ? e : new ApiError(0, {}));
    }
  }, [id]);

  useEffect(() => {
    setDetail(null);
    setChecked([]);
    setApprovedNo(null);
    void load();
  }, [load]);

  if (loadError) {
    return (
      <Result
        status={loadError.status === 404 ? '404' : 'warning'}
        title="无法查看该申请"
        subTitle={loadError.userMessage}
        extra={<Button onClick={() => void navigate('/registry/queue')}>返回工作队列</Button>}
      />
    );
  }
  if (!detail) return <Skeleton active paragraph={{ rows: 14 }} />;
  const d = detail;
  const allowed = new Set(d.allowedActions);

  const act = async (
    action: RequestActionName,
    extra: { note?: string; checkedFields?: string[] } = {},
  ) => {
    setBusy(action);
    setActError(null);
    try {
      const next = await registryApi.act(d.id, action, extra);
      setDetail(next);
      if (action === 'approve') setApprovedNo(next.record.certificateNo);
      message.success(
        {
          submit: '已提交县级复核',
          report: '已复核上报市级审核',
          pass: '审核通过，已转省级审批',
          approve: '审批通过',
          withdraw: '已撤回',
          return: '已退回',
          open: '已查看',
        }[action],
      );
    } catch (e) {
      setActError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  const lastReturn = [...d.actions].reverse().find((a) => a.action === 'return');
  const changeColumns: TableColumnsType<ProposedChange> = [
    { title: '项目', dataIndex: 'label', width: 200 },
    { title: '原内容', dataIndex: 'before', render: (v: unknown) => displayValue(v) },
    {
      title: '变更为',
      dataIndex: 'after',
      render: (v: unknown) => <b>{displayValue(v)}</b>,
    },
  ];
  const allChecked =
    d.checkFields.length > 0 && d.checkFields.every((f) => checked.includes(f.field));

  return (
    <div
      data-testid="registry-request-page"
      data-request-id={d.id}
      data-status={d.status}
      data-opened={d.openedByMe ? 'true' : 'false'}
    >
      <PageHeader
        title={`${d.kindLabel}：${d.name}`}
        subtitle={
          <Space size={8} wrap>
            <span className="mono" data-testid="registry-request-no">
              {d.no}
            </span>
            <RequestStatusTag status={d.status} label={d.statusLabel} />
            <Link to={`/registry/records/${d.recordId}`} data-testid="registry-request-record">
              {d.recordNo}
            </Link>
            <span>{d.categoryName}</span>
            <span>{d.divisionName}</span>
            {d.openedByMe && <Tag color="green">已查看</Tag>}
          </Space>
        }
        extra={
          <Space wrap className="no-print">
            <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate('/registry/queue')}>
              工作队列
            </Button>
            {d.kind === 'register' && d.record.allowedActions.includes('edit') && (
              <Button
                icon={<EditOutlined />}
                onClick={() => void navigate(`/registry/records/${d.recordId}/edit`)}
                data-testid="registry-request-edit"
              >
                修改
              </Button>
            )}
            {allowed.has('edit') && d.kind !== 'register' && (
              <Button
                icon={<EditOutlined />}
                onClick={() => setEditing(true)}
                data-testid="registry-request-edit"
              >
                修改申请
              </Button>
            )}
            {d.record.allowedActions.includes('verify_id') && (
              <Button icon={<SafetyOutlined />} onClick={() => setVerifying(true)}>
                核验身份证原件
              </Button>
            )}
            {allowed.has('submit') && (
              <Button
                type="primary"
                icon={<SendOutlined />}
                loading={busy === 'submit'}
                onClick={() => void act('submit')}
                data-testid="registry-request-action-submit"
              >
                {d.status === 'returned' ? '重新提交' : '提交复核'}
              </Button>
            )}
            {allowed.has('report') && (
              <Tooltip title={allChecked ? '' : '请逐项核对并勾选全部项目'}>
                <Button
                  type="primary"
                  icon={<SendOutlined />}
                  disabled={!allChecked}
                  loading={busy === 'report'}
                  onClick={() => void act('report', { checkedFields: checked })}
                  data-testid="registry-request-action-report"
                >
                  复核上报
                </Button>
              </Tooltip>
            )}
            {allowed.has('pass') && (
              <Button
                type="primary"
                icon={<CheckCircleOutlined />}
                loading={busy === 'pass'}
                onClick={() => void act('pass')}
                data-testid="registry-request-action-pass"
              >
                审核通过
              </Button>
            )}
            {allowed.has('approve') && (
              <Button
                type="primary"
                icon={<CheckCircleOutlined />}
                loading={busy === 'approve'}
                onClick={() => void act('approve')}
                data-testid="registry-request-action-approve"
              >
                审批通过
              </Button>
            )}
            {allowed.has('return') && (
              <Button
                danger
                icon={<RollbackOutlined />}
                onClick={() => setReturning(true)}
                data-testid="registry-request-action-return"
              >
                退回
              </Button>
            )}
            {allowed.has('withdraw') && (
              <Button
                loading={busy === 'withdraw'}
                onClick={() =>
                  Modal.confirm({
                    title: '撤回该申请？',
                    content: '撤回后申请结束，如仍需办理须重新提出。',
                    okText: '撤回',
                    cancelText: '取消',
                    onOk: () => act('withdraw'),
                  })
                }
                data-testid="registry-request-action-withdraw"
              >
                撤回
              </Button>
            )}
            <Tooltip title="刷新">
              <Button icon={<ReloadOutlined />} onClick={() => void load()} />
            </Tooltip>
          </Space>
        }
      />
      <LockBanner overview={overview} />
      {actError && (
        <Alert
          type="error"
          showIcon
          closable
          title={actError}
          style={{ marginBottom: 16 }}
          onClose={() => setActError(null)}
          data-testid="registry-request-error"
        />
      )}
      {d.status === 'approved' && (
        <Alert
          type="success"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="registry-request-approved"
          title={
            d.record.certificateNo ? (
              <span>
                已审批通过，证书编号：
                <b className="mono" data-testid="registry-approved-certificate">
                  {approvedNo ?? d.record.certificateNo}
                </b>
              </span>
            ) : (
              '已审批通过'
            )
          }
        />
      )}
      {d.status === 'returned' && lastReturn && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="registry-return-reason"
          title={`被 ${lastReturn.actorUnitName} 退回`}
          description={`退回理由：${lastReturn.note ?? '未写明'}（${lastReturn.actorName}）`}
        />
      )}
      <Card variant="borderless" size="small" style={{ marginBottom: 16 }}>
        <WorkflowSteps d={d} />
      </Card>
      <FindingsList findings={d.findings} />
      {allowed.has('report') && (
        <Card
          variant="borderless"
          size="small"
          title={`逐项复核（已核对 ${checked.length} / ${d.checkFields.length}）`}
          style={{ marginBottom: 16 }}
          data-testid="registry-check"
        >
          <Typography.Paragraph type="secondary">
            对照档案材料逐条逐项核对，勾选全部项目后才能上报市级。
          </Typography.Paragraph>
          <CheckList d={d} checked={checked} onChange={setChecked} />
        </Card>
      )}
      <Row gutter={16}>
        <Col xs={24} xl={15}>
          {d.changes.length > 0 && (
            <Card variant="borderless" size="small" title="申请内容" style={{ marginBottom: 16 }}>
              <Table<ProposedChange>
                rowKey="field"
                size="small"
                columns={changeColumns}
                dataSource={d.changes}
                pagination={false}
                data-testid="registry-request-changes"
              />
            </Card>
          )}
          {d.reason && (
            <Card variant="borderless" size="small" title="申请原因" style={{ marginBottom: 16 }}>
              {d.reason}
            </Card>
          )}
          <Card variant="borderless" size="small" title="优抚对象信息" style={{ marginBottom: 16 }}>
            <RecordInfo r={d.record} />
          </Card>
          <div style={{ marginBottom: 16 }}>
            <AttachmentsPanel
              record={d.record}
              onChanged={(record) => setDetail({ ...d, record })}
            />
          </div>
        </Col>
        <Col xs={24} xl={9}>
          <Card variant="borderless" size="small" title="办理记录" style={{ marginBottom: 16 }}>
            <ActionTimeline actions={d.actions} />
          </Card>
        </Col>
      </Row>
      <ReasonModal
        open={returning}
        title="退回"
        label="退回理由"
        okText="确定退回"
        danger
        placeholder="写明需要修改或补充的内容，录入人员据此修改后重新提交"
        testId="registry-return"
        onCancel={() => setReturning(false)}
        onOk={async (note) => {
          setDetail(await registryApi.act(d.id, 'return', { note }));
          setReturning(false);
          message.success('已退回');
        }}
      />
      {d.kind !== 'register' && (
        <RequestFormModal
          record={d.record}
          kind={editing ? d.kind : null}
          categories={categories}
          editing={d}
          onCancel={() => setEditing(false)}
          onDone={(next) => {
            setEditing(false);
            setDetail(next);
            message.success('申请已保存');
          }}
        />
      )}
      <VerifyIdModal
        open={verifying}
        record={d.record}
        onCancel={() => setVerifying(false)}
        onDone={() => {
          setVerifying(false);
          message.success('已登记身份证原件核验');
          void load();
        }}
      />
    </div>
  );
}
