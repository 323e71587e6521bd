// 共享申请 (/sharing): the queues of sharing requests — 待我处理 (steps my unit owes that I can
// act on), 本单位的申请 (as consumer), 向本单位的申请 (as provider), 全部 (supervisors) — with
// status, the open step's due date and 临期 / 超期 tags, read page by page.
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Select,
  Space,
  Table,
  Tabs,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useCallback, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { sharingApi } from '../../api/endpoints';
import type { SharingQueue, SharingRequestStatus, SharingRequestSummary } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import PageHeader from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';
import { formatDateTime } from '../../utils/format';
import { DueTag, RequestStatusTag, queueLabels, requestStatusLabels } from './common';

const PAGE_SIZE = 20;

const queueHints: Record<SharingQueue, string> = {
  todo: '等待本人办理的申请：平台预审、交付，提供方审批，争议协调。请在办理期限内处理。',
  mine: '本单位提出的共享申请。',
  provider: '其他部门向本单位申请共享的数据资源。',
  all: '辖区内全部共享申请（电子监察）。',
};

function QueueTable({ queue }: { queue: SharingQueue }) {
  const [status, setStatus] = useState<SharingRequestStatus | undefined>(undefined);
  const fetchPage = useCallback(
    (cursor: string | null, signal: AbortSignal) =>
      sharingApi.list(queue, cursor, status, PAGE_SIZE, signal),
    [queue, status],
  );
  const { items, nextCursor, loading, loadingMore, error, load } = useCursorList(
    fetchPage,
    (r: SharingRequestSummary) => r.id,
  );

  const columns: TableColumnsType<SharingRequestSummary> = [
    {
      title: '申请编号',
      dataIndex: 'number',
      width: 150,
      render: (v: string, r) => (
        <Link to={`/sharing/requests/${r.id}`} className="mono" data-testid="request-link">
          {v}
        </Link>
      ),
    },
    {
      title: '信息资源',
      dataIndex: 'resourceName',
      minWidth: 180,
      render: (v: string, r) => (
        <span>
          {v}
          <br />
          <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
            {r.resourceCode}
          </Typography.Text>
        </span>
      ),
    },
    { title: '申请单位', dataIndex: 'consumerName', width: 190 },
    { title: '提供方', dataIndex: 'providerName', width: 160 },
    {
      title: '状态',
      dataIndex: 'status',
      width: 110,
      render: (s: SharingRequestStatus, r) => <RequestStatusTag status={s} label={r.statusLabel} />,
    },
    {
      title: '办理期限',
      key: 'due',
      width: 160,
      render: (_: unknown, r) =>
        r.dueOn ? (
          <Space size={4}>
            <span data-testid="request-due">{r.dueOn}</span>
            <DueTag state={r.dueState} />
          </Space>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    {
      title: '更新时间',
      dataIndex: 'updatedAt',
      width: 170,
      render: (v: string) => formatDateTime(v),
    },
  ];

  return (
    <div data-testid={`sharing-queue-${queue}`}>
      <div
        style={{
          display: 'flex',
          justifyContent: 'space-between',
          alignItems: 'center',
          gap: 12,
          marginBottom: 12,
        }}
      >
        <Typography.Text type="secondary">{queueHints[queue]}</Typography.Text>
        <Space>
          <Select<SharingRequestStatus>
            allowClear
            placeholder="全部状态"
            style={{ width: 140 }}
            value={status}
            onChange={(v) => setStatus(v)}
            options={Object.entries(requestStatusLabels).map(([value, label]) => ({
              value: value as SharingRequestStatus,
              label,
            }))}
            data-testid="sharing-status-filter"
          />
          <Tooltip title="刷新">
            <Button icon={<ReloadOutlined />} onClick={() => void load(null)} />
          </Tooltip>
        </Space>
      </div>
      {error && (
        <Alert
          type="error"
          showIcon
          title="共享申请加载失败"
          description={error}
          style={{ marginBottom: 16 }}
        />
      )}
      <Table<SharingRequestSummary>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={items}
        loading={loading}
        pagination={false}
        scroll={{ x: 1100 }}
        rowClassName={(r) => (r.dueState === 'overdue' ? 'row-flagged' : '')}
        locale={{ emptyText: '暂无共享申请' }}
        data-testid="sharing-table"
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
          <Button
            loading={loadingMore}
            onClick={() => void load(nextCursor)}
            data-testid="sharing-more"
          >
            加载更多
          </Button>
        )}
      </div>
    </div>
  );
}

export default function RequestsPage() {
  const { can } = useAuth();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();

  const queues: SharingQueue[] = [
    ...(can('sharing.precheck') || can('sharing.approve') || can('sharing.coordinate')
      ? (['todo'] as const)
      : []),
    ...(can('sharing.request') ? (['mine'] as const) : []),
    ...(can('sharing.approve') ? (['provider'] as const) : []),
    ...(can('sharing.supervise') ? (['all'] as const) : []),
  ];
  if (queues.length === 0) queues.push('mine');
  const asked = params.get('tab') as SharingQueue | null;
  const active = asked && queues.includes(asked) ? asked : queues[0]!;

  return (
    <div data-testid="sharing-page">
      <PageHeader
        title="共享申请"
        subtitle="共享申请书的提交、预审、审批、交付和争议协调；每个环节按工作日计算办理期限。"
        extra={
          can('sharing.request') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => void navigate('/catalog')}
              data-testid="sharing-apply-from-catalog"
            >
              从目录申请
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
            label: <span data-testid={`sharing-tab-${q}`}>{queueLabels[q]}</span>,
            children: <QueueTable queue={q} />,
          }))}
        />
      </Card>
    </div>
  );
}
