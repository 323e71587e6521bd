// Searching and reading audit entries, shared by 审计日志 (the auditor, whole platform) and
// 本单位日志 (a unit's own usage logs): the search form, the table with cursor paging
// (加载更多) and a drawer with every field of one entry.
import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useState, type ReactNode } from 'react';
import { useCursorList } from '../../hooks/useCursorList';
import type { AuditEntry, AuditQuery, AuditResult, Page } from '../../api/types';
import UnitSelect from '../../components/UnitSelect';
import {
  auditActionGroups,
  auditActionLabel,
  auditActionLabels,
  auditResultColors,
  auditResultLabels,
  formatDateTime,
  targetTypeLabels,
} from '../../utils/format';

const PAGE_SIZE = 50;

interface FilterValues {
  actorName?: string;
  unitId?: string | null;
  action?: string;
  result?: AuditResult;
  targetType?: string;
  targetId?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

/**
 * A wall-clock time picked in the form as an instant in Beijing time (the console shows
 * every time in Beijing time, whatever the browser's zone).
 */
function beijingInstant(d: Dayjs): string {
  return `${d.format('YYYY-MM-DDTHH:mm:ss.SSS')}+08:00`;
}

function toQuery(v: FilterValues): AuditQuery {
  const q: AuditQuery = {};
  if (v.actorName?.trim()) q.actorName = v.actorName.trim();
  if (v.unitId) q.unitId = v.unitId;
  if (v.action) q.action = v.action;
  if (v.result) q.result = v.result;
  if (v.targetType) q.targetType = v.targetType;
  if (v.targetId?.trim()) q.targetId = v.targetId.trim();
  const [from, to] = v.range ?? [];
  if (from) q.from = beijingInstant(from.startOf('minute'));
  if (to) q.to = beijingInstant(to.endOf('minute'));
  return q;
}

const actionOptions = [
  {
    label: '按类别',
    options: auditActionGroups.map((g) => ({ value: g.value, label: g.label })),
  },
  {
    label: '具体操作',
    options: Object.entries(auditActionLabels).map(([code, label]) => ({
      value: code,
      label: `${label}（${code}）`,
    })),
  },
];

const targetTypeOptions = Object.entries(targetTypeLabels)
  .filter(([code]) => code !== 'units')
  .map(([code, label]) => ({ value: code, label }));

function AuditFilterForm({
  showUnit,
  loading,
  onSearch,
}: {
  showUnit: boolean;
  loading: boolean;
  onSearch: (q: AuditQuery) => void;
}) {
  const [form] = Form.useForm<FilterValues>();
  const now = () => dayjs();
  return (
    <Form<FilterValues>
      form={form}
      layout="vertical"
      className="filter-form"
      onFinish={(v) => onSearch(toQuery(v))}
      data-testid="audit-filter"
    >
      <Row gutter={16}>
        <Col xs={24} sm={12} lg={6}>
          <Form.Item name="actorName" label="操作人" tooltip="按姓名精确查找">
            <Input allowClear placeholder="操作人姓名" data-testid="audit-filter-actor" />
          </Form.Item>
        </Col>
        {showUnit && (
          <Col xs={24} sm={12} lg={6}>
            <Form.Item name="unitId" label="单位" tooltip="操作人所在单位或数据所属单位">
              <UnitSelect placeholder="输入单位名称搜索" data-testid="audit-filter-unit" />
            </Form.Item>
          </Col>
        )}
        <Col xs={24} sm={12} lg={6}>
          <Form.Item name="action" label="操作">
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder="全部操作"
              options={actionOptions}
              data-testid="audit-filter-action"
            />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12} lg={6}>
          <Form.Item name="result" label="结果">
            <Select
              allowClear
              placeholder="全部结果"
              options={(Object.keys(auditResultLabels) as AuditResult[]).map((r) => ({
                value: r,
                label: auditResultLabels[r],
              }))}
              data-testid="audit-filter-result"
            />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12} lg={6}>
          <Form.Item name="targetType" label="对象类型">
            <Select
              allowClear
              placeholder="全部类型"
              options={targetTypeOptions}
              data-testid="audit-filter-target-type"
            />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12} lg={6}>
          <Form.Item name="targetId" label="对象编号">
            <Input allowClear placeholder="对象的编号" data-testid="audit-filter-target-id" />
          </Form.Item>
        </Col>
        <Col xs={24} lg={showUnit ? 12 : 18}>
          <Form.Item name="range" label="时间范围（北京时间）">
            <DatePicker.RangePicker
              showTime={{ format: 'HH:mm' }}
              format="YYYY-MM-DD HH:mm"
              allowEmpty={[true, true]}
              presets={[
                { label: '今天', value: () => [now().startOf('day'), now().endOf('day')] },
                {
                  label: '最近 7 天',
                  value: () => [now().subtract(7, 'day').startOf('day'), now().endOf('day')],
                },
                {
                  label: '最近 30 天',
                  value: () => [now().subtract(30, 'day').startOf('day'), now().endOf('day')],
                },
              ]}
              style={{ width: '100%' }}
              data-testid="audit-filter-range"
            />
          </Form.Item>
        </Col>
      </Row>
      <Space>
        <Button
          type="primary"
          htmlType="submit"
          icon={<SearchOutlined />}
          loading={loading}
          data-testid="audit-search"
        >
          查询
        </Button>
        <Button
          icon={<ReloadOutlined />}
          onClick={() => {
            form.resetFields();
            onSearch({});
          }}
        >
          重置
        </Button>
      </Space>
    </Form>
  );
}

