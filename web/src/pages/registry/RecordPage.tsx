// 优抚对象详情 (/registry/records/:id): the person, category and benefit details, what is
// missing or wrong (findings), the scans, problem data, the request under way, and the whole
// history (every step with who, when and why; every version with its field changes). Buttons
// follow the server's `allowedActions`: edit, submit for re-check, ID card verification,
// change / transfer / suspend / resume / cancel, certificate completion, discard, print.
import {
  ArrowLeftOutlined,
  EditOutlined,
  FileProtectOutlined,
  PrinterOutlined,
  ReloadOutlined,
  SafetyOutlined,
  SendOutlined,
  StopOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Dropdown,
  Result,
  Row,
  Skeleton,
  Space,
  Table,
  Tabs,
  Tag,
  Tooltip,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, errorMessage } from '../../api/client';
import PageHeader from '../../components/PageHeader';
import { formatDateTime } from '../../utils/format';
import {
  registryApi,
  requestKindLabels,
  requestStatusLabels,
  type HistoryView,
  type Problem,
  type RecordDetail,
} from './api';
import { AttachmentsPanel } from './AttachmentsPanel';
import {
  LockBanner,
  ReasonModal,
  RecordStatusTag,
  useCategories,
  useRegistryOverview,
} from './common';
import { ActionTimeline, FindingsList, RecordInfo, VersionList } from './RecordInfo';
import { RequestFormModal, type FileableKind } from './RequestFormModal';
import { VerifyIdModal } from './VerifyIdModal';

const fileable: FileableKind[] = ['change', 'transfer', 'suspend', 'resume', 'cancel'];

/**
 * Whether `kind` may be filed now: the server allows filing (`file_request`) and the record's
 * status accepts the kind (suspend an approved record, resume a suspended one).
 */
function mayFile(r: RecordDetail, kind: FileableKind): boolean {
  if (!r.allowedActions.includes('file_request')) return false;
  if (kind === 'suspend') return r.status === 'approved';
  if (kind === 'resume') return r.status === 'suspended';
  return r.status === 'approved' || r.status === 'suspended';
}

