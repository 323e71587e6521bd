// 使用统计 (/exchange/usage): exchange calls per resource, grant or consumer unit over a date
// range — calls, records returned, errors, calls refused over the limits, answer times — with
// a bar chart per item and a line chart per day. A provider sees the calls on its resources,
// a consumer its own calls, the platform's supervisors everything in their division.
import { ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Row,
  Segmented,
  Space,
  Statistic,
  Table,
  Tooltip,
  type TableColumnsType,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../../api/client';
import { BarChart, LineChart } from '../../components/charts';
import PageHeader from '../../components/PageHeader';
import { shanghaiDate } from '../../utils/format';
import { exchangeApi, type UsageBy, type UsageReport } from './api';

const byLabels: Record<UsageBy, string> = {
  resource: '按资源',
  grant: '按授权',
  unit: '按使用单位',
};

const ms = (v: number | null) => (v === null ? '—' : `${v} ms`);

type Item = UsageReport['items'][number];

export default function UsagePage() {
  const [by, setBy] = useState<UsageBy>('resource');
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => {
    const to = dayjs(shanghaiDate());
    return [to.subtract(29, 'day'), to];
  });
  const [report, setReport] = useState<UsageReport | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setReport(
        await exchangeApi.usage({
          by,
          from: range[0].format('YYYY-MM-DD'),
          to: range[1].format('YYYY-MM-DD'),
        }),
      );
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, [by, range]);

  useEffect(() => {
    void load();
  }, [load]);

  const columns: TableColumnsType<Item> = [
    { title: byLabels[by].slice(1), dataIndex: 'label', minWidth: 220 },
    { title: '调用次数', dataIndex: 'calls', align: 'right', width: 110 },
    { title: '返回记录数', dataIndex: 'rows', align: 'right', width: 110 },
    { title: '错误', dataIndex: 'errors', align: 'right', width: 80 },
    {
      title: <Tooltip title="超过每秒限速或每日限额而被拒绝的调用">限流拒绝</Tooltip>,
      dataIndex: 'limited',
      align: 'right',
      width: 100,
    },
    {
      title: '平均响应',
      dataIndex: 'latencyAvgMs',
      align: 'right',
      width: 100,
      render: ms,
    },
    {
      title: <Tooltip title="95% 的调用在此时间内返回（按区间估计）">P95 响应</Tooltip>,
      dataIndex: 'latencyP95Ms',
      align: 'right',
      width: 100,
      render: ms,
    },
  ];

  const totals = report?.totals;
  // Every day of the range, days without calls as zero, so the line shows quiet days too.
  const byDay = new Map((report?.daily ?? []).map((d) => [d.day, d]));
  const days: { day: string; calls: number; errors: number }[] = [];
  if (report) {
    for (
      let d = dayjs(report.from);
      !d.isAfter(dayjs(report.to), 'day') && days.length < 400;
      d = d.add(1, 'day')
    ) {
      const day = d.format('YYYY-MM-DD');
      days.push({ day, calls: byDay.get(day)?.calls ?? 0, errors: byDay.get(day)?.errors ?? 0 });
    }
  }
  const top = (report?.items ?? []).slice(0, 12);

  return (
    <div data-testid="usage-page">
      <PageHeader
        title="使用统计"
        subtitle="接口调用次数、返回记录数、错误与响应时间"
        extra={
          <Space wrap>
            <Segmented<UsageBy>
              value={by}
              onChange={setBy}
              options={(Object.keys(byLabels) as UsageBy[]).map((k) => ({
                value: k,
                label: <span data-testid={`usage-by-${k}`}>{byLabels[k]}</span>,
              }))}
            />
            <DatePicker.RangePicker
              value={range}
              allowClear={false}
              onChange={(v) => {
                if (v?.[0] && v[1]) setRange([v[0], v[1]]);
              }}
              data-testid="usage-range"
            />
            <Tooltip title="刷新">
              <Button icon={<ReloadOutlined />} onClick={() => void load()} loading={loading} />
            </Tooltip>
          </Space>
        }
      />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title="调用次数"
              value={totals?.calls ?? 0}
              suffix="次"
              data-testid="usage-total-calls"
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title="返回记录数" value={totals?.rows ?? 0} suffix="条" />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title="错误 / 限流拒绝"
              value={`${totals?.errors ?? 0} / ${totals?.limited ?? 0}`}
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title="平均 / P95 响应"
              value={`${ms(totals?.latencyAvgMs ?? null)} / ${ms(totals?.latencyP95Ms ?? null)}`}
            />
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={24} lg={12}>
          <Card size="small">
            <BarChart
              title={`调用次数（${byLabels[by]}，前 12 项）`}
              unit="次"
              data={top.map((i) => ({ label: i.label, value: i.calls }))}
              data-testid="usage-bar-chart"
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small">
            <LineChart
              title="每日调用与错误"
              unit="次"
              series={[
                {
                  name: '调用',
                  points: days.map((d) => ({ label: d.day.slice(5), value: d.calls })),
                },
                {
                  name: '错误',
                  points: days.map((d) => ({ label: d.day.slice(5), value: d.errors })),
                },
              ]}
              data-testid="usage-line-chart"
            />
          </Card>
        </Col>
      </Row>
      <Card size="small">
        <Table<Item>
          rowKey="key"
          size="small"
          loading={loading}
          dataSource={report?.items ?? []}
          columns={columns}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: '所选期间没有接口调用' }}
          data-testid="usage-table"
        />
      </Card>
    </div>
  );
}
