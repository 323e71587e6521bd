// The registry card of the 工作台: the yearly reporting deadline the province set (REG-09), the
// lock (REG-10) and what waits in the caller's queues — shown to everyone with registry.read.
import { LockOutlined } from '@ant-design/icons';
import { Card, Space, Tag } from 'antd';
import { Link } from 'react-router';
import { queueLabels, type QueueName } from './api';
import { DeadlineNotice, useRegistryOverview } from './common';

const shown: QueueName[] = ['to_enter', 'returned', 'to_check', 'to_review', 'to_approve'];

export default function RegistryDashboardCard() {
  const { overview, error } = useRegistryOverview();
  const waiting = shown.filter((q) => (overview?.queues[q] ?? 0) > 0);
  return (
    <Card
      variant="borderless"
      title="优抚对象信息"
      size="small"
      style={{ marginTop: 16 }}
      extra={<Link to="/registry">优抚工作台 →</Link>}
      data-testid="registry-dashboard-card"
    >
      {error ? (
        <span>{error}</span>
      ) : (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <DeadlineNotice overview={overview} />
          {overview?.lock.locked && (
            <Tag color="orange" icon={<LockOutlined />} data-testid="registry-dashboard-locked">
              省级已锁定数据（民政部集中审定期间）
            </Tag>
          )}
          {waiting.length > 0 && (
            <Space wrap>
              {waiting.map((q) => (
                <Link key={q} to={`/registry/queue?tab=${q}`}>
                  <Tag color={q === 'returned' ? 'orange' : 'blue'}>
                    {queueLabels[q]} {overview?.queues[q]}
                  </Tag>
                </Link>
              ))}
            </Space>
          )}
        </Space>
      )}
    </Card>
  );
}
