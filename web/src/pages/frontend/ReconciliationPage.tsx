// 对账 (/frontend/reconciliation): the daily reconciliation report — per unit, what the
// department's source and the platform held after the front-end publications of the day,
// and the batch copies given and taken with the consumers' receipts. Every difference is
// named and its row highlighted. Units see their own report; the platform's supervisors
// every unit of their division with something that day.
import { ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Empty,
  Space,
  Spin,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../../api/client';
import PageHeader from '../../components/PageHeader';
import { formatDateTime, shanghaiDate } from '../../utils/format';
import {
  frontendApi,
  issueLabels,
  type BatchLine,
  type DailyReport,
  type Holdings,
  type Issue,
  type PublicationLine,
} from './api';
import './frontend.css';

function Issues({ issues }: { issues: Issue[] }) {
  if (issues.length === 0) return <Tag color="green">一致</Tag>;
  return (
    <Space size={4} wrap>
      {issues.map((i) => (
        <Tag key={i} color={i === 'no_publication' ? 'orange' : 'red'} data-testid={`issue-${i}`}>
          {issueLabels[i]}
        </Tag>
      ))}
    </Space>
  );
}

function HoldingsCell({ value }: { value: Holdings | null | undefined }) {
  if (!value) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Tooltip title={`SM3 ${value.checksum}`}>
      {value.rowCount} 行{' '}
      <span className="mono" style={{ fontSize: 12 }}>
        {value.checksum.slice(0, 10)}…
      </span>
    </Tooltip>
  );
}

const differs = (line: { issues: Issue[] }) => (line.issues.length > 0 ? 'row-difference' : '');

const publicationColumns: TableColumnsType<PublicationLine> = [
  {
    title: '信息资源',
    dataIndex: 'resourceName',
    render: (v: string, l) => (
      <span>
        {v}
        <br />
        <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
          {l.resourceCode}
        </Typography.Text>
      </span>
    ),
  },
  {
    title: '前置机',
    key: 'node',
    width: 200,
    render: (_: unknown, l) => (
      <Space size={4}>
        {l.nodeName}
        {l.mode === 'hold' ? <Tag color="purple">留存</Tag> : <Tag color="blue">发布</Tag>}
      </Space>
    ),
  },
  {
    title: '当日发布',
    key: 'count',
    width: 110,
    render: (_: unknown, l) =>
      l.mode === 'hold' ? '—' : `${l.applied} 次${l.rejected ? `，拒绝 ${l.rejected}` : ''}`,
  },
  {
    title: '源库持有',
    key: 'source',
    width: 170,
    render: (_: unknown, l) => <HoldingsCell value={l.last?.source} />,
  },
  {
    title: '平台持有',
    key: 'platform',
    width: 170,
    render: (_: unknown, l) => <HoldingsCell value={l.last?.platform} />,
  },
  {
    title: '差异',
    key: 'issues',
    width: 200,
    render: (_: unknown, l) =>
      l.mode === 'hold' ? (
        <Typography.Text type="secondary">数据不上传</Typography.Text>
      ) : (
        <Issues issues={l.issues} />
      ),
  },
];

function batchColumns(side: 'provider' | 'consumer'): TableColumnsType<BatchLine> {
  return [
    { title: '交付时间', dataIndex: 'deliveredAt', width: 170, render: formatDateTime },
    {
      title: '信息资源',
      dataIndex: 'resourceName',
      render: (v: string, b) => (
        <span>
          {v}
          <br />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {side === 'provider'
              ? `使用方：${b.consumerUnitName}`
              : `提供方：${b.providerUnitName}`}{' '}
            · {b.mode === 'changes' ? '增量' : '全量'} {b.format.toUpperCase()}
          </Typography.Text>
        </span>
      ),
    },
    {
      title: '平台交付',
      key: 'delivered',
      width: 170,
      render: (_: unknown, b) => <HoldingsCell value={b.delivered} />,
    },
    {
      title: '使用方回执',
      key: 'received',
      width: 170,
      render: (_: unknown, b) => <HoldingsCell value={b.received} />,
    },
    {
      title: '差异',
      key: 'issues',
      width: 200,
      render: (_: unknown, b) => <Issues issues={b.issues} />,
    },
  ];
}

