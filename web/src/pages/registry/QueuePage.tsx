// 工作队列 (/registry/queue): 待录入, 被退回 (enterers), 待复核 (county), 待审核 (city),
// 待审批 (province), each searchable and filterable and exportable as XLSX. The city's
// "全部审核通过" and the province's "全部审批通过" are enabled only once every pending request
// of the list was opened (REG-06); the server checks the same and refuses otherwise.
import {
  CheckCircleOutlined,
  DownloadOutlined,
  EyeOutlined,
  ReloadOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useCallback, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { errorMessage } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import DivisionCascader from '../../components/DivisionCascader';
import PageHeader from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';
import { formatDateTime } from '../../utils/format';
import {
  queueLabels,
  registryApi,
  requestKindLabels,
  type QueueList,
  type QueueName,
  type QueueQuery,
  type RequestKind,
  type RequestSummary,
} from './api';
import { LockBanner, RequestStatusTag, useCategories, useRegistryOverview } from './common';

const PAGE_SIZE = 50;

const queueHints: Record<QueueName, string> = {
  to_enter:
    '已录入尚未提交的登记和申请。档案材料（身份证复印件、户口簿复印件）齐全后才能提交复核。',
  returned: '被上级退回的登记和申请：按退回理由修改后重新提交。',
  to_check: '乡镇（街道）和本级录入的数据：逐条逐项复核、完善后上报市级。',
  to_review:
    '县级上报的数据：逐条打开查看、核对后审核通过或退回。全部逐条查看后才能“全部审核通过”。',
  to_approve: '市级审核通过的数据：审批通过后系统按本省规则生成证书编号。',
};

/** Whether the caller acts on each queue. */
function queuesFor(can: (p: string) => boolean): QueueName[] {
  const list: QueueName[] = [
    ...(can('registry.enter') ? (['to_enter', 'returned'] as const) : []),
    ...(can('registry.check') ? (['to_check'] as const) : []),
    ...(can('registry.review') ? (['to_review'] as const) : []),
    ...(can('registry.approve') ? (['to_approve'] as const) : []),
  ];
  return list.length > 0 ? list : ['to_check', 'to_review', 'to_approve'];
}

/** Every pending request id of the filtered queue (all pages): what "review all" covers. */
async function allIds(query: QueueQuery): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: QueueList = await registryApi.queue(query, cursor, 500);
    ids.push(...page.items.map((r) => r.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

function QueueTable({ queue, onChanged }: { queue: QueueName; onChanged: () => void }) {
  const { message } = App.useApp();
  const categories = useCategories();
  const [q, setQ] = useState('');
  const [search, setSearch] = useState<string | undefined>(undefined);
  const [kind, setKind] = useState<RequestKind | undefined>(undefined);
  const [categoryCode, setCategoryCode] = useState<string | undefined>(undefined);
  const [divisionCode, setDivisionCode] = useState<string | undefined>(undefined);
  const [counts, setCounts] = useState<{ total: number; unopened: number } | null>(null);
  const [exporting, setExporting] = useState(false);
  const [bulkOpen, setBulkOpen] = useState(false);
  const [bulkBusy, setBulkBusy] = useState(false);
  const [bulkError, setBulkError] = useState<string | null>(null);
  const query: QueueQuery = {
    queue,
    ...(search ? { q: search } : {}),
    ...(kind ? { kind } : {}),
    ...(categoryCode ? { categoryCode } : {}),
    ...(divisionCode ? { divisionCode } : {}),
  };
  const fetchPage = useCallback(
    async (cursor: string | null, signal: AbortSignal) => {
      const page = await registryApi.queue(
        {
          queue,
          ...(search ? { q: search } : {}),
          ...(kind ? { kind } : {}),
          ...(categoryCode ? { categoryCode } : {}),
          ...(divisionCode ? { divisionCode } : {}),
        },
        cursor,
        PAGE_SIZE,
        signal,
      );
      setCounts({ total: page.total, unopened: page.unopened });
      return page;
    },
    [queue, search, kind, categoryCode, divisionCode],
  );
  const { items, nextCursor, loading, loadingMore, error, load } = useCursorList(
    fetchPage,
    (r: RequestSummary) => r.id,
  );
  const bulkAction = queue === 'to_review' ? 'pass' : queue === 'to_approve' ? 'approve' : null;
  const bulkLabel = bulkAction === 'pass' ? '全部审核通过' : '全部审批通过';
  const canBulk = counts !== null && counts.total > 0 && counts.unopened === 0;

  const exportXlsx = async () => {
    setExporting(true);
    try {
      const name = await registryApi.exportQueue(query);
      message.success(`已导出 ${name}`);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setExporting(false);
    }
  };

  const runBulk = async () => {
    if (!bulkAction) return;
    setBulkBusy(true);
    setBulkError(null);
    try {
      const ids = await allIds(query);
      const result = await registryApi.bulk(bulkAction, ids);
      setBulkOpen(false);
      message.success(
        bulkAction === 'approve'
          ? `已审批通过 ${result.done} 件，生成证书编号 ${result.certificateNumbers.length} 个`
          : `已审核通过 ${result.done} 件，转省级审批`,
      );
      await load(null);
      onChanged();
    } catch (e) {
      setBulkError(errorMessage(e));
    } finally {
      setBulkBusy(false);
    }
  };

  const columns: TableColumnsType<RequestSummary> = [
    {
      title: '申请编号',
      dataIndex: 'no',
      width: 150,
      render: (v: string, r) => (
        <Link
          to={`/registry/requests/${r.id}`}
          className="mono"
          data-testid="registry-request-link"
        >
          {v}
        </Link>
      ),
    },
    {
      title: '类型',
      dataIndex: 'kindLabel',
      width: 90,
    },
    {
      title: '姓名',
      dataIndex: 'name',
      width: 110,
      render: (v: string, r) => <Link to={`/registry/records/${r.recordId}`}>{v}</Link>,
    },
    {
      title: '公民身份号码',
      dataIndex: 'idNumberMasked',
      width: 180,
      render: (v: string) => <span className="mono">{v}</span>,
    },
    { title: '优抚类别', dataIndex: 'categoryName', width: 140 },
    { title: '行政区划', dataIndex: 'divisionName', width: 160 },
    { title: '录入单位', dataIndex: 'unitName', width: 160, ellipsis: true },
    {
      title: '状态',
      dataIndex: 'status',
      width: 100,
      render: (_: unknown, r) => <RequestStatusTag status={r.status} label={r.statusLabel} />,
    },
    ...(bulkAction
      ? [
          {
            title: '已查看',
            dataIndex: 'openedByMe',
            width: 90,
            render: (v: boolean) =>
              v ? (
                <Tag color="green" data-testid="registry-opened">
                  已查看
                </Tag>
              ) : (
                <Tag data-testid="registry-unopened">未查看</Tag>
              ),
          },
        ]
      : []),
    {
      title: '问题数据',
      dataIndex: 'openProblems',
      width: 90,
      render: (v: number) => (v > 0 ? <Tag color="orange">{v} 项</Tag> : '—'),
    },
    ...(queue === 'returned'
      ? [
          {
            title: '退回理由',
            dataIndex: 'returnReason',
            width: 220,
            render: (v: string | null) => v ?? '—',
          },
        ]
      : []),
    {
      title: '更新时间',
      dataIndex: 'updatedAt',
      width: 170,
      render: (v: string) => formatDateTime(v),
    },
  ];

  return (
    <div data-testid={`registry-queue-${queue}`}>
      <Typography.Paragraph type="secondary">{queueHints[queue]}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder="姓名、公民身份号码或编号"
          style={{ width: 260 }}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onSearch={(v) => setSearch(v.trim() || undefined)}
          data-testid="registry-queue-search"
        />
        <Select<RequestKind>
          allowClear
          placeholder="全部类型"
          style={{ width: 120 }}
          value={kind}
          onChange={(v) => setKind(v)}
          options={Object.entries(requestKindLabels).map(([value, label]) => ({
            value: value as RequestKind,
            label,
          }))}
          data-testid="registry-queue-kind"
        />
        <Select<string>
          allowClear
          placeholder="全部类别"
          style={{ width: 180 }}
          value={categoryCode}
          onChange={(v) => setCategoryCode(v)}
          options={categories.map((c) => ({ value: c.code, label: c.name }))}
          data-testid="registry-queue-category"
        />
        <DivisionCascader
          value={divisionCode ?? null}
          onChange={(v) => setDivisionCode(v)}
          placeholder="全部地区"
          style={{ width: 220 }}
        />
        <Button
          icon={<DownloadOutlined />}
          loading={exporting}
          onClick={() => void exportXlsx()}
          data-testid="registry-queue-export"
        >
          导出 XLSX
        </Button>
        <Tooltip title="刷新">
          <Button icon={<ReloadOutlined />} onClick={() => void load(null)} />
        </Tooltip>
      </Space>
      {bulkAction && counts && (
        <Alert
          type={canBulk ? 'success' : 'info'}
          showIcon
          icon={canBulk ? <CheckCircleOutlined /> : <EyeOutlined />}
          style={{ marginBottom: 12 }}
          data-testid="registry-bulk-summary"
          title={
            <span>
              本列表共 <b data-testid="registry-queue-total">{counts.total}</b> 件待办，未逐条查看{' '}
              <b data-testid="registry-queue-unopened">{counts.unopened}</b> 件
              {counts.unopened > 0 ? '：请逐条打开查看、核对后再使用“' + bulkLabel + '”。' : '。'}
            </span>
          }
          action={
            <Tooltip
              title={
                counts.total === 0
                  ? '没有待办'
                  : counts.unopened > 0
                    ? `还有 ${counts.unopened} 件未查看`
                    : ''
              }
            >
              <Button
                type="primary"
                disabled={!canBulk}
                onClick={() => setBulkOpen(true)}
                data-testid="registry-bulk"
                data-enabled={canBulk ? 'true' : 'false'}
              >
                {bulkLabel}
              </Button>
            </Tooltip>
          }
        />
      )}
      {error && (
        <Alert
          type="error"
          showIcon
          title="加载失败"
          description={error}
          style={{ marginBottom: 12 }}
        />
      )}
      <Table<RequestSummary>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={items}
        loading={loading}
        pagination={false}
        scroll={{ x: 1350 }}
        locale={{ emptyText: `没有${queueLabels[queue]}的数据` }}
        data-testid="registry-queue-table"
      />
      <div style={{ display: 'flex', justifyContent: 'space-between', marginTop: 16 }}>
        <Typography.Text type="secondary">
          已加载 {items.length} 条{counts ? `，共 ${counts.total} 条` : ''}
        </Typography.Text>
        {nextCursor && (
          <Button loading={loadingMore} onClick={() => void load(nextCursor)}>
            加载更多
          </Button>
        )}
      </div>
      <Modal
        open={bulkOpen}
        title={bulkLabel}
        okText={`确定${bulkLabel}`}
        cancelText="取消"
        okButtonProps={{ loading: bulkBusy, 'data-testid': 'registry-bulk-ok' }}
        onCancel={() => setBulkOpen(false)}
        onOk={() => void runBulk()}
        destroyOnHidden
        afterClose={() => setBulkError(null)}
        data-testid="registry-bulk-modal"
      >
        <Typography.Paragraph>
          将对本列表全部 {counts?.total ?? 0} 件待办
          {bulkAction === 'approve'
            ? '审批通过，并按本省证书编号规则生成证书编号'
            : '审核通过，转省级审批'}
          。请确认已逐条查看、核对。
        </Typography.Paragraph>
        {bulkError && (
          <Alert type="error" showIcon title={bulkError} data-testid="registry-bulk-error" />
        )}
      </Modal>
    </div>
  );
}

export default function QueuePage() {
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const { overview, reload } = useRegistryOverview();
  const queues = queuesFor(can);
  const asked = params.get('tab') as QueueName | null;
  const active = asked && queues.includes(asked) ? asked : queues[0]!;

  return (
    <div data-testid="registry-queue-page">
      <PageHeader
        title="优抚工作队列"
        subtitle="登记与变更申请逐级办理：录入 → 县级复核上报 → 市级审核 → 省级审批。"
      />
      <LockBanner overview={overview} />
      <Card variant="borderless">
        <Tabs
          activeKey={active}
          onChange={(k) => setParams({ tab: k }, { replace: true })}
          destroyOnHidden
          items={queues.map((q) => ({
            key: q,
            label: (
              <span data-testid={`registry-tab-${q}`}>
                {queueLabels[q]}
                {overview?.queues[q] ? `（${overview.queues[q]}）` : ''}
              </span>
            ),
            children: <QueueTable queue={q} onChanged={() => void reload()} />,
          }))}
        />
      </Card>
    </div>
  );
}
