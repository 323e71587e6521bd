// 数据锁定 (/registry/lock, province): before the ministry's annual central review the province
// locks its registry data so that nothing changes during the review, and unlocks it after
// (REG-10). While locked every registry page shows the banner and every change is refused.
import { LockOutlined, UnlockOutlined } from '@ant-design/icons';
import { App, Button, Card, Descriptions, Result, Skeleton } from 'antd';
import { useState } from 'react';
import PageHeader from '../../components/PageHeader';
import { formatDateTime } from '../../utils/format';
import { registryApi } from './api';
import { LockBanner, ReasonModal, useRegistryOverview } from './common';

export default function LockPage() {
  const { message } = App.useApp();
  const { overview, reload } = useRegistryOverview();
  const [asking, setAsking] = useState<'lock' | 'unlock' | null>(null);
  if (!overview) return <Skeleton active />;
  const l = overview.lock;
  return (
    <div data-testid="registry-lock-page" data-locked={l.locked ? 'true' : 'false'}>
      <PageHeader
        title="数据锁定"
        subtitle="民政部每年度集中审定优抚对象数据前锁定本省数据，审定完成后解锁。"
      />
      <LockBanner overview={overview} />
      <Card variant="borderless">
        <Result
          icon={l.locked ? <LockOutlined /> : <UnlockOutlined />}
          status={l.locked ? 'warning' : 'info'}
          title={l.locked ? '本省优抚数据已锁定' : '本省优抚数据未锁定'}
          subTitle={
            l.locked
              ? '锁定期间不能录入、修改、上报、审核或审批优抚数据。'
              : '锁定后各级都不能修改数据，直至解锁。'
          }
          extra={
            l.locked ? (
              <Button
                type="primary"
                icon={<UnlockOutlined />}
                onClick={() => setAsking('unlock')}
                data-testid="registry-unlock"
              >
                解除锁定
              </Button>
            ) : (
              <Button
                type="primary"
                danger
                icon={<LockOutlined />}
                onClick={() => setAsking('lock')}
                data-testid="registry-lock"
              >
                锁定数据
              </Button>
            )
          }
        />
        {l.lockedAt && (
          <Descriptions
            size="small"
            bordered
            column={1}
            items={[
              {
                key: 'by',
                label: l.locked ? '锁定人' : '最近操作人',
                children: l.lockedByName ?? '—',
              },
              { key: 'at', label: '时间', children: formatDateTime(l.lockedAt) },
              { key: 'reason', label: '原因', children: l.reason ?? '—' },
            ]}
          />
        )}
      </Card>
      <ReasonModal
        open={asking !== null}
        title={asking === 'lock' ? '锁定优抚数据' : '解除锁定'}
        label={asking === 'lock' ? '锁定原因' : '解锁原因'}
        okText={asking === 'lock' ? '确定锁定' : '确定解锁'}
        danger={asking === 'lock'}
        placeholder={
          asking === 'lock' ? '如：民政部 2025 年度优抚对象数据集中审定' : '如：集中审定工作已完成'
        }
        testId="registry-lock-reason"
        onCancel={() => setAsking(null)}
        onOk={async (reason) => {
          if (asking === 'lock') await registryApi.lock(reason);
          else await registryApi.unlock(reason);
          message.success(asking === 'lock' ? '已锁定' : '已解锁');
          setAsking(null);
          await reload();
        }}
      />
    </div>
  );
}