const muted = (text: string) => <Typography.Text type="secondary">{text}</Typography.Text>;

function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}

function TargetCell({ e }: { e: AuditEntry }) {
  if (!e.targetType && !e.targetId) return muted('—');
  const type = e.targetType ? (targetTypeLabels[e.targetType] ?? e.targetType) : '';
  return (
    <Tooltip title={e.targetId ?? undefined}>
      <span>
        {type}
        {e.targetId && (
          <span className="mono" style={{ marginLeft: 4, color: '#64748b' }}>
            {shortId(e.targetId)}
          </span>
        )}
      </span>
    </Tooltip>
  );
}

const columns: TableColumnsType<AuditEntry> = [
  { title: '序号', dataIndex: 'seq', width: 80 },
  { title: '时间', dataIndex: 'at', width: 165, render: formatDateTime },
  {
    title: '操作人',
    dataIndex: 'actorName',
    width: 100,
    render: (v: string | null) => v ?? muted('系统'),
  },
  {
    title: '单位',
    dataIndex: 'actorUnitName',
    minWidth: 160,
    render: (v: string | null) => v ?? muted('—'),
  },
  {
    title: '操作',
    dataIndex: 'action',
    minWidth: 130,
    render: (a: string) => (
      <Tooltip title={a}>
        <span>{auditActionLabel(a)}</span>
      </Tooltip>
    ),
  },
  {
    title: '结果',
    dataIndex: 'result',
    width: 70,
    render: (r: AuditResult) => <Tag color={auditResultColors[r]}>{auditResultLabels[r]}</Tag>,
  },
  { title: '对象', key: 'target', minWidth: 150, render: (_, e) => <TargetCell e={e} /> },
  {
    title: '数据所属单位',
    dataIndex: 'targetUnitName',
    minWidth: 150,
    render: (v: string | null) => v ?? muted('—'),
  },
  {
    title: '记录数',
    dataIndex: 'recordCount',
    width: 80,
    align: 'right',
    render: (v: number | null) => v ?? muted('—'),
  },
];

