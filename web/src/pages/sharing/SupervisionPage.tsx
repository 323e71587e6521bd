// 电子监察 (/sharing/supervision, sharing.supervise): requests counted by status, each unit's
// open, due-soon, overdue and late-closed steps, and every open step by due date.
import { ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Row,
  Skeleton,
  Statistic,
  Table,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../api/client';
import { sharingApi } from '../../api/endpoints';
import type { SharingSupervision, SupervisedStep } from '../../api/types';
import PageHeader from '../../components/PageHeader';
import { formatDateTime, formatLongDate } from '../../utils/format';
import { StepStateTag } from './common';

type UnitRow = SharingSupervision['perUnit'][number];

const countOrder = [
  'prechecking',
  'provider_review',
  'authorized',
  'disputed',
  'granted',
  'rejected',
  'refused',
  'withdrawn',
];

export default function SupervisionPage() {
  const [data, setData] = useState<SharingSupervision | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setData(await sharingApi.supervision());
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const unitColumns: TableColumnsType<UnitRow> = [
    { title: '办理单位', dataIndex: 'unitName', minWidth: 200 },
    { title: '在办', dataIndex: 'open', width: 90, align: 'right' },
    {
      title: '临期',
      dataIndex: 'dueSoon',
      width: 90,
      align: 'right',
      render: (v: number) => (v > 0 ? <Typography.Text type="warning">{v}</Typography.Text> : v),
    },
    {
      title: '超期',
      dataIndex: 'overdue',
      width: 90,
      align: 'right',
      render: (v: number) => (v > 0 ? <Typography.Text type="danger">{v}</Typography.Text> : v),
    },
    { title: '超期办结', dataIndex: 'closedLate', width: 100, align: 'right' },
  ];

  const stepColumns: TableColumnsType<SupervisedStep> = [
    {
      title: '办理期限',
      dataIndex: 'dueOn',
      width: 120,
      defaultSortOrder: 'ascend',
      sorter: (a, b) => a.dueOn.localeCompare(b.dueOn),
      render: (v: string) => <span data-testid="supervision-due">{v}</span>,
    },
    {
      title: '状态',
      dataIndex: 'state',
      width: 90,
      filters: [
        { text: '临期', value: 'due_soon' },
        { text: '超期', value: 'overdue' },
        { text: '办理中', value: 'on_time' },
      ],
      onFilter: (v, s) => s.state === v,
      render: (_: unknown, s) => <StepStateTag state={s.state} daysLeft={s.workingDaysLeft} />,
    },
    { title: '环节', dataIndex: 'label', width: 120 },
    { title: '办理单位', dataIndex: 'assigneeUnitName', width: 200 },
    {
      title: '申请',
      key: 'request',
      minWidth: 220,
      render: (_: unknown, s) => (
        <span>
          <Link
            to={`/sharing/requests/${s.requestId}`}
            className="mono"
            data-testid="supervision-request-link"
          >
            {s.requestNumber}
          </Link>{' '}
          {s.resourceName}
          <br />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            申请单位：{s.consumerName}
          </Typography.Text>
        </span>
      ),
    },
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
  ];

  const counts = data
    ? [...data.counts].sort((a, b) => countOrder.indexOf(a.status) - countOrder.indexOf(b.status))
    : [];
  const total = counts.reduce((n, c) => n + c.count, 0);
  const dueSoon = data?.openSteps.filter((s) => s.state === 'due_soon').length ?? 0;
  const overdue = data?.openSteps.filter((s) => s.state === 'overdue').length ?? 0;

  return (
    <div data-testid="supervision-page">
      <PageHeader
        title="电子监察"
        subtitle={
          data
            ? `共享办理时限监察，截至 ${formatLongDate(data.today)}。临期、超期环节已通知办理单位。`
            : '共享办理时限监察。'
        }
        extra={
          <Tooltip title="刷新">
            <Button icon={<ReloadOutlined />} loading={loading} onClick={() => void load()} />
          </Tooltip>
        }
      />
      {error && (
        <Alert
          type="error"
          showIcon
          title="监察数据加载失败"
          description={error}
          style={{ marginBottom: 16 }}
        />
      )}
      {!data && !error && <Skeleton active paragraph={{ rows: 10 }} />}
      {data && (
        <>
          <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
            <Col xs={12} md={6}>
              <Card variant="borderless" size="small">
                <Statistic title="共享申请" value={total} suffix="件" />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card variant="borderless" size="small">
                <Statistic title="在办环节" value={data.openSteps.length} suffix="个" />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card variant="borderless" size="small" data-testid="supervision-due-soon">
                <Statistic
                  title="临期"
                  value={dueSoon}
                  suffix="个"
                  styles={{ content: { color: dueSoon > 0 ? '#d97706' : undefined } }}
                />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card variant="borderless" size="small" data-testid="supervision-overdue">
                <Statistic
                  title="超期"
                  value={overdue}
                  suffix="个"
                  styles={{ content: { color: overdue > 0 ? '#dc2626' : undefined } }}
                />
              </Card>
            </Col>
          </Row>
          <Row gutter={16}>
            <Col xs={24} xl={9}>
              <Card
                variant="borderless"
                size="small"
                title="按状态统计"
                style={{ marginBottom: 16 }}
              >
                <Table
                  rowKey="status"
                  size="small"
                  pagination={false}
                  dataSource={counts}
                  locale={{ emptyText: '暂无申请' }}
                  onRow={(c) => ({ 'data-status': c.status }) as object}
                  data-testid="supervision-counts"
                  columns={[
                    { title: '状态', dataIndex: 'label' },
                    { title: '件数', dataIndex: 'count', width: 90, align: 'right' },
                  ]}
                />
              </Card>
            </Col>
            <Col xs={24} xl={15}>
              <Card
                variant="borderless"
                size="small"
                title="按办理单位"
                style={{ marginBottom: 16 }}
              >
                <Table<UnitRow>
                  rowKey="unitId"
                  size="small"
                  pagination={false}
                  columns={unitColumns}
                  dataSource={data.perUnit}
                  rowClassName={(u) => (u.overdue > 0 ? 'row-flagged' : '')}
                  locale={{ emptyText: '暂无在办环节' }}
                  data-testid="supervision-units"
                />
              </Card>
            </Col>
          </Row>
          <Card variant="borderless" size="small" title="在办环节（按办理期限）">
            <Table<SupervisedStep>
              rowKey="id"
              size="small"
              columns={stepColumns}
              dataSource={data.openSteps}
              pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
              scroll={{ x: 1100 }}
              rowClassName={(s) => (s.state === 'overdue' ? 'row-flagged' : '')}
              onRow={(s) => ({ 'data-state': s.state, 'data-request': s.requestNumber }) as object}
              locale={{ emptyText: '没有在办环节' }}
              data-testid="supervision-steps"
            />
          </Card>
        </>
      )}
    </div>
  );
}
