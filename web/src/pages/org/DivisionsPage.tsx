import {
  Alert,
  App,
  Breadcrumb,
  Card,
  Col,
  Descriptions,
  Empty,
  Input,
  Row,
  Skeleton,
  Space,
  Switch,
  Tag,
  Timeline,
  Tree,
  Typography,
  type TreeDataNode,
} from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../../api/client';
import { divisionApi } from '../../api/endpoints';
import type { Division, DivisionDetail, DivisionStats } from '../../api/types';
import PageHeader from '../../components/PageHeader';
import { divisionChangeLabels, divisionLevelLabels, formatDateTime } from '../../utils/format';

const ROOT = '';

const changeColors: Record<string, string> = {
  added: 'green',
  renamed: 'blue',
  retired: 'red',
  restored: 'cyan',
};

function NodeTitle({ d }: { d: Division }) {
  const retired = d.status === 'retired';
  return (
    <span
      className={`division-node${retired ? ' retired' : ''}`}
      data-testid={`division-node-${d.code}`}
      data-status={d.status}
    >
      <span className="division-code">{d.code}</span>
      <span className="division-name">{d.name}</span>
      {retired && (
        <Tag color="default" style={{ marginInlineEnd: 0 }} data-testid="division-retired-tag">
          已撤销
        </Tag>
      )}
    </span>
  );
}

function DetailPanel({ code }: { code: string | null }) {
  const [detail, setDetail] = useState<DivisionDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    if (!code) return;
    const ac = new AbortController();
    setLoading(true);
    setError(null);
    divisionApi.get(code, ac.signal).then(
      (d) => {
        setDetail(d);
        setLoading(false);
      },
      (e: unknown) => {
        if (ac.signal.aborted) return;
        setDetail(null);
        setError(errorMessage(e));
        setLoading(false);
      },
    );
    return () => ac.abort();
  }, [code]);

  if (!code) {
    return (
      <Card variant="borderless" title="区划详情">
        <Empty description="在左侧选择一个行政区划查看详情" />
      </Card>
    );
  }
  return (
    <Card variant="borderless" title="区划详情" data-testid="division-detail">
      {loading && !detail && <Skeleton active />}
      {error && <Alert type="error" showIcon title={error} />}
      {detail && (
        <Space orientation="vertical" size={20} style={{ width: '100%' }}>
          <Breadcrumb
            data-testid="division-path"
            items={detail.path.map((p) => ({ title: <span title={p.code}>{p.name}</span> }))}
          />
          <Descriptions
            bordered
            size="small"
            column={2}
            items={[
              {
                key: 'code',
                label: '区划代码',
                children: (
                  <span className="division-code" data-testid="division-detail-code">
                    {detail.code}
                  </span>
                ),
              },
              {
                key: 'name',
                label: '名称',
                children: <span data-testid="division-detail-name">{detail.name}</span>,
              },
              {
                key: 'level',
                label: '级别',
                children: divisionLevelLabels[detail.level] ?? detail.level,
              },
              {
                key: 'status',
                label: '状态',
                children:
                  detail.status === 'active' ? <Tag color="success">现行</Tag> : <Tag>已撤销</Tag>,
              },
              {
                key: 'parent',
                label: '上级区划',
                span: 2,
                children: detail.parentCode
                  ? `${detail.path.find((p) => p.code === detail.parentCode)?.name ?? ''}（${detail.parentCode}）`
                  : '—',
              },
            ]}
          />
          <div>
            <Typography.Title level={5} style={{ marginTop: 0 }}>
              变更记录
            </Typography.Title>
            {detail.history.length === 0 ? (
              <Typography.Text type="secondary">暂无变更记录</Typography.Text>
            ) : (
              <Timeline
                data-testid="division-history"
                items={detail.history.map((h, i) => ({
                  key: `${h.at}-${i}`,
                  color: changeColors[h.change] ?? 'gray',
                  title: formatDateTime(h.at),
                  content: (
                    <div>
                      <Tag color={changeColors[h.change]}>
                        {divisionChangeLabels[h.change] ?? h.change}
                      </Tag>
                      {h.change === 'renamed' ? (
                        <span>
                          {h.oldName} → {h.newName}
                        </span>
                      ) : (
                        <span>{h.newName ?? h.oldName}</span>
                      )}
                      {h.note && <div style={{ color: '#64748b', marginTop: 4 }}>{h.note}</div>}
                      {h.batchId && (
                        <div style={{ color: '#94a3b8', fontSize: 12 }}>导入批次 {h.batchId}</div>
                      )}
                    </div>
                  ),
                }))}
              />
            )}
          </div>
        </Space>
      )}
    </Card>
  );
}

