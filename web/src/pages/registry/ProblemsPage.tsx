// 问题数据 (/registry/problems): what the screening flagged (key data missing, invalid ID
// numbers, category and benefit not matching, suspected duplicates), per county with its
// clean-up rate (REG-11). The county checks each against the file materials and clears it
// (the data is right) or confirms it was corrected; the province runs the screening.
import { ReloadOutlined, ScanOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Progress,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useCallback, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import PageHeader from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';
import { formatDateTime } from '../../utils/format';
import { registryApi, type Problem, type ProblemList } from './api';

type County = ProblemList['counties'][number];

function percent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

function ResolveModal({
  problem,
  onCancel,
  onDone,
}: {
  problem: Problem | null;
  onCancel: () => void;
  onDone: () => void;
}) {
  const [form] = Form.useForm<{ resolution: 'cleared' | 'corrected'; note: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal
      open={problem !== null}
      title="清理问题数据"
      okText="确定"
      cancelText="取消"
      okButtonProps={{ loading: busy, 'data-testid': 'registry-resolve-ok' }}
      onCancel={onCancel}
      destroyOnHidden
      afterClose={() => {
        form.resetFields();
        setError(null);
      }}
      onOk={() =>
        void form.validateFields().then(
          async (v) => {
            if (!problem) return;
            setBusy(true);
            setError(null);
            try {
              await registryApi.resolveProblem(problem.id, v.resolution, v.note.trim());
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
      data-testid="registry-resolve-modal"
    >
      {problem && (
        <Typography.Paragraph>
          {problem.personName}（{problem.recordNo}）：{problem.kindLabel}。{problem.detail}
        </Typography.Paragraph>
      )}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ resolution: 'cleared' }}
      >
        <Form.Item name="resolution" label="核查结果" rules={[{ required: true }]}>
          <Radio.Group
            options={[
              { value: 'cleared', label: '对照档案核实无误（清理）' },
              { value: 'corrected', label: '已在系统中更正' },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="note"
          label="核查依据"
          rules={[{ required: true, whitespace: true, min: 2, message: '请写明核查依据' }]}
        >
          <Input.TextArea rows={3} maxLength={500} showCount data-testid="registry-resolve-note" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function ProblemsPage() {
  const { can } = useAuth();
  const { message } = App.useApp();
  const [countyCode, setCountyCode] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<Problem['status'] | undefined>('open');
  const [counties, setCounties] = useState<County[]>([]);
  const [resolving, setResolving] = useState<Problem | null>(null);
  const [screening, setScreening] = useState(false);

  const fetchPage = useCallback(
    async (cursor: string | null, signal: AbortSignal) => {
      const page = await registryApi.problems(
        { ...(countyCode ? { countyCode } : {}), ...(status ? { status } : {}) },
        cursor,
        100,
        signal,
      );
      setCounties(page.counties);
      return page;
    },
    [countyCode, status],
  );
  const { items, nextCursor, loading, loadingMore, error, load } = useCursorList(
    fetchPage,
    (p: Problem) => p.id,
  );

  const screen = async () => {
    setScreening(true);
    try {
      const r = await registryApi.screenProblems();
      message.success(
        `已筛查 ${r.scanned} 条，发现问题 ${r.flagged} 项，已自动确认更正 ${r.corrected} 项`,
      );
      await load(null);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setScreening(false);
    }
  };

  const countyColumns: TableColumnsType<County> = [
    { title: '县（市、区）', dataIndex: 'countyName' },
    { title: '问题数据', dataIndex: 'total', width: 100 },
    { title: '待清理', dataIndex: 'open', width: 90 },
    { title: '已清理', dataIndex: 'resolved', width: 90 },
    {
      title: '清理率',
      dataIndex: 'cleanupRate',
      width: 200,
      render: (v: number | null) =>
        v === null ? '—' : <Progress percent={Math.round(v * 1000) / 10} size="small" />,
    },
  ];
  const columns: TableColumnsType<Problem> = [
    { title: '县（市、区）', dataIndex: 'countyName', width: 140 },
    {
      title: '优抚对象',
      key: 'person',
      width: 200,
      render: (_: unknown, p) => (
        <Link to={`/registry/records/${p.recordId}`}>
          {p.personName} <span className="mono">{p.recordNo}</span>
        </Link>
      ),
    },
    { title: '问题', dataIndex: 'kindLabel', width: 150 },
    { title: '说明', dataIndex: 'detail' },
    {
      title: '状态',
      dataIndex: 'status',
      width: 200,
      render: (s: Problem['status'], p) =>
        s === 'open' ? (
          <Tag color="orange">待清理</Tag>
        ) : (
          <Tooltip
            title={`${p.resolvedByName ?? ''} ${formatDateTime(p.resolvedAt)}：${p.resolutionNote ?? ''}`}
          >
            <Tag color="green">{s === 'cleared' ? '核实无误' : '已更正'}</Tag>
          </Tooltip>
        ),
    },
    {
      title: '发现时间',
      dataIndex: 'detectedAt',
      width: 170,
      render: (v: string) => formatDateTime(v),
    },
    ...(can('registry.check')
      ? [
          {
            title: '',
            key: 'resolve',
            width: 90,
            render: (_: unknown, p: Problem) =>
              p.status === 'open' ? (
                <Button size="small" onClick={() => setResolving(p)} data-testid="registry-resolve">
                  清理
                </Button>
              ) : null,
          },
        ]
      : []),
  ];

  return (
    <div data-testid="registry-problems-page">
      <PageHeader
        title="问题数据"
        subtitle="系统筛查出的问题数据，县级对照档案材料核查后清理或更正；省级每半年至少筛查一次并通报。"
        extra={
          can('registry.manage') && (
            <Button
              type="primary"
              icon={<ScanOutlined />}
              loading={screening}
              onClick={() => void screen()}
              data-testid="registry-screen"
            >
              问题数据筛查
            </Button>
          )
        }
      />
      <Card variant="borderless" title="各县清理情况" size="small" style={{ marginBottom: 16 }}>
        <Table<County>
          rowKey="countyCode"
          size="small"
          columns={countyColumns}
          dataSource={counties}
          pagination={false}
          onRow={(c) => ({
            onClick: () => setCountyCode(c.countyCode),
            style: { cursor: 'pointer' },
          })}
          locale={{ emptyText: '暂无问题数据' }}
          data-testid="registry-problem-counties"
        />
      </Card>
      <Card variant="borderless" size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <Select<string>
            allowClear
            placeholder="全部县（市、区）"
            style={{ width: 200 }}
            value={countyCode}
            onChange={setCountyCode}
            options={counties.map((c) => ({ value: c.countyCode, label: c.countyName }))}
          />
          <Select<Problem['status']>
            allowClear
            placeholder="全部状态"
            style={{ width: 140 }}
            value={status}
            onChange={setStatus}
            options={[
              { value: 'open', label: '待清理' },
              { value: 'cleared', label: '核实无误' },
              { value: 'corrected', label: '已更正' },
            ]}
          />
          <Tooltip title="刷新">
            <Button icon={<ReloadOutlined />} onClick={() => void load(null)} />
          </Tooltip>
          <Typography.Text type="secondary">
            全部清理率：
            {percent(
              counties.reduce((s, c) => s + c.total, 0) === 0
                ? null
                : counties.reduce((s, c) => s + c.resolved, 0) /
                    counties.reduce((s, c) => s + c.total, 0),
            )}
          </Typography.Text>
        </Space>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Table<Problem>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={items}
          loading={loading}
          pagination={false}
          scroll={{ x: 1200 }}
          locale={{ emptyText: '没有符合条件的问题数据' }}
          data-testid="registry-problems-table"
        />
        {nextCursor && (
          <div style={{ textAlign: 'right', marginTop: 12 }}>
            <Button loading={loadingMore} onClick={() => void load(nextCursor)}>
              加载更多
            </Button>
          </div>
        )}
      </Card>
      <ResolveModal
        problem={resolving}
        onCancel={() => setResolving(null)}
        onDone={() => {
          setResolving(null);
          message.success('已清理');
          void load(null);
        }}
      />
    </div>
  );
}
