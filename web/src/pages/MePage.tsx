// 我的账号: who I am, my password, my 动态口令 and my API tokens.
import { CopyOutlined, KeyOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Row,
  Space,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { applyFormErrors, errorMessage } from '../api/client';
import { authApi } from '../api/endpoints';
import type { ApiToken, ApiTokenCreated, Session } from '../api/types';
import { useAuth, useUser } from '../auth/AuthContext';
import { useRoles } from '../auth/roles';
import PageHeader from '../components/PageHeader';
import { copyText } from '../utils/clipboard';
import { accountKindLabels, formatDateTime } from '../utils/format';
import PasswordChangeForm from './security/PasswordChangeForm';
import TotpEnrol from './security/TotpEnrol';

function tokenState(t: ApiToken): { label: string; color: string } {
  if (t.revokedAt) return { label: '已吊销', color: 'default' };
  if (t.expiresAt < new Date().toISOString()) return { label: '已过期', color: 'warning' };
  return { label: '有效', color: 'success' };
}

function TokensCard() {
  const { message } = App.useApp();
  const [items, setItems] = useState<ApiToken[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [createOpen, setCreateOpen] = useState(false);
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);
  const [form] = Form.useForm<{ name: string; days: number }>();

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setItems((await authApi.tokens()).items);
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

  const create = async () => {
    let v: { name: string; days: number };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setCreating(true);
    try {
      const t = await authApi.createToken(v.name.trim(), v.days);
      setCreateOpen(false);
      form.resetFields();
      setCreated(t);
      void load();
    } catch (e) {
      applyFormErrors(form, e, ['name', 'days'], (t) => message.error(t));
    } finally {
      setCreating(false);
    }
  };

  const revoke = async (t: ApiToken) => {
    try {
      await authApi.revokeToken(t.id);
      message.success(`已吊销令牌“${t.name}”`);
      void load();
    } catch (e) {
      message.error(errorMessage(e));
    }
  };

  const columns: TableColumnsType<ApiToken> = [
    { title: '名称', dataIndex: 'name' },
    {
      title: '状态',
      key: 'state',
      width: 90,
      render: (_, t) => {
        const s = tokenState(t);
        return <Tag color={s.color}>{s.label}</Tag>;
      },
    },
    { title: '创建时间', dataIndex: 'createdAt', width: 170, render: formatDateTime },
    { title: '有效期至', dataIndex: 'expiresAt', width: 170, render: formatDateTime },
    {
      title: '最近使用',
      dataIndex: 'lastUsedAt',
      width: 170,
      render: (v: string | null) => (v ? formatDateTime(v) : '从未使用'),
    },
    {
      title: '操作',
      key: 'actions',
      width: 80,
      render: (_, t) =>
        tokenState(t).label === '有效' && (
          <Popconfirm
            title="吊销此令牌？"
            description="吊销后使用此令牌的程序将立即无法访问平台。"
            okText="吊销"
            okButtonProps={{ danger: true }}
            cancelText="取消"
            onConfirm={() => void revoke(t)}
          >
            <Button type="link" size="small" danger data-testid={`token-revoke-${t.id}`}>
              吊销
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <Card
      variant="borderless"
      title={
        <Space>
          <KeyOutlined />
          我的 API 令牌
        </Space>
      }
      extra={
        <Button
          icon={<PlusOutlined />}
          onClick={() => setCreateOpen(true)}
          data-testid="token-create"
        >
          新建令牌
        </Button>
      }
      data-testid="tokens-card"
    >
      <Typography.Paragraph type="secondary">
        供本人授权的程序以您的身份调用平台接口（请求头 <code>Authorization: Bearer 令牌</code>
        ）。令牌拥有与您账号相同的权限，只在创建时显示一次，请妥善保管；不再使用时请及时吊销。
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table<ApiToken>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={items}
        loading={loading}
        pagination={false}
        locale={{ emptyText: '尚未创建 API 令牌' }}
        data-testid="tokens-table"
      />
      <Modal
        open={createOpen}
        title="新建 API 令牌"
        okText="创建"
        okButtonProps={{ 'data-testid': 'token-create-submit' }}
        cancelText="取消"
        confirmLoading={creating}
        onOk={() => void create()}
        onCancel={() => setCreateOpen(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" initialValues={{ days: 90 }}>
          <Form.Item
            name="name"
            label="令牌名称"
            extra="说明用途，如：统计报表定时任务"
            rules={[
              { required: true, whitespace: true, message: '请输入令牌名称' },
              { max: 100, message: '不超过 100 个字' },
            ]}
          >
            <Input maxLength={100} data-testid="token-name" />
          </Form.Item>
          <Form.Item
            name="days"
            label="有效天数"
            rules={[{ required: true, message: '请输入有效天数' }]}
          >
            <InputNumber min={1} max={365} precision={0} suffix="天" style={{ width: 160 }} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={!!created}
        title="令牌已创建（仅显示一次）"
        closable={false}
        mask={{ closable: false }}
        footer={
          <Button type="primary" onClick={() => setCreated(null)} data-testid="token-created-close">
            我已妥善保存
          </Button>
        }
      >
        <Alert
          type="warning"
          showIcon
          title="关闭后将无法再次查看此令牌"
          description="请立即复制并保存在安全的位置，不要通过聊天工具或邮件明文发送。"
          style={{ marginBottom: 16 }}
        />
        <Typography.Text type="secondary">{created?.name}</Typography.Text>
        <code className="one-time-secret" data-testid="token-value">
          {created?.token}
        </code>
        <Button
          icon={<CopyOutlined />}
          style={{ marginTop: 12 }}
          onClick={() =>
            created &&
            void copyText(created.token).then(
              () => message.success('已复制到剪贴板'),
              (e: unknown) => message.error(errorMessage(e)),
            )
          }
        >
          复制令牌
        </Button>
      </Modal>
    </Card>
  );
}

export default function MePage() {
  const user = useUser();
  const { applySession } = useAuth();
  const roles = useRoles();
  const { message } = App.useApp();
  const [enrolling, setEnrolling] = useState(false);

  const passwordChanged = (s: Session) => {
    applySession(s);
    message.success('密码已修改，其他设备上的登录已失效');
  };
  const totpBound = (s: Session) => {
    applySession(s);
    setEnrolling(false);
    message.success('动态口令已绑定，下次登录时需输入');
  };

  return (
    <div data-testid="me-page">
      <PageHeader title="我的账号" subtitle="个人信息、登录密码、动态口令与 API 令牌" />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card variant="borderless" title="个人信息" style={{ height: '100%' }}>
            <Descriptions
              column={1}
              size="small"
              items={[
                { key: 'name', label: '姓名', children: user.displayName },
                {
                  key: 'username',
                  label: '用户名',
                  children: <span className="mono">{user.username}</span>,
                },
                { key: 'unit', label: '所属单位', children: user.unitName },
                { key: 'kind', label: '账号类型', children: accountKindLabels[user.kind] },
                {
                  key: 'roles',
                  label: '角色',
                  children: (
                    <span data-testid="me-roles">
                      {user.roles.length === 0
                        ? '未分配角色'
                        : user.roles.map((r) => (
                            <Tag key={r} color="blue">
                              {roles.name(r)}
                            </Tag>
                          ))}
                    </span>
                  ),
                },
                {
                  key: 'totp',
                  label: '动态口令',
                  children: user.secondFactorEnabled ? (
                    <Tag color="success">已绑定</Tag>
                  ) : (
                    <Tag>未绑定</Tag>
                  ),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card variant="borderless" title="修改密码" style={{ height: '100%' }}>
            <PasswordChangeForm onDone={passwordChanged} />
          </Card>
        </Col>
        <Col xs={24}>
          <Card variant="borderless" title="动态口令（双因素认证）" data-testid="totp-card">
            {user.secondFactorEnabled && !enrolling ? (
              <Space orientation="vertical">
                <Typography.Text>
                  <Tag color="success">已绑定</Tag>登录时除密码外还需输入手机验证器上的 6
                  位动态口令。
                </Typography.Text>
                <Popconfirm
                  title="重新绑定动态口令？"
                  description="生成新密钥后，原验证器上的口令立即失效，须用新密钥完成绑定。"
                  okText="重新绑定"
                  cancelText="取消"
                  onConfirm={() => setEnrolling(true)}
                >
                  <Button>更换手机 / 重新绑定</Button>
                </Popconfirm>
              </Space>
            ) : (
              <Space orientation="vertical" style={{ width: '100%' }}>
                {!user.secondFactorEnabled && (
                  <Typography.Text type="secondary">
                    绑定后，登录时除密码外还需输入手机验证器上的 6
                    位动态口令，可防止密码泄露后被冒用。
                  </Typography.Text>
                )}
                <TotpEnrol onDone={totpBound} startText="绑定动态口令" />
              </Space>
            )}
          </Card>
        </Col>
        <Col xs={24}>
          <TokensCard />
        </Col>
      </Row>
    </div>
  );
}
