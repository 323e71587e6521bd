// 授权 (/sharing/grants): the grants the unit holds as consumer (本单位获得的) and those it gave
// as provider (本单位授出的), with fields, modes, validity and status.
import { ReloadOutlined } from '@ant-design/icons';
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
import { useCallback, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { errorMessage } from '../../api/client';
import { sharingApi } from '../../api/endpoints';
import type { GrantStatus, SharingGrant } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import PageHeader from '../../components/PageHeader';
import { formatDateTime } from '../../utils/format';
import { GrantStatusTag, modeLabel } from './common';

type Side = 'consumer' | 'provider';

const sideLabels: Record<Side, string> = {
  consumer: '本单位获得的',
  provider: '本单位授出的',
};

function GrantTable({ side }: { side: Side }) {
  const [items, setItems] = useState<SharingGrant[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setItems((await sharingApi.grants(side)).items);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, [side]);

  useEffect(() => {
    void load();
  }, [load]);

  const columns: TableColumnsType<SharingGrant> = [
    {
      title: '信息资源',
      dataIndex: 'resourceName',
      minWidth: 180,
      render: (v: string, g) => (
        <span>
          <Link to={`/sharing/requests/${g.requestId}`} data-testid="grant-link">
            {v}
          </Link>
          <br />
          <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
            {g.requestNumber}
          </Typography.Text>
        </span>
      ),
    },
    side === 'consumer'
      ? { title: '提供方', dataIndex: 'providerName', width: 170 }
      : { title: '使用方', dataIndex: 'consumerName', width: 190 },
    {
      title: '授权信息项',
      key: 'fields',
      width: 240,
      render: (_: unknown, g) => g.fields.map((f) => f.name).join('、'),
    },
    {
      title: '使用方式',
      dataIndex: 'modes',
      width: 150,
      render: (modes: string[]) => (
        <Space size={2} wrap>
          {modes.map((m) => (
            <Tag key={m}>{modeLabel(m)}</Tag>
          ))}
        </Space>
      ),
    },
    {
      title: '有效期',
      key: 'valid',
      width: 200,
      render: (_: unknown, g) => `${g.validFrom} 至 ${g.validUntil}`,
    },
    {
      title: '状态',
      dataIndex: 'status',
      width: 150,
      render: (s: GrantStatus, g) => (
        <Space size={2} wrap>
          <GrantStatusTag status={s} />
          {g.onwardAllowed && <Tag color="cyan">可再共享</Tag>}
          {g.revokeReason && (
            <Tooltip title={`${formatDateTime(g.revokedAt)}：${g.revokeReason}`}>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                撤销理由
              </Typography.Text>
            </Tooltip>
          )}
        </Space>
      ),
    },
    {
      title: '交付时间',
      dataIndex: 'deliveredAt',
      width: 170,
      render: (v: string | null) => formatDateTime(v),
    },
  ];

  return (
    <div data-testid={`grants-${side}`}>
      <div style={{ display: 'flex', justifyContent: 'flex-end', marginBottom: 12 }}>
        <Tooltip title="刷新">
          <Button icon={<ReloadOutlined />} onClick={() => void load()} />
        </Tooltip>
      </div>
      {error && (
        <Alert
          type="error"
          showIcon
          title="授权加载失败"
          description={error}
          style={{ marginBottom: 16 }}
        />
      )}
      <Table<SharingGrant>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={items}
        loading={loading}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        scroll={{ x: 1200 }}
        locale={{ emptyText: '暂无授权' }}
        data-testid="grants-table"
      />
    </div>
  );
}

export default function GrantsPage() {
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const sides: Side[] = [
    ...(can('sharing.request') ? (['consumer'] as const) : []),
    ...(can('sharing.approve') ? (['provider'] as const) : []),
  ];
  if (sides.length === 0) sides.push('consumer', 'provider');
  const asked = params.get('side') as Side | null;
  const active = asked && sides.includes(asked) ? asked : sides[0]!;
  return (
    <div data-testid="grants-page">
      <PageHeader
        title="授权"
        subtitle="共享申请批准后形成的授权：使用方按授权的信息项、方式和有效期使用数据；提供方或平台可随时撤销。"
      />
      <Card variant="borderless">
        <Tabs
          activeKey={active}
          onChange={(k) => setParams({ side: k }, { replace: true })}
          destroyOnHidden
          items={sides.map((s) => ({
            key: s,
            label: <span data-testid={`grants-tab-${s}`}>{sideLabels[s]}</span>,
            children: <GrantTable side={s} />,
          }))}
        />
      </Card>
    </div>
  );
}
