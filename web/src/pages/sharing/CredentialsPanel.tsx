// 接口凭证: the consumer unit's credentials for one grant — issue (the secret is shown once),
// list and revoke. Two may be active at once so a system can rotate without downtime.
import { KeyOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage } from '../../api/client';

interface Credential {
  id: string;
  label: string;
  grantId: string;
  status: 'active' | 'revoked';
  /** HMAC-SM3 with the secret, or SM2 with the consumer's own key pair. */
  algorithm?: 'hmac-sm3' | 'sm2';
  createdAt: string;
  revokedAt: string | null;
}

/** What issuing returns: the secret (null for SM2) and the interfaces the grant may call. */
type Issued = Credential & {
  secret: string | null;
  interfaces?: { code: string; mode: string }[];
};

const when = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '—';

export function CredentialsPanel({ grantId, usable }: { grantId: string; usable: boolean }) {
  const { message } = App.useApp();
  const [items, setItems] = useState<Credential[]>([]);
  const [loading, setLoading] = useState(true);
  const [issuing, setIssuing] = useState(false);
  const [issued, setIssued] = useState<Issued | null>(null);
  const [form] = Form.useForm<{ label: string; publicKey?: string }>();

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const res = await api.get<{ items: Credential[] }>('/api/v1/exchange/credentials', {
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

  const issue = async () => {
    const { label, publicKey } = await form.validateFields();
    try {
      const created = await api.post<Issued>('/api/v1/exchange/credentials', {
        grantId,
        label,
        ...(publicKey?.trim() ? { publicKey: publicKey.trim() } : {}),
      });
      setIssuing(false);
      form.resetFields();
      setIssued(created);
      await load();
    } catch (e) {
      void message.error(errorMessage(e));
    }
  };

  const revoke = async (id: string) => {
    try {
      await api.post(`/api/v1/exchange/credentials/${encodeURIComponent(id)}/revoke`);
      void message.success('凭证已吊销，使用它的调用将立即被拒绝');
      await load();
    } catch (e) {
      void message.error(errorMessage(e));
    }
  };

  return (
    <Card
      size="small"
      title={
        <Space>
          <KeyOutlined />
          接口凭证
        </Space>
      }
      extra={
        <Button
          size="small"
          icon={<PlusOutlined />}
          disabled={!usable}
          onClick={() => setIssuing(true)}
          data-testid="credential-issue"
        >
          签发凭证
        </Button>
      }
      data-testid="credentials-panel"
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        业务系统用凭证对每次调用签名（HMAC-SM3 或
        SM2），请求头带接口编码（见目录条目的“接口”页），调用方式见接口文档
        docs/exchange.md。可同时持有两个凭证以便轮换：先启用新凭证，再吊销旧凭证。
      </Typography.Paragraph>
      <Table<Credential>
        rowKey="id"
        size="small"
        loading={loading}
        pagination={false}
        dataSource={items}
        locale={{ emptyText: usable ? '尚未签发凭证' : '授权交付后可签发凭证' }}
        columns={[
          {
            title: '凭证编号',
            dataIndex: 'id',
            render: (v: string) => <span className="mono">{v}</span>,
          },
          { title: '用途', dataIndex: 'label' },
          {
            title: '签名方式',
            dataIndex: 'algorithm',
            render: (v: Credential['algorithm']) => (v === 'sm2' ? 'SM2' : 'HMAC-SM3'),
          },
          {
            title: '状态',
            dataIndex: 'status',
            render: (v: Credential['status']) =>
              v === 'active' ? <Tag color="green">有效</Tag> : <Tag>已吊销</Tag>,
          },
          { title: '签发时间', dataIndex: 'createdAt', render: when },
          {
            title: '操作',
            key: 'actions',
            render: (_: unknown, row: Credential) =>
              row.status === 'active' ? (
                <Popconfirm
                  title="吊销后使用该凭证的调用立即失败，确定吊销？"
                  onConfirm={() => void revoke(row.id)}
                >
                  <Button size="small" danger data-testid={`credential-revoke-${row.id}`}>
                    吊销
                  </Button>
                </Popconfirm>
              ) : (
                when(row.revokedAt)
              ),
          },
        ]}
      />
      <Modal
        open={issuing}
        title="签发接口凭证"
        okText="签发"
        onOk={() => void issue()}
        onCancel={() => setIssuing(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="label"
            label="用途"
            rules={[
              { required: true, whitespace: true, message: '请填写用途，如“就业系统生产环境”' },
            ]}
          >
            <Input maxLength={100} data-testid="credential-label" />
          </Form.Item>
          <Form.Item
            name="publicKey"
            label="SM2 公钥（可选）"
            extra="填写本单位业务系统的 SM2 公钥（04 开头的十六进制或 PEM），则用对应私钥做 SM2 签名，平台不生成密钥；不填则生成 HMAC-SM3 密钥。"
          >
            <Input.TextArea rows={3} maxLength={1000} data-testid="credential-public-key" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={issued !== null}
        title="凭证已签发"
        okText="我已妥善保存"
        cancelButtonProps={{ style: { display: 'none' } }}
        onOk={() => setIssued(null)}
        onCancel={() => setIssued(null)}
        closable={false}
        // The secret leaves the page when the dialog closes.
        destroyOnHidden
      >
        {issued && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Alert
              type="warning"
              showIcon
              message="密钥只显示这一次"
              description="请立即复制并保存到业务系统的安全配置中；遗失后只能吊销并重新签发。"
            />
            <Typography.Text>凭证编号</Typography.Text>
            <Typography.Text copyable className="mono" data-testid="credential-id">
              {issued.id}
            </Typography.Text>
            {issued.secret !== null ? (
              <>
                <Typography.Text>密钥</Typography.Text>
                <Typography.Text copyable className="mono" data-testid="credential-secret">
                  {issued.secret}
                </Typography.Text>
              </>
            ) : (
              <Typography.Text>签名方式：SM2（用与所登记公钥配对的私钥签名）</Typography.Text>
            )}
            {issued.interfaces && issued.interfaces.length > 0 && (
              <Typography.Text type="secondary" data-testid="credential-interfaces">
                可调用的接口：{issued.interfaces.map((i) => i.code).join('、')}
              </Typography.Text>
            )}
          </Space>
        )}
      </Modal>
    </Card>
  );
}
