// 联网质量评估 (/registry/quality, REG-13): per city and county, the completeness and accuracy
// of records, the timeliness of reporting and of review, the problem-data clean-up rate; the
// province–ministry link and the monthly backups (规范 五(六)); the catalog entry that
// registers the data and its sharing type (REG-12).
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  Modal,
  Row,
  Segmented,
  Skeleton,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { BarChart } from '../../components/charts';
import PageHeader from '../../components/PageHeader';
import { formatDateTime } from '../../utils/format';
import { registryApi, type Backup, type Quality, type QualityRow } from './api';

type Metric =
  'completeness' | 'accuracy' | 'reportingTimeliness' | 'reviewTimeliness' | 'cleanupRate';

const metricLabels: Record<Metric, string> = {
  completeness: '信息完整性',
  accuracy: '信息准确性',
  reportingTimeliness: '上报及时性',
  reviewTimeliness: '审核审批及时性',
  cleanupRate: '问题数据清理率',
};

const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`);

function BackupModal({
  open,
  onCancel,
  onDone,
}: {
  open: boolean;
  onCancel: () => void;
  onDone: () => void;
}) {
  const [form] = Form.useForm<{ location: string; note?: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal
      open={open}
      title="登记数据备份"
      okText="登记"
      cancelText="取消"
      okButtonProps={{ loading: busy }}
      onCancel={onCancel}
      destroyOnHidden
      afterClose={() => {
        form.resetFields();
        setError(null);
      }}
      onOk={() =>
        void form.validateFields().then(
          async (v) => {
            setBusy(true);
            setError(null);
            try {
              await registryApi.recordBackup({
                location: v.location.trim(),
                ...(v.note?.trim() ? { note: v.note.trim() } : {}),
              });
              onDone();
            } catch (e) {
              setError(errorMessage(e));
            } finally {
              setBusy(false);
            }
          },
          () => undefined,
        )
      }
    >
      <Typography.Paragraph type="secondary">
        至少每个月备份一次优抚数据基础信息（不含照片），备份文件保留不少于 1 年。
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="location"
          label="备份文件存放位置"
          rules={[{ required: true, whitespace: true, min: 2, message: '请填写存放位置' }]}
        >
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="note" label="说明">
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function QualityPage() {
  const { can } = useAuth();
  const { message } = App.useApp();
  const [quality, setQuality] = useState<Quality | null>(null);
  const [backups, setBackups] = useState<Backup[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [metric, setMetric] = useState<Metric>('completeness');
  const [level, setLevel] = useState<'city' | 'county'>('county');
  const [recording, setRecording] = useState(false);

  const load = useCallback(async () => {
    try {
      const [q, b] = await Promise.all([registryApi.quality(), registryApi.backups()]);
      setQuality(q);
      setBackups(b);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  if (error) return <Alert type="error" showIcon title="质量评估加载失败" description={error} />;
  if (!quality) return <Skeleton active paragraph={{ rows: 12 }} />;

  const rows = quality.rows.filter((r) => r.level === level);
  const hasCity = quality.rows.some((r) => r.level === 'city');
  const province = quality.rows.find((r) => r.level === 'province');
  const chartData = rows
    .filter((r) => r[metric] !== null)
    .map((r) => ({ label: r.name, value: Math.round((r[metric] ?? 0) * 1000) / 10 }));

  const columns: TableColumnsType<QualityRow> = [
    { title: '地区', dataIndex: 'name', width: 160, fixed: 'left' },
    { title: '记录数', dataIndex: 'records', width: 90 },
    ...(Object.keys(metricLabels) as Metric[]).map((m) => ({
      title: metricLabels[m],
      dataIndex: m,
      width: 130,
      render: (v: number | null) => (
        <span style={{ color: v !== null && v < 0.8 ? '#b91c1c' : undefined }}>{pct(v)}</span>
      ),
    })),
    { title: '未清理问题', dataIndex: 'openProblems', width: 100 },
  ];

  return (
    <div data-testid="registry-quality-page">
      <PageHeader
        title="联网质量评估"
        subtitle={`生成于 ${formatDateTime(quality.generatedAt)}；审核审批及时性按 ${quality.reviewWorkingDays} 个工作日计算${
          quality.deadline ? `，上报及时性以申报截止日期 ${quality.deadline} 计算` : ''
        }。`}
        extra={
          <Tooltip title="刷新">
            <Button icon={<ReloadOutlined />} onClick={() => void load()} />
          </Tooltip>
        }
      />
      <Row gutter={16}>
        <Col xs={24} xl={16}>
          <Card
            variant="borderless"
            size="small"
            style={{ marginBottom: 16 }}
            title={
              <Segmented<Metric>
                value={metric}
                onChange={setMetric}
                options={(Object.keys(metricLabels) as Metric[]).map((m) => ({
                  value: m,
                  label: metricLabels[m],
                }))}
                data-testid="registry-quality-metric"
              />
            }
            extra={
              hasCity && (
                <Segmented<'city' | 'county'>
                  value={level}
                  onChange={setLevel}
                  options={[
                    { value: 'city', label: '按市' },
                    { value: 'county', label: '按县' },
                  ]}
                />
              )
            }
          >
            <BarChart
              data={chartData}
              unit="%"
              height={280}
              title={`${metricLabels[metric]}（${level === 'city' ? '各市' : '各县'}）`}
              data-testid="registry-quality-chart"
            />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card variant="borderless" size="small" title="全省概况" style={{ marginBottom: 16 }}>
            <Descriptions
              size="small"
              column={1}
              items={[
                { key: 'records', label: '记录数', children: province?.records ?? '—' },
                ...(Object.keys(metricLabels) as Metric[]).map((m) => ({
                  key: m,
                  label: metricLabels[m],
                  children: pct(province?.[m] ?? null),
                })),
                {
                  key: 'link',
                  label: '部省联网',
                  children: <Tag>{quality.ministryLink.label}</Tag>,
                },
                {
                  key: 'backup',
                  label: '数据备份',
                  children: quality.lastBackup ? (
                    <span>
                      {formatDateTime(quality.lastBackup.at)}{' '}
                      {quality.backupCurrent ? (
                        <Tag color="green">按月备份</Tag>
                      ) : (
                        <Tag color="red">超过一个月未备份</Tag>
                      )}
                    </span>
                  ) : (
                    <Tag color="red">未登记备份</Tag>
                  ),
                },
                {
                  key: 'catalog',
                  label: '资源目录',
                  children: quality.catalog.resourceId ? (
                    <Link to={`/catalog/entries/${quality.catalog.resourceId}`}>
                      {quality.catalog.code}（
                      {quality.catalog.sharingType === 'none'
                        ? '不予共享'
                        : '有条件共享（须经民政部批准）'}
                      ）
                    </Link>
                  ) : (
                    '未登记'
                  ),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <Card variant="borderless" size="small" title="各地评估明细" style={{ marginBottom: 16 }}>
        <Table<QualityRow>
          rowKey="code"
          size="small"
          columns={columns}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 1000 }}
          data-testid="registry-quality-table"
        />
      </Card>
      <Card
        variant="borderless"
        size="small"
        title="数据备份登记"
        extra={
          can('registry.manage') && (
            <Button size="small" icon={<PlusOutlined />} onClick={() => setRecording(true)}>
              登记备份
            </Button>
          )
        }
      >
        <Table<Backup>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={backups}
          locale={{ emptyText: '尚未登记备份' }}
          columns={[
            {
              title: '备份时间',
              dataIndex: 'at',
              width: 170,
              render: (v: string) => formatDateTime(v),
            },
            { title: '存放位置', dataIndex: 'location' },
            { title: '说明', dataIndex: 'note', render: (v: string | null) => v ?? '—' },
            { title: '登记人', dataIndex: 'recordedByName', width: 120 },
          ]}
        />
      </Card>
      <BackupModal
        open={recording}
        onCancel={() => setRecording(false)}
        onDone={() => {
          setRecording(false);
          message.success('已登记');
          void load();
        }}
      />
    </div>
  );
}
