// 优抚对象名册 (/registry/records): the records in the caller's area, searched by name, ID
// number, record or certificate number and filtered by category, status and area; approved
// historical records without a certificate number (REG-07) and records with problem data are
// one click away; the list exports as XLSX.
import { DownloadOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Input,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useCallback, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { errorMessage } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import DivisionCascader from '../../components/DivisionCascader';
import PageHeader from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';
import { formatDateTime } from '../../utils/format';
import {
  recordStatusLabels,
  registryApi,
  requestKindLabels,
  requestStatusLabels,
  type RecordListQuery,
  type RecordStatus,
  type RecordSummary,
} from './api';
import { LockBanner, RecordStatusTag, useCategories, useRegistryOverview } from './common';

const PAGE_SIZE = 50;

export default function RecordsPage() {
  const { can } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { overview } = useRegistryOverview();
  const categories = useCategories();
  const [q, setQ] = useState('');
  const [filters, setFilters] = useState<RecordListQuery>({
    ...(params.get('missingCertificate') === 'true' ? { missingCertificate: true } : {}),
    ...(params.get('withProblems') === 'true' ? { withProblems: true } : {}),
  });
  const [exporting, setExporting] = useState(false);
  const set = (patch: Partial<RecordListQuery>) => setFilters((f) => ({ ...f, ...patch }));

  const fetchPage = useCallback(
    (cursor: string | null, signal: AbortSignal) =>
      registryApi.records(filters, cursor, PAGE_SIZE, signal),
    [filters],
  );
  const { items, nextCursor, loading, loadingMore, error, load } = useCursorList(
    fetchPage,
    (r: RecordSummary) => r.id,
  );

  const exportXlsx = async () => {
    setExporting(true);
    try {
      message.success(`已导出 ${await registryApi.exportRecords(filters)}`);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setExporting(false);
    }
  };

  const columns: TableColumnsType<RecordSummary> = [
    {
      title: '档案编号',
      dataIndex: 'recordNo',
      width: 150,
      render: (v: string, r) => (
        <Link to={`/registry/records/${r.id}`} className="mono" data-testid="registry-record-link">
          {v}
        </Link>
      ),
    },
    { title: '姓名', dataIndex: 'name', width: 100 },
    {
      title: '公民身份号码',
      dataIndex: 'idNumberMasked',
      width: 180,
      render: (v: string) => <span className="mono">{v}</span>,
    },
    { title: '性别', dataIndex: 'sex', width: 60, render: (v: string | null) => v ?? '—' },
    { title: '优抚类别', dataIndex: 'categoryName', width: 150 },
    { title: '行政区划', dataIndex: 'divisionName', width: 170 },
    {
      title: '证书编号',
      dataIndex: 'certificateNo',
      width: 190,
      render: (v: string | null, r) =>
        v ? (
          <span className="mono">{v}</span>
        ) : r.status === 'approved' ? (
          <Tag color="orange">待补充</Tag>
        ) : (
          '—'
        ),
    },
    {
      title: '状态',
      dataIndex: 'status',
      width: 180,
      render: (_: unknown, r) => (
        <Space size={4} wrap>
          <RecordStatusTag status={r.status} label={r.statusLabel} />
          {r.openRequest && (
            <Tag color="blue">
              {requestKindLabels[r.openRequest.kind]}·{requestStatusLabels[r.openRequest.status]}
            </Tag>
          )}
        </Space>
      ),
    },
    {
      title: '问题数据',
      dataIndex: 'openProblems',
      width: 90,
      render: (v: number) => (v > 0 ? <Tag color="orange">{v} 项</Tag> : '—'),
    },
    {
      title: '更新时间',
      dataIndex: 'updatedAt',
      width: 170,
      render: (v: string) => formatDateTime(v),
    },
  ];

  return (
    <div data-testid="registry-records-page">
      <PageHeader
        title="优抚对象名册"
        subtitle="本级及下级的优抚对象；列表中公民身份号码部分隐藏，详情页完整显示并记入审计。"
        extra={
          can('registry.enter') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => void navigate('/registry/records/new')}
              data-testid="registry-record-new"
            >
              录入优抚对象
            </Button>
          )
        }
      />
      <LockBanner overview={overview} />
      <Card variant="borderless">
        <Space wrap style={{ marginBottom: 12 }}>
          <Input.Search
            allowClear
            placeholder="姓名、公民身份号码、档案或证书编号"
            style={{ width: 280 }}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onSearch={(v) => set({ q: v.trim() || undefined })}
            data-testid="registry-records-search"
          />
          <Select<string>
            allowClear
            placeholder="全部类别"
            style={{ width: 180 }}
            value={filters.categoryCode}
            onChange={(v) => set({ categoryCode: v })}
            options={categories.map((c) => ({ value: c.code, label: c.name }))}
          />
          <Select<RecordStatus>
            allowClear
            placeholder="全部状态"
            style={{ width: 120 }}
            value={filters.status}
            onChange={(v) => set({ status: v })}
            options={Object.entries(recordStatusLabels).map(([value, label]) => ({
              value: value as RecordStatus,
              label,
            }))}
          />
          <DivisionCascader
            value={filters.divisionCode ?? null}
            onChange={(v) => set({ divisionCode: v })}
            placeholder="全部地区"
            style={{ width: 220 }}
          />
          <Checkbox
            checked={filters.missingCertificate === true}
            onChange={(e) => set({ missingCertificate: e.target.checked || undefined })}
            data-testid="registry-records-missing-certificate"
          >
            已审批缺证书编号
          </Checkbox>
          <Checkbox
            checked={filters.withProblems === true}
            onChange={(e) => set({ withProblems: e.target.checked || undefined })}
          >
            有问题数据
          </Checkbox>
          <Button
            icon={<DownloadOutlined />}
            loading={exporting}
            onClick={() => void exportXlsx()}
            data-testid="registry-records-export"
          >
            导出 XLSX
          </Button>
          <Tooltip title="刷新">
            <Button icon={<ReloadOutlined />} onClick={() => void load(null)} />
          </Tooltip>
        </Space>
        {error && (
          <Alert
            type="error"
            showIcon
            title="加载失败"
            description={error}
            style={{ marginBottom: 12 }}
          />
        )}
        <Table<RecordSummary>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={items}
          loading={loading}
          pagination={false}
          scroll={{ x: 1500 }}
          locale={{ emptyText: '没有符合条件的优抚对象' }}
          data-testid="registry-records-table"
        />
        <div style={{ display: 'flex', justifyContent: 'space-between', marginTop: 16 }}>
          <Typography.Text type="secondary">已加载 {items.length} 条</Typography.Text>
          {nextCursor && (
            <Button loading={loadingMore} onClick={() => void load(nextCursor)}>
              加载更多
            </Button>
          )}
        </div>
      </Card>
    </div>
  );
}