export default function ReconciliationPage() {
  const [date, setDate] = useState<Dayjs>(() => dayjs(shanghaiDate()));
  const [report, setReport] = useState<DailyReport | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setReport(await frontendApi.report(date.format('YYYY-MM-DD')));
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, [date]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div data-testid="reconciliation-page">
      <PageHeader
        title="对账"
        subtitle="每日核对：前置机发布时源库与平台各持有的行数和校验值，批量复制交付给使用方的行数和校验值与使用方回执。有差异的行标红。"
        extra={
          <Space>
            <DatePicker
              value={date}
              allowClear={false}
              onChange={(d) => d && setDate(d)}
              disabledDate={(d) => d.isAfter(dayjs(shanghaiDate()), 'day')}
              data-testid="reconciliation-date"
            />
            <Button icon={<ReloadOutlined />} onClick={() => void load()}>
              刷新
            </Button>
          </Space>
        }
      />
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Spin spinning={loading}>
        {report && (
          <Space direction="vertical" size={16} style={{ width: '100%' }}>
            <Alert
              type={report.differences === 0 ? 'success' : 'warning'}
              showIcon
              data-testid="reconciliation-summary"
              message={
                report.differences === 0
                  ? `${report.date}：${report.units.length} 个单位，各方持有的数据一致`
                  : `${report.date}：${report.units.length} 个单位，发现 ${report.differences} 处差异`
              }
              description={`生成于 ${formatDateTime(report.generatedAt)}`}
            />
            {report.units.length === 0 && <Empty description="当日没有需要对账的发布或批量复制" />}
            {report.units.map((u) => (
              <Card
                key={u.unitId}
                title={u.unitName}
                extra={
                  u.differences > 0 ? (
                    <Tag color="red">{u.differences} 处差异</Tag>
                  ) : (
                    <Tag color="green">一致</Tag>
                  )
                }
                data-testid={`reconciliation-unit-${u.unitId}`}
              >
                <Space direction="vertical" size={12} style={{ width: '100%' }}>
                  {u.provider.publications.length > 0 && (
                    <>
                      <Typography.Title level={5} style={{ margin: 0 }}>
                        前置机发布（提供方）
                      </Typography.Title>
                      <Table<PublicationLine>
                        rowKey="resourceId"
                        size="small"
                        pagination={false}
                        dataSource={u.provider.publications}
                        columns={publicationColumns}
                        rowClassName={differs}
                      />
                    </>
                  )}
                  {u.provider.batches.length > 0 && (
                    <>
                      <Typography.Title level={5} style={{ margin: 0 }}>
                        提供的批量复制
                      </Typography.Title>
                      <Table<BatchLine>
                        rowKey="batchId"
                        size="small"
                        pagination={false}
                        dataSource={u.provider.batches}
                        columns={batchColumns('provider')}
                        rowClassName={differs}
                      />
                    </>
                  )}
                  {u.consumer.batches.length > 0 && (
                    <>
                      <Typography.Title level={5} style={{ margin: 0 }}>
                        获取的批量复制（使用方）
                      </Typography.Title>
                      <Table<BatchLine>
                        rowKey="batchId"
                        size="small"
                        pagination={false}
                        dataSource={u.consumer.batches}
                        columns={batchColumns('consumer')}
                        rowClassName={differs}
                      />
                    </>
                  )}
                  {u.provider.publications.length +
                    u.provider.batches.length +
                    u.consumer.batches.length ===
                    0 && <Typography.Text type="secondary">当日没有发布或批量复制</Typography.Text>}
                </Space>
              </Card>
            ))}
          </Space>
        )}
      </Spin>
    </div>
  );
}
