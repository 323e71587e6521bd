import { EditOutlined, HistoryOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
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
import { useCursorList } from '../../hooks/useCursorList';
import { unitApi, type UnitQuery } from '../../api/endpoints';
import type { Unit, UnitType } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import DivisionCascader from '../../components/DivisionCascader';
import PageHeader from '../../components/PageHeader';
import { formatDateTime, unitTypeColors, unitTypeLabels } from '../../utils/format';
import UnitFormModal, { unitTypeOptions } from './UnitFormModal';
import UnitHistoryDrawer from './UnitHistoryDrawer';

const PAGE_SIZE = 20;

interface Filters {
  q: string;
  divisionCode?: string;
  type?: UnitType;
}

export default function UnitsPage() {
  const { can } = useAuth();
  const canManage = can('org.manage');
  const [qInput, setQInput] = useState('');
  const [filters, setFilters] = useState<Filters>({ q: '' });
  const [justCreated, setJustCreated] = useState<string | null>(null);
  const [modal, setModal] = useState<{ open: boolean; unit: Unit | null; key: number } | null>(
    null,
  );
  const [historyOf, setHistoryOf] = useState<Unit | null>(null);

  const fetchUnits = useCallback(
    (cursor: string | null, signal: AbortSignal) => {
      const query: UnitQuery = {
        q: filters.q || undefined,
        divisionCode: filters.divisionCode,
        type: filters.type,
        cursor,
        limit: PAGE_SIZE,
      };
      return unitApi.list(query, signal);
    },
    [filters],
  );
  const { items, setItems, nextCursor, loading, loadingMore, error, load } = useCursorList(
    fetchUnits,
    (u: Unit) => u.id,
  );
  /** Reloads from the first page; a unit just created stays visible at the top. */
  const fetchPage = (cursor: string | null, pinned?: Unit) =>
    load(
      cursor,
      pinned
        ? (list) => (list.some((u) => u.id === pinned.id) ? list : [pinned, ...list])
        : undefined,
    );

  const onSaved = (unit: Unit, created: boolean) => {
    setModal((m) => (m ? { ...m, open: false } : m));
    if (created) {
      setJustCreated(unit.id);
      void fetchPage(null, unit);
    } else {
      setItems((list) => list.map((u) => (u.id === unit.id ? unit : u)));
    }
  };

  const columns: TableColumnsType<Unit> = [
    {
      title: '单位名称',
      dataIndex: 'name',
      minWidth: 220,
      render: (name: string, u) => (
        <Space size={6}>
          <span data-testid="unit-cell-name">{name}</span>
          {u.id === justCreated && <Tag color="green">新建</Tag>}
        </Space>
      ),
    },
    {
      title: '统一社会信用代码',
      dataIndex: 'creditCode',
      width: 190,
      render: (v: string | null) =>
        v ? (
          <Typography.Text style={{ fontFamily: 'ui-monospace, Menlo, Consolas, monospace' }}>
            {v}
          </Typography.Text>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    {
      title: '所属行政区划',
      dataIndex: 'divisionName',
      width: 140,
      render: (name: string, u) => (
        <Tooltip title={`区划代码 ${u.divisionCode}`}>
          <span>{name || u.divisionCode}</span>
        </Tooltip>
      ),
    },
    {
      title: '上级单位',
      dataIndex: 'parentUnitName',
      width: 190,
      render: (v: string | null) => v ?? <Typography.Text type="secondary">—</Typography.Text>,
    },
    {
      title: '单位类型',
      dataIndex: 'type',
      width: 100,
      render: (t: UnitType) => <Tag color={unitTypeColors[t]}>{unitTypeLabels[t] ?? t}</Tag>,
    },
    {
      title: '状态',
      dataIndex: 'status',
      width: 70,
      render: (s: Unit['status']) =>
        s === 'active' ? <Tag color="success">启用</Tag> : <Tag>停用</Tag>,
    },
    {
      title: '更新时间',
      dataIndex: 'updatedAt',
      width: 165,
      render: (v: string) => formatDateTime(v),
    },
    {
      title: '操作',
      key: 'actions',
      width: canManage ? 140 : 80,
      fixed: 'right' as const,
      render: (_: unknown, u: Unit) => (
        <Space size={0}>
          {canManage && (
            <Button
              type="link"
              size="small"
              icon={<EditOutlined />}
              onClick={() => setModal({ open: true, unit: u, key: Date.now() })}
              data-testid={`unit-edit-${u.id}`}
            >
              编辑
            </Button>
          )}
          <Button
            type="link"
            size="small"
            icon={<HistoryOutlined />}
            onClick={() => setHistoryOf(u)}
            data-testid={`unit-history-${u.id}`}
          >
            历史
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <div data-testid="units-page">
      <PageHeader
        title="单位管理"
        subtitle="本级及下级单位的登记信息。统一社会信用代码按 GB 32100 校验。"
        extra={
          canManage && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setModal({ open: true, unit: null, key: Date.now() })}
              data-testid="unit-create"
            >
              新建单位
            </Button>
          )
        }
      />
      <Card variant="borderless">
        <Space wrap size={12} style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            placeholder="单位名称或信用代码"
            value={qInput}
            onChange={(e) => {
              setQInput(e.target.value);
              if (!e.target.value) setFilters((f) => ({ ...f, q: '' }));
            }}
            onSearch={(v) => setFilters((f) => ({ ...f, q: v.trim() }))}
            enterButton="查询"
            style={{ width: 300 }}
            data-testid="unit-search"
          />
          <DivisionCascader
            placeholder="所属行政区划（含下级）"
            value={filters.divisionCode ?? null}
            onChange={(code) => setFilters((f) => ({ ...f, divisionCode: code }))}
            style={{ width: 280 }}
            data-testid="unit-filter-division"
          />
          <Select
            allowClear
            placeholder="单位类型"
            options={unitTypeOptions}
            value={filters.type}
            onChange={(t?: UnitType) => setFilters((f) => ({ ...f, type: t }))}
            style={{ width: 140 }}
            data-testid="unit-filter-type"
          />
          <Tooltip title="刷新">
            <Button
              icon={<ReloadOutlined />}
              onClick={() => void fetchPage(null)}
              data-testid="unit-refresh"
            />
          </Tooltip>
        </Space>
        {error && (
          <Alert
            type="error"
            showIcon
            title="单位列表加载失败"
            description={error}
            style={{ marginBottom: 16 }}
            data-testid="units-error"
          />
        )}
        <Table<Unit>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={items}
          loading={loading}
          pagination={false}
          scroll={{ x: 1180 }}
          locale={{
            emptyText:
              filters.q || filters.divisionCode || filters.type ? '没有符合条件的单位' : '暂无单位',
          }}
          data-testid="units-table"
        />
        <div
          style={{
            display: 'flex',
            justifyContent: 'space-between',
            alignItems: 'center',
            marginTop: 16,
          }}
        >
          <Typography.Text type="secondary" data-testid="units-count">
            已加载 {items.length} 个单位
            {nextCursor ? '，还有更多' : items.length > 0 ? '，已全部加载' : ''}
          </Typography.Text>
          {nextCursor && (
            <Button
              loading={loadingMore}
              onClick={() => void fetchPage(nextCursor)}
              data-testid="units-load-more"
            >
              加载更多
            </Button>
          )}
        </div>
      </Card>
      {modal && (
        <UnitFormModal
          key={modal.key}
          open={modal.open}
          unit={modal.unit}
          onClose={() => setModal((m) => (m ? { ...m, open: false } : m))}
          afterClose={() => setModal(null)}
          onSaved={onSaved}
        />
      )}
      <UnitHistoryDrawer unit={historyOf} onClose={() => setHistoryOf(null)} />
    </div>
  );
}
