// The account list of one manager: the system administrator's 单位管理员账号
// (/api/v1/unit-admins) or a unit administrator's 本单位账号 (/api/v1/accounts). The same
// page serves both; the prefix and the roles that may be granted differ.
import { DownOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Dropdown,
  Input,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { errorMessage } from '../../api/client';
import { accountApi } from '../../api/endpoints';
import type { Account, AccountCreated } from '../../api/types';
import { useUser } from '../../auth/AuthContext';
import { useRoles } from '../../auth/roles';
import PageHeader from '../../components/PageHeader';
import UnitSelect from '../../components/UnitSelect';
import { formatDateTime } from '../../utils/format';
import {
  HandoverModal,
  HandoversDrawer,
  InitialPasswordModal,
  StatusModal,
} from './AccountDialogs';
import AccountFormModal from './AccountFormModal';

export type AccountsMode = 'unit-admins' | 'unit';

const MODES = {
  'unit-admins': {
    prefix: '/api/v1/unit-admins',
    title: '单位管理员账号',
    subtitle: '各单位的单位管理员账号，每个单位一个；单位管理员负责本单位的业务账号。',
    roleKind: 'unit_admin',
    ownUnitOnly: false,
  },
  unit: {
    prefix: '/api/v1/accounts',
    title: '本单位账号',
    subtitle: '本单位各科室的业务账号：一人一号，录入、审核、审批岗位分离。',
    roleKind: 'business',
    ownUnitOnly: true,
  },
} as const;

interface Filters {
  q: string;
  status?: Account['status'];
  unitId?: string | null;
}

type Dialog =
  | { kind: 'form'; account: Account | null; open: boolean; key: number }
  | { kind: 'status'; account: Account }
  | { kind: 'handover'; account: Account }
  | { kind: 'handovers'; account: Account };

export default function AccountsPage({ mode }: { mode: AccountsMode }) {
  const cfg = MODES[mode];
  const api = useMemo(() => accountApi(cfg.prefix), [cfg.prefix]);
  const user = useUser();
  const roles = useRoles();
  const { message } = App.useApp();
  const [qInput, setQInput] = useState('');
  const [filters, setFilters] = useState<Filters>({ q: '' });
  const [items, setItems] = useState<Account[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [password, setPassword] = useState<{
    account: Account;
    password: string;
    reset: boolean;
  } | null>(null);
  const [justCreated, setJustCreated] = useState<string | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const r = await api.list({
        q: filters.q || undefined,
        status: filters.status,
        unitId: filters.unitId ?? undefined,
      });
      setItems(r.items);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, [api, filters]);

  useEffect(() => {
    void load();
  }, [load]);

  const replace = (a: Account) => setItems((list) => list.map((x) => (x.id === a.id ? a : x)));

  const onCreated = (r: AccountCreated) => {
    setDialog(null);
    setJustCreated(r.account.id);
    setItems((list) => [r.account, ...list.filter((x) => x.id !== r.account.id)]);
    setPassword({ account: r.account, password: r.initialPassword, reset: false });
  };

  const resetPassword = async (a: Account) => {
    try {
      const r = await api.resetPassword(a.id);
      setPassword({ account: a, password: r.initialPassword, reset: true });
    } catch (e) {
      message.error(errorMessage(e));
    }
  };

  const unlock = async (a: Account) => {
    try {
      await api.unlock(a.id);
      message.success(`已解除 ${a.username} 的登录锁定`);
    } catch (e) {
      message.error(errorMessage(e));
    }
  };

  const columns: TableColumnsType<Account> = [
    {
      title: '用户名',
      dataIndex: 'username',
      width: 150,
      render: (v: string, a) => (
        <Space size={4}>
          <span className="mono" data-testid="account-cell-username">
            {v}
          </span>
          {a.id === justCreated && <Tag color="green">新建</Tag>}
        </Space>
      ),
    },
    { title: '姓名', dataIndex: 'displayName', width: 100 },
    ...(mode === 'unit-admins' ? [{ title: '单位', dataIndex: 'unitName', minWidth: 180 }] : []),
    {
      title: '科室',
      dataIndex: 'office',
      width: 120,
      render: (v: string | null) => v ?? <Typography.Text type="secondary">—</Typography.Text>,
    },
    {
      title: '角色',
      dataIndex: 'roles',
      minWidth: 140,
      render: (rs: string[]) =>
        rs.length === 0 ? (
          <Tag color="orange">未分配</Tag>
        ) : (
          rs.map((r) => (
            <Tag key={r} color="blue">
              {roles.name(r)}
            </Tag>
          ))
        ),
    },
    {
      title: '状态',
      dataIndex: 'status',
      width: 80,
      render: (s: Account['status'], a) =>
        s === 'active' && a.lockedUntil ? (
          <Tooltip title={`登录失败次数过多，锁定至 ${formatDateTime(a.lockedUntil)}`}>
            <Tag color="warning">已锁定</Tag>
          </Tooltip>
        ) : s === 'active' ? (
          <Tag color="success">启用</Tag>
        ) : (
          <Tooltip
            title={
              a.disabledReason
                ? `${formatDateTime(a.disabledAt)} 停用：${a.disabledReason}`
                : '已停用'
            }
          >
            <Tag>停用</Tag>
          </Tooltip>
        ),
    },
    {
      title: '最近登录',
      dataIndex: 'lastLoginAt',
      width: 165,
      render: (v: string | null) =>
        v ? formatDateTime(v) : <Typography.Text type="secondary">从未登录</Typography.Text>,
    },
    {
      title: '身份证号',
      dataIndex: 'citizenIdMasked',
      width: 175,
      render: (v: string | null) => <span className="mono">{v ?? '—'}</span>,
    },
    {
      title: '操作',
      key: 'actions',
      width: 190,
      fixed: 'right',
      render: (_, a) => (
        <Space size={0}>
          <Button
            type="link"
            size="small"
            onClick={() => setDialog({ kind: 'form', account: a, open: true, key: Date.now() })}
            data-testid={`account-edit-${a.username}`}
          >
            编辑
          </Button>
          <Popconfirm
            title={`重置 ${a.username} 的密码？`}
            description="原密码立即失效，本人须用新的初始密码登录后修改。"
            okText="重置"
            cancelText="取消"
            onConfirm={() => void resetPassword(a)}
          >
            <Button type="link" size="small" data-testid={`account-reset-${a.username}`}>
              重置密码
            </Button>
          </Popconfirm>
          <Dropdown
            trigger={['click']}
            menu={{
              items: [
                {
                  key: 'status',
                  label: a.status === 'active' ? '停用' : '启用',
                  danger: a.status === 'active',
                },
                { key: 'unlock', label: '解除登录锁定', disabled: !a.lockedUntil },
                { key: 'handover', label: '工作交接', disabled: a.status !== 'active' },
                { key: 'handovers', label: '交接记录' },
              ],
              onClick: ({ key }) => {
                if (key === 'status') setDialog({ kind: 'status', account: a });
                else if (key === 'unlock') void unlock(a);
                else if (key === 'handover') setDialog({ kind: 'handover', account: a });
                else if (key === 'handovers') setDialog({ kind: 'handovers', account: a });
              },
            }}
          >
            <Button type="link" size="small" data-testid={`account-more-${a.username}`}>
              更多 <DownOutlined />
            </Button>
          </Dropdown>
        </Space>
      ),
    },
  ];

  const filtered = filters.q || filters.status || filters.unitId;

  return (
    <div data-testid="accounts-page" data-mode={mode}>
      <PageHeader
        title={cfg.title}
        subtitle={mode === 'unit' ? `${user.unitName} · ${cfg.subtitle}` : cfg.subtitle}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setDialog({ kind: 'form', account: null, open: true, key: Date.now() })}
            data-testid="account-create"
          >
            新建账号
          </Button>
        }
      />
      <Card variant="borderless">
        <Space wrap size={12} style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            placeholder="用户名或姓名"
            value={qInput}
            onChange={(e) => {
              setQInput(e.target.value);
              if (!e.target.value) setFilters((f) => ({ ...f, q: '' }));
            }}
            onSearch={(v) => setFilters((f) => ({ ...f, q: v.trim() }))}
            enterButton="查询"
            style={{ width: 280 }}
            data-testid="account-search"
          />
          {mode === 'unit-admins' && (
            <UnitSelect
              value={filters.unitId ?? null}
              onChange={(id) => setFilters((f) => ({ ...f, unitId: id }))}
              placeholder="所属单位"
              style={{ width: 260 }}
              data-testid="account-filter-unit"
            />
          )}
          <Select
            allowClear
            placeholder="状态"
            value={filters.status}
            onChange={(s?: Account['status']) => setFilters((f) => ({ ...f, status: s }))}
            options={[
              { value: 'active', label: '启用' },
              { value: 'disabled', label: '停用' },
            ]}
            style={{ width: 110 }}
            data-testid="account-filter-status"
          />
          <Tooltip title="刷新">
            <Button icon={<ReloadOutlined />} onClick={() => void load()} />
          </Tooltip>
        </Space>
        {error && (
          <Alert
            type="error"
            showIcon
            title="账号列表加载失败"
            description={error}
            style={{ marginBottom: 16 }}
          />
        )}
        <Table<Account>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={items}
          loading={loading}
          scroll={{ x: mode === 'unit-admins' ? 1320 : 1140 }}
          pagination={{ pageSize: 20, showTotal: (n) => `共 ${n} 个账号`, hideOnSinglePage: false }}
          locale={{ emptyText: filtered ? '没有符合条件的账号' : '暂无账号' }}
          data-testid="accounts-table"
        />
      </Card>
      {dialog?.kind === 'form' && (
        <AccountFormModal
          key={dialog.key}
          open={dialog.open}
          account={dialog.account}
          api={api}
          roleKind={cfg.roleKind}
          ownUnitOnly={cfg.ownUnitOnly}
          onClose={() => setDialog((d) => (d?.kind === 'form' ? { ...d, open: false } : d))}
          afterClose={() => setDialog((d) => (d?.kind === 'form' && !d.open ? null : d))}
          onCreated={onCreated}
          onUpdated={(a) => {
            replace(a);
            setDialog((d) => (d?.kind === 'form' ? { ...d, open: false } : d));
          }}
        />
      )}
      <StatusModal
        account={dialog?.kind === 'status' ? dialog.account : null}
        api={api}
        onClose={() => setDialog(null)}
        onDone={(a) => {
          replace(a);
          setDialog(null);
        }}
      />
      <HandoverModal
        account={dialog?.kind === 'handover' ? dialog.account : null}
        api={api}
        onClose={() => setDialog(null)}
        onDone={(a) => {
          replace(a);
          setDialog(null);
        }}
      />
      <HandoversDrawer
        account={dialog?.kind === 'handovers' ? dialog.account : null}
        api={api}
        onClose={() => setDialog(null)}
      />
      <InitialPasswordModal shown={password} onClose={() => setPassword(null)} />
    </div>
  );
}
