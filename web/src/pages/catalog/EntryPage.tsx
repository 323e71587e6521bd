// 目录条目: one catalog entry with its elements, data items and “如何申请”, its versions and
// action log, the compliance findings, and the workflow buttons the server allows this user
// (`allowedActions`). A reviewer's opening of a submitted version is recorded when the page
// shows it (审核通过 needs it). Provider staff get a 数据 tab for structured entries.
import {
  CheckCircleOutlined,
  EditOutlined,
  EyeOutlined,
  ReloadOutlined,
  RollbackOutlined,
  SendOutlined,
  ShareAltOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Result,
  Skeleton,
  Space,
  Table,
  Tabs,
  Tag,
  Timeline,
  Tooltip,
  Typography,
} from 'antd';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError, errorMessage } from '../../api/client';
import { catalogApi } from '../../api/endpoints';
import type { EntryActionName, EntryDetail, VersionDetail, VersionStatus } from '../../api/types';
import { useAuth, useUser } from '../../auth/AuthContext';
import PageHeader from '../../components/PageHeader';
import { formatDate, formatDateTime } from '../../utils/format';
import { StatusTag, useVocabularies, type Vocab } from './common';
import DataTab from './DataTab';
import InterfacesTab from '../exchange/InterfacesTab';
import EntryContentView from './EntryContentView';
import FindingsList from './FindingsList';

/** Actions that need a reason typed in a dialog. */
const reasonActions: Partial<Record<EntryActionName, string>> = {
  return: '退回',
  retire: '停用',
};

const confirmTexts: Partial<Record<EntryActionName, string>> = {
  submit: '提交后条目进入待审核状态，审核期间不能修改。确定提交审核吗？',
  withdraw: '撤回后条目回到草稿状态，可继续修改。确定撤回吗？',
  approve: '审核通过后条目将交平台目录管理员发布。确定审核通过吗？',
  publish: '发布后条目即可被检索和申请使用。确定发布吗？',
  confirm_maintained: '确认该条目内容仍然准确有效（年度维护确认）？',
  discard: '作废后该草稿不能恢复。确定作废吗？',
  new_version: '将以当前发布版本为基础新建一个草稿版本，发布前原版本继续有效。确定新建版本吗？',
};

const doneTexts: Record<EntryActionName, string> = {
  submit: '已提交审核',
  withdraw: '已撤回',
  open: '已查阅',
  approve: '已审核通过',
  return: '已退回',
  publish: '已发布',
  retire: '已停用',
  confirm_maintained: '已完成年度维护确认',
  discard: '草稿已作废',
  new_version: '已新建版本，请修改后提交审核',
};

const actionColors: Record<string, string> = {
  return: 'red',
  retire: 'red',
  discard: 'gray',
  publish: 'green',
  approve: 'green',
  submit: 'blue',
  open: 'gray',
};

