// 目录工作台: the catalog work queues — the unit's own entries, those waiting for my review,
// those waiting for publication (platform managers) and those not maintained for a year.
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Space,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useCallback } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { catalogApi } from '../../api/endpoints';
import type { EntryQueue, EntrySummary, VersionStatus } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import PageHeader from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';
import { formatDate, formatDateTime } from '../../utils/format';
import { StatusTag, queueLabels, useVocabularies, type Vocab } from './common';

const PAGE_SIZE = 20;

const queueHints: Record<EntryQueue, string> = {
  unit: '本单位编制的全部目录条目。',
  review: '本单位编制员提交、等待审核的条目：逐条打开查阅后审核通过，或退回修改。',
  publish: '已通过提供方审核、等待平台发布的条目。',
  stale: '发布或年度确认后超过一年未维护的条目：请核实后进行年度维护确认或新建版本更新。',
  all: '辖区内全部目录条目。',
};

function QueueTable({ queue, vocab }: { queue: EntryQueue; vocab: Vocab }) {
  const fetchPage = useCallback(
    (cursor: string | null, signal: AbortSignal) =>
      catalogApi.list(queue, cursor, PAGE_SIZE, signal),
    [queue],
  );
  const { items, nextCursor, loading, loadingMore, error, load } = useCursorList(
    fetchPage,
    (e: EntrySummary) => e.id,
  );

  const columns: TableColumnsType<EntrySummary> = [
    {
      title: '信息资源名称',
      dataIndex: 'name',
      minWidth: 220,
      render: (name: string, e) => (
        <Space size={6}>
          <Link to={`/catalog/entries/${e.id}`} data-testid="work-entry-link">
            {name}
          </Link>
          {e.stale && <Tag color="red">超过一年未维护</Tag>}
        </Space>
      ),
    },
    {
      title: '资源代码',
      dataIndex: 'code',
      width: 150,
      render: (v: string) => <span className="mono">{v}</span>,
    },
    { title: '提供方', dataIndex: 'providerName', width: 180 },
    {
      title: '状态',
      dataIndex: 'status',
      width: 100,
      render: (s: VersionStatus) => <StatusTag status={s} vocab={vocab} />,
    },
    {
      title: '版本',
      key: 'version',
      width: 120,
      render: (_: unknown, e) => (
        <span>
          v{e.workingVersion}
          {e.publishedVersion !== null && e.publishedVersion !== e.workingVersion && (
            <Typography.Text type="secondary">（已发布 v{e.publishedVersion}）</Typography.Text>
          )}
        </span>
      ),
    },
    { title: '数据行数', dataIndex: 'rowCount', width: 90 },
    {
      title: '最近维护',
      dataIndex: 'maintainedAt',
      width: 110,
      render: (v: string | null) => formatDate(v),
    },
    {
      title: '更新时间',
      dataIndex: 'updatedAt',
      width: 170,
      render: (v: string) => formatDateTime(v),
    },
  ];

  return (
    <div data-testid={`work-queue-${queue}`}>
      <div
        style={{
          display: 'flex',
          justifyContent: 'space-between',
          alignItems: 'center',
          marginBottom: 12,
        }}
      >
        <Typography.Text type="secondary">{queueHints[queue]}</Typography.Text>
        <Tooltip title="刷新">
          <Button icon={<ReloadOutlined />} onClick={() => void load(null)} />
        </Tooltip>
      </div>
      {error && (
        <Alert
          type="error"
          showIcon
          title="目录条目加载失败"
          description={error}
          style={{ marginBottom: 16 }}
        />
      )}
      <Table<EntrySummary>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={items}
        loading={loading}
        pagination={false}
        scroll={{ x: 1100 }}
        rowClassName={(e) => (e.stale ? 'row-flagged' : '')}
        locale={{ emptyText: '暂无条目' }}
        data-testid="work-table"
      />
      <div
        style={{
          display: 'flex',
          justifyContent: 'space-between',
          alignItems: 'center',
          marginTop: 16,
        }}
      >
        <Typography.Text type="secondary">
          已加载 {items.length} 条
          {nextCursor ? '，还有更多' : items.length > 0 ? '，已全部加载' : ''}
        </Typography.Text>
        {nextCursor && (
          <Button loading={loadingMore} onClick={() => void load(nextCursor)}>
            加载更多
          </Button>
        )}
      </div>
    </div>
  );
}

export default function WorkbenchPage() {
  const { can } = useAuth();
  const navigate = useNavigate();
  const vocab = useVocabularies();
  const [params, setParams] = useSearchParams();

  const queues: EntryQueue[] = [
    ...(can('catalog.edit') || can('catalog.review') ? (['unit'] as const) : []),
    ...(can('catalog.review') ? (['review'] as const) : []),
    ...(can('catalog.publish') ? (['publish', 'all'] as const) : []),
    'stale',
  ];
  const preferred: EntryQueue = can('catalog.review')
    ? 'review'
    : can('catalog.publish')
      ? 'publish'
      : 'unit';
  const asked = params.get('tab') as EntryQueue | null;
  const active = asked && queues.includes(asked) ? asked : preferred;

  return (
    <div data-testid="catalog-work-page">
      <PageHeader
        title="目录工作台"
        subtitle="编制、审核、发布和年度维护数据资源目录。"
        extra={
          can('catalog.edit') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => void navigate('/catalog/entries/new')}
              data-testid="catalog-create"
            >
              新建条目
            </Button>
          )
        }
      />
      <Card variant="borderless">
        <Tabs
          activeKey={active}
          onChange={(k) => setParams({ tab: k }, { replace: true })}
          destroyOnHidden
          items={queues.map((q) => ({
            key: q,
            label: <span data-testid={`work-tab-${q}`}>{queueLabels[q]}</span>,
            children: <QueueTable queue={q} vocab={vocab} />,
          }))}
        />
      </Card>
    </div>
  );
}