export function AuditEntryDrawer({
  entry,
  onClose,
}: {
  entry: AuditEntry | null;
  onClose: () => void;
}) {
  const e = entry;
  const dash = (v: ReactNode) => (v === null || v === undefined || v === '' ? muted('—') : v);
  return (
    <Drawer
      open={!!e}
      onClose={onClose}
      size={640}
      title={e ? `审计记录 #${e.seq}` : ''}
      data-testid="audit-entry-drawer"
    >
      {e && (
        <>
          <Descriptions
            column={1}
            bordered
            size="small"
            styles={{ label: { width: 130 } }}
            items={[
              { key: 'seq', label: '序号', children: e.seq },
              { key: 'at', label: '时间（北京时间）', children: formatDateTime(e.at) },
              {
                key: 'actor',
                label: '操作人',
                children: (
                  <span data-testid="entry-actor">
                    {e.actorName ?? '系统'}
                    {e.actorId && (
                      <span
                        className="mono"
                        style={{ color: '#64748b', marginLeft: 8, fontSize: 12 }}
                      >
                        {e.actorId}
                      </span>
                    )}
                  </span>
                ),
              },
              { key: 'actorUnit', label: '操作人单位', children: dash(e.actorUnitName) },
              {
                key: 'action',
                label: '操作',
                children: (
                  <span data-testid="entry-action">
                    {auditActionLabel(e.action)}
                    <span
                      className="mono"
                      style={{ color: '#64748b', marginLeft: 8, fontSize: 12 }}
                    >
                      {e.action}
                    </span>
                  </span>
                ),
              },
              {
                key: 'result',
                label: '结果',
                children: (
                  <Tag color={auditResultColors[e.result]}>{auditResultLabels[e.result]}</Tag>
                ),
              },
              {
                key: 'targetType',
                label: '对象类型',
                children: dash(
                  e.targetType
                    ? `${targetTypeLabels[e.targetType] ?? e.targetType}（${e.targetType}）`
                    : null,
                ),
              },
              {
                key: 'target',
                label: '对象',
                children: dash(e.targetId && <span className="mono">{e.targetId}</span>),
              },
              { key: 'targetUnit', label: '数据所属单位', children: dash(e.targetUnitName) },
              {
                key: 'fields',
                label: '涉及字段',
                children: dash(e.fields?.length ? e.fields.join('、') : null),
              },
              { key: 'count', label: '记录数', children: dash(e.recordCount) },
              {
                key: 'grant',
                label: '授权',
                children: dash(e.grantId && <span className="mono">{e.grantId}</span>),
              },
              { key: 'purpose', label: '用途', children: dash(e.purpose) },
              {
                key: 'ip',
                label: '客户端地址',
                children: dash(e.clientIp && <span className="mono">{e.clientIp}</span>),
              },
              {
                key: 'request',
                label: '请求编号',
                children: dash(
                  e.requestId && (
                    <Typography.Text copyable className="mono" data-testid="entry-request-id">
                      {e.requestId}
                    </Typography.Text>
                  ),
                ),
              },
              {
                key: 'hash',
                label: '哈希（链式校验）',
                children: (
                  <Typography.Text
                    copyable
                    className="mono"
                    style={{ wordBreak: 'break-all', fontSize: 12 }}
                  >
                    {e.hash}
                  </Typography.Text>
                ),
              },
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 20 }}>
            详情
          </Typography.Title>
          {e.detail ? (
            <pre className="json-block" data-testid="entry-detail">
              {JSON.stringify(e.detail, null, 2)}
            </pre>
          ) : (
            muted('无')
          )}
        </>
      )}
    </Drawer>
  );
}

export interface AuditBrowserProps {
  /** One page of entries for a query, after `cursor` (null: the newest). */
  fetchPage: (q: AuditQuery, cursor: string | null) => Promise<Page<AuditEntry>>;
  /** Show the 单位 filter (the auditor's whole-platform search). */
  showUnit: boolean;
  /** Buttons above the table that act on the current query (exports…). */
  renderActions?: (q: AuditQuery) => ReactNode;
  /** Shown above the table (chain check results…). */
  banner?: ReactNode;
}

export default function AuditBrowser({
  fetchPage,
  showUnit,
  renderActions,
  banner,
}: AuditBrowserProps) {
  const [query, setQuery] = useState<AuditQuery>({});
  const [selected, setSelected] = useState<AuditEntry | null>(null);
  const fetchForQuery = useCallback(
    (cursor: string | null) => fetchPage(query, cursor),
    [fetchPage, query],
  );
  const { items, nextCursor, loading, loadingMore, error, load } = useCursorList(
    fetchForQuery,
    (e: AuditEntry) => e.seq,
  );

  return (
    <>
      <Card variant="borderless" style={{ marginBottom: 16 }}>
        <AuditFilterForm showUnit={showUnit} loading={loading} onSearch={setQuery} />
      </Card>
      {banner}
      <Card variant="borderless" title="检索结果" extra={renderActions?.(query)}>
        {error && (
          <Alert
            type="error"
            showIcon
            title="审计日志加载失败"
            description={error}
            style={{ marginBottom: 16 }}
            data-testid="audit-error"
          />
        )}
        <Table<AuditEntry>
          rowKey="seq"
          size="middle"
          className="clickable-rows"
          columns={columns}
          dataSource={items}
          loading={loading}
          pagination={false}
          scroll={{ x: 1080 }}
          onRow={(e) => ({ onClick: () => setSelected(e) })}
          locale={{ emptyText: '没有符合条件的记录' }}
          data-testid="audit-table"
        />
        <div
          style={{
            display: 'flex',
            justifyContent: 'space-between',
            alignItems: 'center',
            marginTop: 16,
          }}
        >
          <Typography.Text type="secondary" data-testid="audit-count">
            已加载 {items.length} 条
            {nextCursor ? '，还有更多' : items.length > 0 ? '，已全部加载' : ''}
            。点击一行查看详情。
          </Typography.Text>
          {nextCursor && (
            <Button
              loading={loadingMore}
              onClick={() => void load(nextCursor)}
              data-testid="audit-load-more"
            >
              加载更多
            </Button>
          )}
        </div>
      </Card>
      <AuditEntryDrawer entry={selected} onClose={() => setSelected(null)} />
    </>
  );
}

export { PAGE_SIZE as AUDIT_PAGE_SIZE };