function ReasonModal({
  action,
  onCancel,
  onOk,
}: {
  action: EntryActionName | null;
  onCancel: () => void;
  onOk: (reason: string) => Promise<void>;
}) {
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const label = action ? (reasonActions[action] ?? '') : '';
  return (
    <Modal
      open={action !== null}
      title={`${label}理由`}
      okText={`确定${label}`}
      okButtonProps={{ danger: true, loading: busy, 'data-testid': 'reason-ok' }}
      onCancel={onCancel}
      destroyOnHidden
      afterClose={() => form.resetFields()}
      onOk={() =>
        void form.validateFields().then(
          async (v) => {
            setBusy(true);
            try {
              await onOk(v.reason.trim());
            } finally {
              setBusy(false);
            }
          },
          () => undefined, // the form shows what is missing
        )
      }
      data-testid="reason-modal"
    >
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="reason"
          label={`${label}理由`}
          rules={[{ required: true, whitespace: true, message: `请填写${label}理由` }]}
        >
          <Input.TextArea
            rows={4}
            maxLength={1000}
            showCount
            placeholder={
              action === 'return' ? '请说明需要修改的内容，编制人将据此修改' : '请说明停用原因'
            }
            data-testid="reason-input"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function VersionModal({
  entry,
  version,
  vocab,
  onClose,
}: {
  entry: EntryDetail;
  version: number | null;
  vocab: Vocab;
  onClose: () => void;
}) {
  const [detail, setDetail] = useState<VersionDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (version === null) return;
    let cancelled = false;
    setDetail(null);
    setError(null);
    catalogApi.version(entry.id, version).then(
      (d) => !cancelled && setDetail(d),
      (e: unknown) => !cancelled && setError(errorMessage(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [entry.id, version]);
  return (
    <Modal
      open={version !== null}
      title={`版本 v${version ?? ''}`}
      width={1000}
      footer={null}
      onCancel={onClose}
      data-testid="version-modal"
    >
      {error && <Alert type="error" showIcon title={error} />}
      {!detail && !error && <Skeleton active />}
      {detail && (
        <>
          <Space style={{ marginBottom: 12 }}>
            <StatusTag status={detail.status} vocab={vocab} />
            {detail.publishedAt && (
              <Typography.Text type="secondary">
                发布于 {formatDateTime(detail.publishedAt)}
              </Typography.Text>
            )}
          </Space>
          <EntryContentView
            content={detail.content}
            code={entry.code}
            providerName={entry.provider.name}
            providerCreditCode={entry.provider.creditCode}
            vocab={vocab}
          />
        </>
      )}
    </Modal>
  );
}

function HistoryTab({ entry, vocab }: { entry: EntryDetail; vocab: Vocab }) {
  const [viewing, setViewing] = useState<number | null>(null);
  return (
    <>
      <Card variant="borderless" size="small" title="版本">
        <Table
          rowKey="version"
          size="small"
          pagination={false}
          dataSource={[...entry.versions].reverse()}
          data-testid="entry-versions"
          columns={[
            { title: '版本', dataIndex: 'version', width: 80, render: (v: number) => `v${v}` },
            {
              title: '状态',
              dataIndex: 'status',
              width: 120,
              render: (s: VersionStatus) => <StatusTag status={s} vocab={vocab} />,
            },
            {
              title: '发布时间',
              dataIndex: 'publishedAt',
              render: (v: string | null) => formatDateTime(v),
            },
            {
              title: '操作',
              key: 'view',
              width: 100,
              render: (_: unknown, v) => (
                <Button
                  type="link"
                  size="small"
                  icon={<EyeOutlined />}
                  onClick={() => setViewing(v.version)}
                  data-testid={`version-view-${v.version}`}
                >
                  查看
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Card variant="borderless" size="small" title="流转记录" style={{ marginTop: 16 }}>
        {entry.actions.length === 0 ? (
          <Typography.Text type="secondary">无可查看的流转记录</Typography.Text>
        ) : (
          <Timeline
            data-testid="entry-actions"
            items={[...entry.actions].reverse().map((a, i) => ({
              key: i,
              color: actionColors[a.action] ?? 'blue',
              content: (
                <div data-testid="entry-action" data-action={a.action}>
                  <b>{a.label}</b>
                  <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                    v{a.version} · {a.actorName} · {formatDateTime(a.at)}
                  </Typography.Text>
                  {a.note && <div style={{ color: '#475569' }}>理由/意见：{a.note}</div>}
                </div>
              ),
            }))}
          />
        )}
      </Card>
      <VersionModal
        entry={entry}
        version={viewing}
        vocab={vocab}
        onClose={() => setViewing(null)}
      />
    </>
  );
}

export default function EntryPage() {
  const { id = '' } = useParams();
  const user = useUser();
  const { can } = useAuth();
  const navigate = useNavigate();
  const { message, modal } = App.useApp();
  const vocab = useVocabularies();
  const [entry, setEntry] = useState<EntryDetail | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<EntryActionName | null>(null);
  const [reasonFor, setReasonFor] = useState<EntryActionName | null>(null);
  const [openError, setOpenError] = useState<string | null>(null);
  const [tab, setTab] = useState('info');
  /** Versions this page already recorded as opened (one POST per version). */
  const opened = useRef(new Set<string>());

  const load = useCallback(async () => {
    try {
      setEntry(await catalogApi.get(id));
      setLoadError(null);
    } catch (e) {
      setLoadError(e instanceof ApiError ? e : new ApiError(0, {}));
    }
  }, [id]);

  useEffect(() => {
    setEntry(null);
    void load();
  }, [load]);

  const recordOpening = useCallback(async (e: EntryDetail) => {
    const key = `${e.id}:${e.workingVersion}`;
    opened.current.add(key);
    try {
      setEntry(await catalogApi.act(e.id, 'open'));
      setOpenError(null);
    } catch (err) {
      opened.current.delete(key);
      setOpenError(errorMessage(err));
    }
  }, []);

  // A reviewer looking at a submitted version: this is the opening the approval needs.
  useEffect(() => {
    if (!entry || !entry.allowedActions.includes('open') || entry.openedByMe) return;
    if (opened.current.has(`${entry.id}:${entry.workingVersion}`)) return;
    void recordOpening(entry);
  }, [entry, recordOpening]);

  const act = async (action: EntryActionName, note?: string) => {
    if (!entry) return;
    setBusy(action);
    try {
      const next = await catalogApi.act(entry.id, action, note);
      setEntry(next);
      setReasonFor(null);
      message.success(doneTexts[action]);
      if (action === 'new_version') void navigate(`/catalog/entries/${entry.id}/edit`);
    } catch (e) {
      if (e instanceof ApiError && e.errors.length > 0) {
        modal.error({
          title: e.userMessage,
          width: 560,
          content: (
            <ul style={{ paddingLeft: 20, margin: 0 }} data-testid="action-errors">
              {e.errors.map((fe, i) => (
                <li key={i}>{fe.message}</li>
              ))}
            </ul>
          ),
        });
      } else {
        message.error(errorMessage(e));
      }
      if (e instanceof ApiError && (e.status === 409 || e.status === 403)) void load();
    } finally {
      setBusy(null);
    }
  };

  const ask = (action: EntryActionName) => {
    if (reasonActions[action]) {
      setReasonFor(action);
      return;
    }
    const text = confirmTexts[action];
    if (!text) {
      void act(action);
      return;
    }
    modal.confirm({
      title: text,
      okText: '确定',
      cancelText: '取消',
      okButtonProps: { 'data-testid': 'confirm-ok' },
      onOk: () => act(action),
    });
  };

  if (loadError) {
    return (
      <Result
        status={loadError.status === 404 ? '404' : loadError.status === 403 ? '403' : 'error'}
        title={loadError.status === 404 ? '目录条目不存在' : '目录条目加载失败'}
        subTitle={loadError.userMessage}
        extra={
          <Button type="primary" onClick={() => void navigate('/catalog')}>
            返回目录检索
          </Button>
        }
        data-testid="entry-error"
      />
    );
  }
  if (!entry) return <Skeleton active paragraph={{ rows: 12 }} data-testid="entry-loading" />;

  const allowed = new Set(entry.allowedActions);
  const content = entry.working.content;
  const reviewing = allowed.has('approve');
  const editable = allowed.has('submit');
  const lastReturn = [...entry.actions].reverse().find((a) => a.action === 'return');
  const seesWorkingCopy = entry.actions.length > 0;
  const dataVisible =
    content.kind === 'table' &&
    user.unitId === entry.providerUnitId &&
    user.permissions.some((p) => p.startsWith('data.'));
  const errorsCount = entry.findings.filter((f) => f.severity === 'error').length;
  // 申请共享: another unit's 共享申请员, a published (live, not retired) entry.
  const liveContent = entry.live?.content ?? null;
  const applicable =
    can('sharing.request') &&
    user.unitId !== entry.providerUnitId &&
    liveContent !== null &&
    entry.status !== 'retired';
  const notShared =
    liveContent?.sharingType === 'none'
      ? `该资源为不予共享资源，不能申请共享。依据：${liveContent.legalBasis || '见“如何申请”'}`
      : liveContent?.sharingType === null
        ? '该资源未设置共享类型，不能申请共享。'
        : null;

  const button = (
    action: EntryActionName,
    label: string,
    props: { type?: 'primary'; danger?: boolean; icon?: ReactNode; disabled?: boolean } = {},
  ) =>
    allowed.has(action) && (
      <Button
        key={action}
        type={props.type}
        danger={props.danger}
        icon={props.icon}
        disabled={props.disabled || (busy !== null && busy !== action)}
        loading={busy === action}
        onClick={() => ask(action)}
        data-testid={`entry-action-${action}`}
      >
        {label}
      </Button>
    );

  const buttons = [
    applicable &&
      (notShared ? (
        <Tooltip key="apply" title={notShared}>
          <Button icon={<ShareAltOutlined />} disabled data-testid="entry-apply-sharing">
            申请共享
          </Button>
        </Tooltip>
      ) : (
        <Button
          key="apply"
          type="primary"
          icon={<ShareAltOutlined />}
          onClick={() => void navigate(`/sharing/new?resource=${encodeURIComponent(entry.id)}`)}
          data-testid="entry-apply-sharing"
        >
          申请共享
        </Button>
      )),
    editable && can('catalog.edit') && (
      <Button
        key="edit"
        icon={<EditOutlined />}
        onClick={() => void navigate(`/catalog/entries/${entry.id}/edit`)}
        data-testid="entry-edit"
      >
        编辑
      </Button>
    ),
    button('submit', '提交审核', { type: 'primary', icon: <SendOutlined /> }),
    button('withdraw', '撤回', { icon: <RollbackOutlined /> }),
    reviewing && (
      <Tooltip key="approve" title={entry.openedByMe ? '' : '正在记录查阅，完成后可审核通过'}>
        <span>
          {button('approve', '审核通过', {
            type: 'primary',
            icon: <CheckCircleOutlined />,
            disabled: !entry.openedByMe,
          })}
        </span>
      </Tooltip>
    ),
    button('publish', '发布', { type: 'primary' }),
    button('return', '退回', { danger: true }),
    button('new_version', '新建版本'),
    button('confirm_maintained', '年度维护确认'),
    button('retire', '停用', { danger: true }),
    button('discard', '作废草稿', { danger: true }),
  ].filter(Boolean);

  return (
    <div data-testid="entry-page" data-entry-id={entry.id}>
      <PageHeader
        title={content.name || entry.name}
        subtitle={
          <Space size={8} wrap>
            <span className="mono" data-testid="entry-code">
              {entry.code}
            </span>
            <span>{entry.providerName}</span>
            <StatusTag status={entry.status} vocab={vocab} />
            <Tag>
              当前版本 v{entry.workingVersion}
              {entry.publishedVersion !== null && entry.publishedVersion !== entry.workingVersion
                ? `（已发布 v${entry.publishedVersion}）`
                : ''}
            </Tag>
            {entry.stale && (
              <Tag color="red" data-testid="entry-stale-tag">
                超过一年未维护
              </Tag>
            )}
            {reviewing && entry.openedByMe && (
              <Tag color="green" icon={<EyeOutlined />} data-testid="entry-opened">
                已查阅
              </Tag>
            )}
          </Space>
        }
        extra={
          <Space wrap data-testid="entry-actions-bar">
            {buttons}
            <Tooltip title="刷新">
              <Button icon={<ReloadOutlined />} onClick={() => void load()} />
            </Tooltip>
          </Space>
        }
      />
      {entry.stale && (
        <Alert
          type="error"
          showIcon
          className="stale-banner"
          title="该条目超过一年未维护"
          description={`上次维护（发布或年度确认）于 ${formatDate(entry.maintainedAt)}。请核实目录内容：仍然准确的，进行“年度维护确认”；需要修改的，新建版本修改后提交审核。`}
          style={{ marginBottom: 16 }}
          data-testid="entry-stale"
        />
      )}
      {openError && (
        <Alert
          type="warning"
          showIcon
          title={`未能记录查阅：${openError}`}
          action={
            <Button size="small" onClick={() => void recordOpening(entry)}>
              重试
            </Button>
          }
          style={{ marginBottom: 16 }}
        />
      )}
      {applicable && notShared && (
        <Alert
          type="warning"
          showIcon
          title={notShared}
          style={{ marginBottom: 16 }}
          data-testid="entry-not-shared"
        />
      )}
      {entry.status === 'returned' && lastReturn && (
        <Alert
          type="warning"
          showIcon
          title={`已被 ${lastReturn.actorName} 退回（${formatDateTime(lastReturn.at)}）`}
          description={`退回理由：${lastReturn.note ?? '—'}`}
          style={{ marginBottom: 16 }}
          data-testid="entry-returned"
        />
      )}
      {entry.status === 'submitted' && reviewing && (
        <Alert
          type="info"
          showIcon
          title="请逐项核对目录要素、信息项和共享开放属性，无误后审核通过；有问题的请退回并说明理由。"
          style={{ marginBottom: 16 }}
        />
      )}
      <Tabs
        activeKey={tab}
        onChange={setTab}
        data-testid="entry-tabs"
        items={[
          {
            key: 'info',
            label: '目录信息',
            children: (
              <>
                {seesWorkingCopy && (
                  <Card
                    variant="borderless"
                    size="small"
                    title={
                      <span>
                        合规检查
                        {errorsCount > 0 && (
                          <Typography.Text type="danger" style={{ marginLeft: 8 }}>
                            {errorsCount} 项问题须修改后才能提交
                          </Typography.Text>
                        )}
                      </span>
                    }
                    style={{ marginBottom: 16 }}
                  >
                    <FindingsList findings={entry.findings} />
                  </Card>
                )}
                <EntryContentView
                  content={content}
                  code={entry.code}
                  providerName={entry.provider.name}
                  providerCreditCode={entry.provider.creditCode}
                  vocab={vocab}
                />
              </>
            ),
          },
          ...(dataVisible
            ? [
                {
                  key: 'data',
                  label: <span data-testid="entry-tab-data">数据（{entry.rowCount} 行）</span>,
                  children: <DataTab entry={entry} onChanged={() => void load()} />,
                },
              ]
            : []),
          ...(entry.live
            ? [
                {
                  key: 'interfaces',
                  label: <span data-testid="entry-tab-interfaces">接口</span>,
                  children: <InterfacesTab entryId={entry.id} />,
                },
              ]
            : []),
          {
            key: 'history',
            label: <span data-testid="entry-tab-history">版本与流转记录</span>,
            children: <HistoryTab entry={entry} vocab={vocab} />,
          },
        ]}
      />
      <ReasonModal
        action={reasonFor}
        onCancel={() => setReasonFor(null)}
        onOk={(reason) => act(reasonFor!, reason)}
      />
    </div>
  );
}