export default function DivisionsPage() {
  const [includeRetired, setIncludeRetired] = useState(true);
  const [children, setChildren] = useState<Record<string, Division[]>>({});
  const [rootError, setRootError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<string[]>([]);
  const [stats, setStats] = useState<DivisionStats | null>(null);
  const generation = useRef(0);
  const { message } = App.useApp();

  const load = useCallback(
    async (parent: string) => {
      const gen = generation.current;
      const { items } = await divisionApi.children(parent || null, includeRetired);
      if (gen === generation.current) setChildren((c) => ({ ...c, [parent]: items }));
    },
    [includeRetired],
  );

  useEffect(() => {
    generation.current++;
    setChildren({});
    setExpanded([]);
    load(ROOT).then(
      () => setRootError(null),
      (e: unknown) => setRootError(errorMessage(e)),
    );
  }, [load]);

  useEffect(() => {
    divisionApi.stats().then(setStats, () => setStats(null));
  }, []);

  const treeData = useMemo(() => {
    const build = (parent: string): TreeDataNode[] | undefined =>
      children[parent]?.map((d) => ({
        key: d.code,
        title: <NodeTitle d={d} />,
        isLeaf: !d.hasChildren,
        ...(children[d.code] ? { children: build(d.code) ?? [] } : {}),
      }));
    return build(ROOT) ?? [];
  }, [children]);

  return (
    <div data-testid="divisions-page">
      <PageHeader
        title="行政区划"
        subtitle={
          <>
            GB/T 2260 县级及以上行政区划代码
            {stats && (
              <span data-testid="division-stats">
                ：共 {stats.total} 个，现行 {stats.active} 个，已撤销 {stats.retired} 个
              </span>
            )}
          </>
        }
      />
      <Row gutter={16}>
        <Col xs={24} lg={10}>
          <Card
            variant="borderless"
            title="区划树"
            extra={
              <Space size={6}>
                <Typography.Text type="secondary">显示已撤销</Typography.Text>
                <Switch
                  size="small"
                  checked={includeRetired}
                  onChange={setIncludeRetired}
                  data-testid="division-include-retired"
                />
              </Space>
            }
          >
            <Input.Search
              placeholder="输入 6 位区划代码直接查看"
              allowClear
              maxLength={12}
              onSearch={(v) => {
                const code = v.trim();
                if (code) setSelected(code);
              }}
              style={{ marginBottom: 12 }}
              data-testid="division-code-search"
            />
            {rootError && (
              <Alert type="error" showIcon title="行政区划加载失败" description={rootError} />
            )}
            <div className="division-tree-scroll">
              <Tree
                key={includeRetired ? 'with-retired' : 'active-only'}
                showLine
                blockNode
                treeData={treeData}
                expandedKeys={expanded}
                onExpand={(keys) => setExpanded(keys.map(String))}
                loadData={async (node) => {
                  const code = String(node.key);
                  if (children[code]) return;
                  try {
                    await load(code);
                  } catch (e) {
                    message.error(`下级区划加载失败：${errorMessage(e)}`);
                  }
                }}
                selectedKeys={selected ? [selected] : []}
                onSelect={(keys) => {
                  const k = keys[0];
                  if (k !== undefined) setSelected(String(k));
                }}
                data-testid="division-tree"
              />
            </div>
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <DetailPanel code={selected} />
        </Col>
      </Row>
    </div>
  );
}
