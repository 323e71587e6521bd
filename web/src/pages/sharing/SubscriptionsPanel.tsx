// 订阅推送 (EXC-04): the consumer unit's webhooks on one grant — register (the signing secret
// is shown once), cancel, and follow each notification's delivery (已送达 / 待送达 / 失败),
// re-queueing failed ones once the receiving system is fixed.
import { NotificationOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
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
  Segmented,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import { formatDateTime } from '../../utils/format';

type Signature = 'hmac-sm3' | 'hmac-sm3+sm2';
type DeliveryStatus = 'pending' | 'delivered' | 'failed';

interface Subscription {
  id: string;
  grantId: string;
  url: string;
  label: string;
  signature: Signature;
  status: 'active' | 'cancelled' | 'ended';
  endReason: string | null;
  createdAt: string;
  endedAt: string | null;
  counts: Record<DeliveryStatus, number>;
  lastDeliveredAt: string | null;
}

interface Delivery {
  id: string;
  changeNo: number;
  rowCount: number;
  status: DeliveryStatus;
  attempts: number;
  createdAt: string;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  lastErrorDetail: string | null;
  deliveredAt: string | null;
}

const signatureLabels: Record<Signature, string> = {
  'hmac-sm3': 'HMAC-SM3',
  'hmac-sm3+sm2': 'HMAC-SM3 + SM2',
};

const deliveryTags: Record<DeliveryStatus, { color: string; label: string }> = {
  delivered: { color: 'green', label: '已送达' },
  pending: { color: 'gold', label: '待送达' },
  failed: { color: 'red', label: '失败' },
};

function DeliveryTag({ status }: { status: DeliveryStatus }) {
  const tag = deliveryTags[status];
  return (
    <Tag color={tag.color} data-testid="delivery-status" data-status={status}>
      {tag.label}
    </Tag>
  );
}

function SubscriptionStatus({ row }: { row: Subscription }) {
  if (row.status === 'active') return <Tag color="green">有效</Tag>;
  if (row.status === 'ended') {
    return (
      <Tooltip title="授权已过期或已撤销，推送已停止">
        <Tag color="default">已终止</Tag>
      </Tooltip>
    );
  }
  return <Tag>已取消</Tag>;
}

/** The notifications of one subscription, newest change first. */
function DeliveriesModal({
  subscription,
  onClose,
  onChanged,
}: {
  subscription: Subscription | null;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { message } = App.useApp();
  const [status, setStatus] = useState<DeliveryStatus | 'all'>('all');
  const [items, setItems] = useState<Delivery[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const id = subscription?.id;

  const load = useCallback(
    async (cursor?: string) => {
      if (!id) return;
      setLoading(true);
      try {
        const query: Record<string, string> = { limit: '50' };
        if (status !== 'all') query.status = status;
        if (cursor) query.cursor = cursor;
        const res = await api.get<{ items: Delivery[]; nextCursor: string | null }>(
          `/api/v1/exchange/subscriptions/${encodeURIComponent(id)}/deliveries`,
          query,
        );
        setItems((prev) => (cursor ? [...prev, ...res.items] : res.items));
        setNextCursor(res.nextCursor);
      } catch (e) {
        void message.error(errorMessage(e));
      } finally {
        setLoading(false);
      }
    },
    [id, status, message],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const requeue = async (ids?: string[]) => {
    if (!id) return;
    try {
      const res = await api.post<{ requeued: number }>(
        `/api/v1/exchange/subscriptions/${encodeURIComponent(id)}/requeue`,
        ids ? { ids } : undefined,
      );
      void message.success(
        res.requeued > 0 ? `已重新排队 ${res.requeued} 条通知，稍后推送` : '没有失败的通知',
      );
      await load();
      onChanged();
    } catch (e) {
      void message.error(errorMessage(e));
    }
  };

  const active = subscription?.status === 'active';
  return (
    <Modal
      open={subscription !== null}
      title={`推送记录：${subscription?.label ?? ''}`}
      width={1000}
      footer={null}
      onCancel={onClose}
      destroyOnHidden
    >
      <div data-testid="deliveries-modal">
        <Space style={{ marginBottom: 12 }} wrap>
          <Segmented
            value={status}
            onChange={(v) => setStatus(v as DeliveryStatus | 'all')}
            options={[
              { value: 'all', label: '全部' },
              { value: 'pending', label: '待送达' },
              { value: 'failed', label: '失败' },
              { value: 'delivered', label: '已送达' },
            ]}
            data-testid="deliveries-filter"
          />
          <Button
            icon={<ReloadOutlined />}
            onClick={() => void load()}
            data-testid="deliveries-refresh"
          >
            刷新
          </Button>
          <Popconfirm
            title="把全部失败的通知重新放入推送队列？"
            onConfirm={() => void requeue()}
            disabled={!active}
          >
            <Button disabled={!active} data-testid="deliveries-requeue-all">
              重新推送全部失败的通知
            </Button>
          </Popconfirm>
        </Space>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          每次数据变更一条通知。接收方返回 2xx 即为已送达；否则按 5 秒、10 秒、20 秒……（最长 1
          小时）重试，超过时限仍未送达的标记为失败，可在修复接收系统后重新推送。
        </Typography.Paragraph>
        <Table<Delivery>
          rowKey="id"
          size="small"
          loading={loading}
          dataSource={items}
          pagination={false}
          data-testid="deliveries-table"
          locale={{ emptyText: '暂无推送：资源数据变更后自动推送' }}
          columns={[
            { title: '变更号', dataIndex: 'changeNo', width: 90 },
            { title: '行数', dataIndex: 'rowCount', width: 70 },
            {
              title: '状态',
              dataIndex: 'status',
              width: 90,
              render: (v: DeliveryStatus) => <DeliveryTag status={v} />,
            },
            { title: '尝试', dataIndex: 'attempts', width: 60 },
            {
              title: '送达 / 下次尝试',
              key: 'when',
              width: 170,
              render: (_: unknown, row: Delivery) =>
                row.status === 'delivered'
                  ? formatDateTime(row.deliveredAt)
                  : row.status === 'pending'
                    ? formatDateTime(row.nextAttemptAt)
                    : '—',
            },
            {
              title: '最近错误',
              key: 'error',
              render: (_: unknown, row: Delivery) =>
                row.lastErrorDetail ? (
                  <Typography.Text type={row.status === 'delivered' ? 'secondary' : 'danger'}>
                    {row.lastErrorDetail}
                    <span className="mono" style={{ marginLeft: 6, color: '#94a3b8' }}>
                      {row.lastError}
                    </span>
                  </Typography.Text>
                ) : (
                  '—'
                ),
            },
            {
              title: '通知编号',
              dataIndex: 'id',
              render: (v: string) => (
                <Typography.Text className="mono" copyable={{ text: v }} style={{ fontSize: 12 }}>
                  {v.slice(-12)}
                </Typography.Text>
              ),
            },
            {
              title: '操作',
              key: 'actions',
              width: 100,
              render: (_: unknown, row: Delivery) =>
                row.status === 'failed' && active ? (
                  <Button
                    size="small"
                    onClick={() => void requeue([row.id])}
                    data-testid={`delivery-requeue-${row.changeNo}`}
                  >
                    重新推送
                  </Button>
                ) : null,
            },
          ]}
        />
        {nextCursor && (
          <Button style={{ marginTop: 8 }} onClick={() => void load(nextCursor)}>
            加载更多
          </Button>
        )}
      </div>
    </Modal>
  );
}

export function SubscriptionsPanel({
  grantId,
  usable,
  subscribable,
}: {
  grantId: string;
  /** The grant is active. */
  usable: boolean;
  /** The grant includes the 订阅推送 mode. */
  subscribable: boolean;
}) {
  const { message } = App.useApp();
  const [items, setItems] = useState<Subscription[]>([]);
  const [loading, setLoading] = useState(true);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<(Subscription & { secret: string }) | null>(null);
  const [watching, setWatching] = useState<Subscription | null>(null);
  const [form] = Form.useForm<{ url: string; label: string; signature: Signature }>();

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const res = await api.get<{ items: Subscription[] }>('/api/v1/exchange/subscriptions', {
        grantId,
      });
      setItems(res.items);
    } catch (e) {
      void message.error(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, [grantId, message]);

  useEffect(() => {
    void load();
  }, [load]);

  const create = async () => {
    let values: { url: string; label: string; signature: Signature };
    try {
      values = await form.validateFields();
    } catch {
      return; // the form shows what is wrong
    }
    try {
      const res = await api.post<Subscription & { secret: string }>(
        '/api/v1/exchange/subscriptions',
        { grantId, ...values },
      );
      setCreating(false);
      form.resetFields();
      setCreated(res);
      await load();
    } catch (e) {
      void message.error(errorMessage(e));
    }
  };

  const cancel = async (id: string) => {
    try {
      await api.post(`/api/v1/exchange/subscriptions/${encodeURIComponent(id)}/cancel`);
      void message.success('订阅已取消，不再推送');
      await load();
    } catch (e) {
      void message.error(errorMessage(e));
    }
  };

  const canCreate = usable && subscribable;
  return (
    <Card
      size="small"
      title={
        <Space>
          <NotificationOutlined />
          订阅推送
        </Space>
      }
      extra={
        <Space>
          <Button size="small" icon={<ReloadOutlined />} onClick={() => void load()}>
            刷新
          </Button>
          <Button
            size="small"
            icon={<PlusOutlined />}
            disabled={!canCreate}
            onClick={() => setCreating(true)}
            data-testid="subscription-create"
          >
            新建订阅
          </Button>
        </Space>
      }
      data-testid="subscriptions-panel"
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        资源数据每次变更，平台即向业务系统的回调地址推送一条签名通知（变更号、行数和变更行的主键，不含数据内容），
        业务系统再用“查询引用”或“批量复制”（since=通知中的
        since）取数。接收方应按通知编号去重。验签方法见 docs/exchange.md。
      </Typography.Paragraph>
      {!subscribable && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 8 }}
          message="该授权的使用方式不含“订阅推送”，不能订阅；如需推送，请在共享申请中申请该使用方式。"
          data-testid="subscriptions-not-granted"
        />
      )}
      <Table<Subscription>
        rowKey="id"
        size="small"
        loading={loading}
        pagination={false}
        dataSource={items}
        data-testid="subscriptions-table"
        locale={{ emptyText: canCreate ? '尚未订阅' : '授权有效且含“订阅推送”时可订阅' }}
        columns={[
          {
            title: '订阅',
            key: 'subscription',
            render: (_: unknown, row: Subscription) => (
              <Space direction="vertical" size={0} style={{ maxWidth: 260 }}>
                <Typography.Text strong>{row.label}</Typography.Text>
                <Typography.Text
                  className="mono"
                  style={{ fontSize: 12, maxWidth: 260 }}
                  ellipsis={{ tooltip: row.url }}
                >
                  {row.url}
                </Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {signatureLabels[row.signature]} · {formatDateTime(row.createdAt)}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: '推送',
            key: 'counts',
            render: (_: unknown, row: Subscription) => (
              <Space direction="vertical" size={4}>
                <SubscriptionStatus row={row} />
                <Space size={2} wrap data-testid="subscription-counts">
                  <Tag color="green">已送达 {row.counts.delivered}</Tag>
                  <Tag color="gold">待送达 {row.counts.pending}</Tag>
                  <Tag color="red">失败 {row.counts.failed}</Tag>
                </Space>
              </Space>
            ),
          },
          {
            title: '操作',
            key: 'actions',
            width: 96,
            render: (_: unknown, row: Subscription) => (
              <Space direction="vertical" size={4}>
                <Button
                  size="small"
                  onClick={() => setWatching(row)}
                  data-testid={`subscription-deliveries-${row.id}`}
                >
                  推送记录
                </Button>
                {row.status === 'active' && (
                  <Popconfirm
                    title="取消后不再推送，尚未送达的通知标记为失败。确定取消？"
                    onConfirm={() => void cancel(row.id)}
                  >
                    <Button size="small" danger data-testid={`subscription-cancel-${row.id}`}>
                      取消订阅
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={creating}
        title="新建订阅"
        okText="订阅"
        onOk={() => void create()}
        onCancel={() => setCreating(false)}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{ signature: 'hmac-sm3' }}
          data-testid="subscription-form"
        >
          <Form.Item
            name="url"
            label="回调地址"
            extra="业务系统接收推送的 http(s) 地址，不得包含用户名或密码；平台不跟随重定向"
            rules={[
              { required: true, whitespace: true, message: '请填写回调地址' },
              { type: 'url', message: '请填写完整的网址，如 https://jy.example.gov.cn/mzhub/hook' },
            ]}
          >
            <Input
              maxLength={2000}
              placeholder="https://业务系统域名/路径"
              data-testid="subscription-url"
            />
          </Form.Item>
          <Form.Item
            name="label"
            label="用途"
            rules={[
              { required: true, whitespace: true, message: '请填写用途，如“就业系统生产环境”' },
            ]}
          >
            <Input maxLength={100} data-testid="subscription-label" />
          </Form.Item>
          <Form.Item name="signature" label="签名方式">
            <Radio.Group data-testid="subscription-signature">
              <Radio value="hmac-sm3">HMAC-SM3（订阅密钥）</Radio>
              <Radio value="hmac-sm3+sm2" data-testid="subscription-signature-sm2">
                HMAC-SM3 + 平台 SM2 签名
              </Radio>
            </Radio.Group>
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={created !== null}
        title="订阅已创建"
        okText="我已妥善保存"
        cancelButtonProps={{ style: { display: 'none' } }}
        onOk={() => setCreated(null)}
        onCancel={() => setCreated(null)}
        closable={false}
        // The secret leaves the page when the dialog closes.
        destroyOnHidden
      >
        {created && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Alert
              type="warning"
              showIcon
              message="签名密钥只显示这一次"
              description="接收方用它验证每条推送的 x-mzhub-signature；请立即复制保存，遗失后只能取消订阅并重新订阅。"
            />
            <Typography.Text>订阅编号</Typography.Text>
            <Typography.Text copyable className="mono" data-testid="subscription-id">
              {created.id}
            </Typography.Text>
            <Typography.Text>签名密钥</Typography.Text>
            <Typography.Text copyable className="mono" data-testid="subscription-secret">
              {created.secret}
            </Typography.Text>
          </Space>
        )}
      </Modal>
      <DeliveriesModal
        subscription={watching}
        onClose={() => {
          setWatching(null);
          void load();
        }}
        onChanged={() => void load()}
      />
    </Card>
  );
}