export default function RecordPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const categories = useCategories();
  const { overview } = useRegistryOverview();
  const [record, setRecord] = useState<RecordDetail | null>(null);
  const [history, setHistory] = useState<HistoryView | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [filing, setFiling] = useState<FileableKind | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [discarding, setDiscarding] = useState(false);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const [r, h] = await Promise.all([registryApi.record(id), registryApi.history(id)]);
      setRecord(r);
      setHistory(h);
      setLoadError(null);
    } catch (e) {
      setLoadError(e instanceof ApiError ? e : new ApiError(0, {}));
    }
  }, [id]);

  useEffect(() => {
    setRecord(null);
    void load();
  }, [load]);

  if (loadError) {
    return (
      <Result
        status={loadError.status === 404 ? '404' : 'warning'}
        title="无法查看该优抚对象"
        subTitle={loadError.userMessage}
        extra={<Button onClick={() => void navigate('/registry/records')}>返回名册</Button>}
      />
    );
  }
  if (!record) return <Skeleton active paragraph={{ rows: 14 }} />;
  const r = record;
  const allowed = new Set(r.allowedActions);
  const open = r.openRequest;

  const submit = async () => {
    if (!open) return;
    setBusy(true);
    try {
      await registryApi.act(open.id, 'submit');
      message.success('已提交县级复核');
      await load();
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const completeCertificate = async () => {
    setBusy(true);
    try {
      const next = await registryApi.completeCertificate(r.id);
      setRecord(next);
      message.success(`已按规则生成证书编号 ${next.certificateNo ?? ''}`);
      await load();
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const fileMenu = fileable.filter((k) => mayFile(r, k));
  const problemColumns = [
    { title: '问题', dataIndex: 'kindLabel', width: 140 },
    { title: '说明', dataIndex: 'detail' },
    {
      title: '状态',
      dataIndex: 'status',
      width: 100,
      render: (s: Problem['status']) =>
        s === 'open' ? (
          <Tag color="orange">待清理</Tag>
        ) : (
          <Tag color="green">{s === 'cleared' ? '已核实' : '已更正'}</Tag>
        ),
    },
    {
      title: '发现时间',
      dataIndex: 'detectedAt',
      width: 170,
      render: (v: string) => formatDateTime(v),
    },
  ];

  return (
    <div data-testid="registry-record-page" data-record-id={r.id} data-status={r.status}>
      <PageHeader
        title={r.name}
        subtitle={
          <Space size={8} wrap>
            <span className="mono" data-testid="registry-record-no">
              {r.recordNo}
            </span>
            <RecordStatusTag status={r.status} label={r.statusLabel} />
            <Tag>{r.categoryName}</Tag>
            {r.certificateNo && (
              <span>
                证书编号 <b className="mono">{r.certificateNo}</b>
              </span>
            )}
            {open && (
              <Link to={`/registry/requests/${open.id}`} data-testid="registry-open-request">
                {requestKindLabels[open.kind]} {open.no} · {requestStatusLabels[open.status]}
              </Link>
            )}
          </Space>
        }
        extra={
          <Space wrap className="no-print">
            <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate('/registry/records')}>
              名册
            </Button>
            {allowed.has('edit') && (
              <Button
                icon={<EditOutlined />}
                onClick={() => void navigate(`/registry/records/${r.id}/edit`)}
                data-testid="registry-record-edit"
              >
                修改
              </Button>
            )}
            {allowed.has('verify_id') && (
              <Button
                icon={<SafetyOutlined />}
                onClick={() => setVerifying(true)}
                data-testid="registry-record-verify"
              >
                核验身份证原件
              </Button>
            )}
            {allowed.has('submit') && open && (
              <Tooltip
                title={
                  r.findings.some((f) => f.blocking)
                    ? '还有须处理的事项（见页面上方），处理后才能提交'
                    : ''
                }
              >
                <Button
                  type="primary"
                  icon={<SendOutlined />}
                  loading={busy}
                  onClick={() => void submit()}
                  data-testid="registry-record-submit"
                >
                  提交复核
                </Button>
              </Tooltip>
            )}
            {fileMenu.length > 0 && (
              <Dropdown
                menu={{
                  items: fileMenu.map((k) => ({
                    key: k,
                    label: <span data-testid={`registry-file-${k}`}>{requestKindLabels[k]}</span>,
                  })),
                  onClick: ({ key }) => setFiling(key as FileableKind),
                }}
              >
                <Button data-testid="registry-record-file">变更、迁移、暂停、注销…</Button>
              </Dropdown>
            )}
            {allowed.has('complete_certificate') && (
              <Button
                icon={<FileProtectOutlined />}
                loading={busy}
                onClick={() => void completeCertificate()}
                data-testid="registry-record-complete-certificate"
              >
                按规则补充证书编号
              </Button>
            )}
            {allowed.has('discard') && (
              <Button
                danger
                icon={<StopOutlined />}
                onClick={() => setDiscarding(true)}
                data-testid="registry-record-discard"
              >
                作废草稿
              </Button>
            )}
            <Button
              icon={<PrinterOutlined />}
              onClick={() => void navigate(`/registry/records/${r.id}/print`)}
              data-testid="registry-record-print"
            >
              登记表
            </Button>
            <Tooltip title="刷新">
              <Button icon={<ReloadOutlined />} onClick={() => void load()} />
            </Tooltip>
          </Space>
        }
      />
      <LockBanner overview={overview} />
      <FindingsList findings={r.findings} />
      {r.idVerification && (
        <Alert
          type="success"
          showIcon
          style={{ marginBottom: 16 }}
          title={`身份证原件已核验（核验人：${r.idVerification.verifiedBy}）`}
          description={`${r.idVerification.recordedByName} 于 ${formatDateTime(r.idVerification.at)} 登记${
            r.idVerification.note ? `：${r.idVerification.note}` : ''
          }`}
        />
      )}
      <Row gutter={16}>
        <Col xs={24} xl={15}>
          <Card
            variant="borderless"
            size="small"
            title="基本信息与抚恤优待信息"
            style={{ marginBottom: 16 }}
          >
            <RecordInfo r={r} />
          </Card>
          <div style={{ marginBottom: 16 }}>
            <AttachmentsPanel record={r} onChanged={(next) => setRecord(next)} />
          </div>
          {r.problems.length > 0 && (
            <Card variant="borderless" size="small" title="问题数据" style={{ marginBottom: 16 }}>
              <Table<Problem>
                rowKey="id"
                size="small"
                columns={problemColumns}
                dataSource={r.problems}
                pagination={false}
              />
            </Card>
          )}
        </Col>
        <Col xs={24} xl={9}>
          <Card
            variant="borderless"
            size="small"
            title="办理记录与版本"
            style={{ marginBottom: 16 }}
          >
            <Tabs
              items={[
                {
                  key: 'actions',
                  label: '办理记录',
                  children: (
                    <ActionTimeline actions={history?.actions ?? []} testId="registry-history" />
                  ),
                },
                {
                  key: 'versions',
                  label: `版本（${history?.versions.length ?? 0}）`,
                  children: <VersionList versions={history?.versions ?? []} />,
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <RequestFormModal
        record={r}
        kind={filing}
        categories={categories}
        onCancel={() => setFiling(null)}
        onDone={(req) => {
          setFiling(null);
          message.success(`已建立${req.kindLabel}申请 ${req.no}，请核对后提交复核`);
          void navigate(`/registry/requests/${req.id}`);
        }}
      />
      <VerifyIdModal
        open={verifying}
        record={r}
        onCancel={() => setVerifying(false)}
        onDone={(next) => {
          setVerifying(false);
          setRecord(next);
          message.success('已登记身份证原件核验');
          void load();
        }}
      />
      <ReasonModal
        open={discarding}
        title="作废草稿"
        label="作废原因"
        okText="确定作废"
        danger
        testId="registry-discard"
        onCancel={() => setDiscarding(false)}
        onOk={async (reason) => {
          setRecord(await registryApi.discardRecord(r.id, reason));
          setDiscarding(false);
          message.success('草稿已作废');
          await load();
        }}
      />
    </div>
  );
}
