// 前置机 (/frontend/nodes): the unit administrator registers the unit's front-end processors
// (the secret is shown once), says which node provides which resource — publishing rows to
// the platform or keeping them in the unit and answering lookups — and follows the
// publications with the source's and the platform's row counts and checksums.
import { CloudServerOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../../api/client';
import PageHeader from '../../components/PageHeader';
import { formatDateTime } from '../../utils/format';
import {
  frontendApi,
  type FrontendNode,
  type FrontendResource,
  type LastPublication,
  type Publication,
  type Reconciled,
} from './api';
import './frontend.css';

export function ReconciledTag({ value }: { value: Reconciled | null }) {
  if (value === null) return <Typography.Text type="secondary">—</Typography.Text>;
  return value === 'match' ? (
    <Tag color="green">一致</Tag>
  ) : (
    <Tag color="red">{value === 'count_mismatch' ? '行数不一致' : '校验值不一致'}</Tag>
  );
}

function LastPublicationCell({ p }: { p: LastPublication | null }) {
  if (!p) return <Typography.Text type="secondary">尚未发布</Typography.Text>;
  return (
    <Space size={4} wrap>
      {p.status === 'rejected' ? (
        <Tag color="red">被拒绝</Tag>
      ) : p.status === 'open' ? (
        <Tag color="blue">进行中</Tag>
      ) : (
        <ReconciledTag value={p.reconciled} />
      )}
      <Typography.Text type="secondary">{formatDateTime(p.at)}</Typography.Text>
    </Space>
  );
}

const short = (checksum: string | undefined) => (checksum ? `${checksum.slice(0, 12)}…` : '—');

interface Registered {
  id: string;
  secret: string;
  name: string;
}

export default function NodesPage() {
  const { message } = App.useApp();
  const [nodes, setNodes] = useState<FrontendNode[]>([]);
  const [resources, setResources] = useState<FrontendResource[]>([]);
  const [publications, setPublications] = useState<Publication[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [registering, setRegistering] = useState(false);
  const [registered, setRegistered] = useState<Registered | null>(null);
  const [editing, setEditing] = useState<FrontendNode | null>(null);
  const [mapping, setMapping] = useState<FrontendResource | null>(null);
  const [nodeForm] = Form.useForm<{ name: string; callbackUrl?: string }>();
  const [mapForm] = Form.useForm<{ nodeId: string; mode: 'publish' | 'hold' }>();

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const [n, r, p] = await Promise.all([
        frontendApi.nodes(),
        frontendApi.resources(),
        frontendApi.publications(),
      ]);
      setNodes(n.items);
      setResources(r.items);
      setPublications(p.items);
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

  const saveNode = async () => {
    const values = await nodeForm.validateFields();
    const callbackUrl = values.callbackUrl?.trim() ? values.callbackUrl.trim() : null;
    try {
      if (editing) {
        await frontendApi.update(editing.id, { name: values.name, callbackUrl });
        void message.success('已保存');
        setEditing(null);
      } else {
        const created = await frontendApi.register({ name: values.name, callbackUrl });
        setRegistering(false);
        setRegistered({ id: created.id, secret: created.secret, name: created.name });
      }
      nodeForm.resetFields();
      await load();
    } catch (e) {
      void message.error(errorMessage(e));
    }
  };

  const revoke = async (id: string) => {
    try {
      await frontendApi.revoke(id);
      void message.success('前置机已吊销，它的调用将立即被拒绝');
      await load();
    } catch (e) {
      void message.error(errorMessage(e));
    }
  };

  const saveMapping = async () => {
    if (!mapping) return;
    const values = await mapForm.validateFields();
    try {
      await frontendApi.map(mapping.id, values);
      void message.success('已指定');
      setMapping(null);
      await load();
    } catch (e) {
      void message.error(errorMessage(e));
    }
  };

  const unmap = async (resourceId: string) => {
    try {
      await frontendApi.unmap(resourceId);
      await load();
    } catch (e) {
      void message.error(errorMessage(e));
    }
  };

  const active = nodes.filter((n) => n.status === 'active');

  const nodeColumns: TableColumnsType<FrontendNode> = [
    {
      title: '名称',
      dataIndex: 'name',
      render: (v: string, n) => (
        <span>
          {v}
          <br />
          <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
            {n.id}
          </Typography.Text>
        </span>
      ),
    },
    {
      title: '状态',
      dataIndex: 'status',
      width: 90,
      render: (v: FrontendNode['status']) =>
        v === 'active' ? <Tag color="green">在用</Tag> : <Tag>已吊销</Tag>,
    },
    {
      title: '回调地址（留存方式）',
      dataIndex: 'callbackUrl',
      render: (v: string | null) =>
        v ? (
          <span className="mono">{v}</span>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    { title: '最近联系', dataIndex: 'lastSeenAt', width: 170, render: formatDateTime },
    { title: '资源数', dataIndex: 'resources', width: 80 },
    {
      title: '最近发布',
      key: 'last',
      width: 240,
      render: (_: unknown, n) => <LastPublicationCell p={n.lastPublication} />,
    },
    {
      title: '操作',
      key: 'actions',
      width: 150,
      render: (_: unknown, n) =>
        n.status === 'active' ? (
          <Space>
            <Button
              size="small"
              onClick={() => {
                setEditing(n);
                nodeForm.setFieldsValue({ name: n.name, callbackUrl: n.callbackUrl ?? '' });
              }}
            >
              修改
            </Button>
            <Popconfirm
              title="吊销后该前置机的发布与应答立即失效，确定吊销？"
              onConfirm={() => void revoke(n.id)}
            >
              <Button size="small" danger data-testid={`node-revoke-${n.id}`}>
                吊销
              </Button>
            </Popconfirm>
          </Space>
        ) : (
          formatDateTime(n.revokedAt)
        ),
    },
  ];

  const resourceColumns: TableColumnsType<FrontendResource> = [
    {
      title: '信息资源',
      dataIndex: 'name',
      render: (v: string, r) => (
        <span>
          {v}
          <br />
          <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
            {r.code}
          </Typography.Text>
        </span>
      ),
    },
    { title: '平台上的行数', dataIndex: 'rowCount', width: 120 },
    {
      title: '前置机',
      key: 'mapping',
      render: (_: unknown, r) =>
        r.mapping ? (
          <Space size={4}>
            {r.mapping.nodeName}
            {r.mapping.mode === 'publish' ? (
              <Tag color="blue">发布到平台</Tag>
            ) : (
              <Tag color="purple">留存本单位</Tag>
            )}
          </Space>
        ) : (
          <Typography.Text type="secondary">未指定</Typography.Text>
        ),
    },
    {
      title: '最近发布',
      key: 'last',
      width: 240,
      render: (_: unknown, r) =>
        r.mapping?.mode === 'hold' ? (
          <Typography.Text type="secondary">数据不上传</Typography.Text>
        ) : (
          <LastPublicationCell p={r.lastPublication} />
        ),
    },
    {
      title: '操作',
      key: 'actions',
      width: 150,
      render: (_: unknown, r) => (
        <Space>
          <Button
            size="small"
            disabled={active.length === 0}
            data-testid={`resource-map-${r.code}`}
            onClick={() => {
              setMapping(r);
              mapForm.setFieldsValue({
                nodeId: r.mapping?.nodeId ?? active[0]?.id ?? '',
                mode: r.mapping?.mode ?? 'publish',
              });
            }}
          >
            指定
          </Button>
          {r.mapping && (
            <Popconfirm
              title="取消后该前置机不再提供此资源，确定？"
              onConfirm={() => void unmap(r.id)}
            >
              <Button size="small">取消</Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  const publicationColumns: TableColumnsType<Publication> = [
    {
      title: '时间',
      key: 'at',
      width: 170,
      render: (_: unknown, p) => formatDateTime(p.finishedAt ?? p.startedAt),
    },
    {
      title: '信息资源',
      dataIndex: 'resourceName',
      minWidth: 220,
      render: (v: string, p) => (
        <span>
          {v}
          <br />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {p.nodeName} · {p.kind === 'snapshot' ? '全量' : '增量'}
          </Typography.Text>
        </span>
      ),
    },
    {
      title: '结果',
      key: 'status',
      width: 110,
      render: (_: unknown, p) =>
        p.status === 'applied' ? (
          <Tag color="green">已写入</Tag>
        ) : p.status === 'rejected' ? (
          <Tag color="red">被拒绝</Tag>
        ) : (
          <Tag color="blue">进行中</Tag>
        ),
    },
    {
      title: '变更',
      key: 'changes',
      width: 150,
      render: (_: unknown, p) =>
        p.status === 'applied' ? `+${p.added} ~${p.updated} −${p.deleted}` : '—',
    },
    {
      title: '源库',
      key: 'source',
      width: 150,
      render: (_: unknown, p) =>
        p.source ? (
          <Tooltip title={p.source.checksum}>
            {p.source.rowCount} 行 <span className="mono">{short(p.source.checksum)}</span>
          </Tooltip>
        ) : (
          '—'
        ),
    },
    {
      title: '平台',
      key: 'platform',
      width: 150,
      render: (_: unknown, p) =>
        p.platform ? (
          <Tooltip title={p.platform.checksum}>
            {p.platform.rowCount} 行 <span className="mono">{short(p.platform.checksum)}</span>
          </Tooltip>
        ) : (
          '—'
        ),
    },
    {
      title: '对账',
      key: 'reconciled',
      width: 110,
      render: (_: unknown, p) => <ReconciledTag value={p.reconciled} />,
    },
    { title: '说明', dataIndex: 'message', render: (v: string | null) => v ?? '' },
  ];

  return (
    <div data-testid="frontend-nodes-page">
      <PageHeader
        title="前置机"
        subtitle="前置机运行在本单位网络内，只读连接本单位数据库：按计划把目录资源的数据发布到平台，或让数据留在本单位、由前置机应答平台的核验与查询。平台从不直接连接本单位数据库。"
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} onClick={() => void load()}>
              刷新
            </Button>
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => {
                nodeForm.resetFields();
                setRegistering(true);
              }}
              data-testid="node-register"
            >
              登记前置机
            </Button>
          </Space>
        }
      />
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        <Card
          title={
            <Space>
              <CloudServerOutlined />
              本单位的前置机
            </Space>
          }
        >
          <Table<FrontendNode>
            rowKey="id"
            size="small"
            loading={loading}
            pagination={false}
            dataSource={nodes}
            columns={nodeColumns}
            data-testid="nodes-table"
            locale={{ emptyText: '尚未登记前置机' }}
            onRow={(n) => ({ 'data-testid': `node-row-${n.id}` }) as object}
          />
        </Card>
        <Card title="资源由哪台前置机提供">
          <Table<FrontendResource>
            rowKey="id"
            size="small"
            loading={loading}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            dataSource={resources}
            columns={resourceColumns}
            data-testid="frontend-resources-table"
            locale={{ emptyText: '本单位尚无目录资源' }}
          />
        </Card>
        <Card title="发布记录">
          <Table<Publication>
            rowKey="id"
            size="small"
            loading={loading}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            dataSource={publications}
            columns={publicationColumns}
            data-testid="publications-table"
            locale={{ emptyText: '尚无发布' }}
            rowClassName={(p) =>
              p.status === 'rejected' || (p.reconciled !== null && p.reconciled !== 'match')
                ? 'row-difference'
                : ''
            }
            onRow={(p) => ({ 'data-testid': `publication-${p.status}` }) as object}
            expandable={{
              rowExpandable: (p) => p.errors.length > 0,
              expandedRowRender: (p) => (
                <ul style={{ margin: 0 }}>
                  {p.errors.map((e, i) => (
                    <li key={i}>
                      第 {e.chunk} 块{e.row > 0 ? `第 ${e.row} 行` : ''} {e.name}（{e.field}）：
                      {e.reason}
                    </li>
                  ))}
                  {p.errorCount > p.errors.length && <li>…… 共 {p.errorCount} 处</li>}
                </ul>
              ),
            }}
          />
        </Card>
      </Space>

      <Modal
        open={registering || editing !== null}
        title={editing ? '修改前置机' : '登记前置机'}
        okText={editing ? '保存' : '登记'}
        onOk={() => void saveNode()}
        onCancel={() => {
          setRegistering(false);
          setEditing(null);
        }}
        destroyOnHidden
      >
        <Form form={nodeForm} layout="vertical" preserve={false}>
          <Form.Item
            name="name"
            label="名称"
            rules={[
              { required: true, whitespace: true, message: '请填写名称，如“民政业务库前置机”' },
            ]}
          >
            <Input maxLength={100} data-testid="node-name" />
          </Form.Item>
          <Form.Item
            name="callbackUrl"
            label="回调地址"
            extra="数据留存本单位时，平台向此地址查询（前置机配置中的 listen 地址），如 https://10.12.0.8:8443；只发布数据时可不填。"
          >
            <Input maxLength={500} placeholder="https://" data-testid="node-callback" />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={registered !== null}
        title="前置机已登记"
        okText="我已妥善保存"
        cancelButtonProps={{ style: { display: 'none' } }}
        onOk={() => setRegistered(null)}
        onCancel={() => setRegistered(null)}
        closable={false}
        // The secret leaves the page when the dialog closes.
        destroyOnHidden
        width={640}
      >
        {registered && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Alert
              type="warning"
              showIcon
              message="密钥只显示这一次"
              description="请立即交给前置机的运维人员：用 mzhub secrets seal 加密后写入前置机配置文件的 nodeSecret，或放在环境变量 MZHUB_FRONTEND_SECRET 中。遗失后只能吊销并重新登记。"
            />
            <Typography.Text>前置机编号（配置文件的 nodeId）</Typography.Text>
            <Typography.Text copyable className="mono" data-testid="node-id">
              {registered.id}
            </Typography.Text>
            <Typography.Text>密钥</Typography.Text>
            <Typography.Text copyable className="mono" data-testid="node-secret">
              {registered.secret}
            </Typography.Text>
          </Space>
        )}
      </Modal>

      <Modal
        open={mapping !== null}
        title={mapping ? `指定前置机：${mapping.name}` : ''}
        okText="指定"
        onOk={() => void saveMapping()}
        onCancel={() => setMapping(null)}
        destroyOnHidden
      >
        <Form form={mapForm} layout="vertical" preserve={false}>
          <Form.Item name="nodeId" label="前置机" rules={[{ required: true, message: '请选择' }]}>
            <Select
              options={active.map((n) => ({ value: n.id, label: n.name }))}
              data-testid="map-node"
            />
          </Form.Item>
          <Form.Item name="mode" label="提供方式" rules={[{ required: true }]}>
            <Radio.Group data-testid="map-mode">
              <Radio value="publish">发布到平台（复制数据，平台对账）</Radio>
              <Radio value="hold">留存本单位（前置机应答核验与查询）</Radio>
            </Radio.Group>
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
