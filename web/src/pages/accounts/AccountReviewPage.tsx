// 账号清理审查 (IAM-10): the half-yearly list of accounts, with the ones to remove (dormant,
// no role, disabled) and why; exportable as XLSX for the signed review record.
import { DownloadOutlined, ReloadOutlined, WarningOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Row,
  Space,
  Statistic,
  Switch,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../../api/client';
import { accountReviewApi } from '../../api/endpoints';
import type { AccountReview, AccountReviewItem } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { useRoles } from '../../auth/roles';
import PageHeader from '../../components/PageHeader';
import UnitSelect from '../../components/UnitSelect';
import { accountKindLabels, formatDateTime } from '../../utils/format';

export default function AccountReviewPage() {
  const { can } = useAuth();
  const roles = useRoles();
  const { message } = App.useApp();
  const [unitId, setUnitId] = useState<string | null>(null);
  const [report, setReport] = useState<AccountReview | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [onlyFlagged, setOnlyFlagged] = useState(false);
  const [exporting, setExporting] = useState(false);
  // The system administrator reviews every unit in scope; a unit administrator only its own.
  const acrossUnits = can('account.manage_admins');

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setReport(await accountReviewApi.get(unitId ?? undefined));
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, [unitId]);

  useEffect(() => {
    void load();
  }, [load]);

  const exportXlsx = async () => {
    setExporting(true);
    try {
      const name = await accountReviewApi.exportXlsx(unitId ?? undefined);
      message.success(`已导出 ${name}`);
    } catch (e) {
      message.error(`导出失败：${errorMessage(e)}`);
    } finally {
      setExporting(false);
    }
  };

  const columns: TableColumnsType<AccountReviewItem> = [
    {
      title: '建议清理原因',
      dataIndex: 'removalReasons',
      width: 170,
      render: (rs: string[]) =>
        rs.length === 0 ? (
          <Typography.Text type="secondary">—</Typography.Text>
        ) : (
          rs.map((r) => (
            <Tag key={r} color="error" icon={<WarningOutlined />}>
              {r}
            </Tag>
          ))
        ),
    },
    {
      title: '用户名',
      dataIndex: 'username',
      width: 140,
      render: (v: string) => <span className="mono">{v}</span>,
    },
    { title: '姓名', dataIndex: 'displayName', width: 90 },
    { title: '单位', dataIndex: 'unitName', minWidth: 150 },
    {
      title: '科室',
      dataIndex: 'office',
      width: 110,
      render: (v: string | null) => v ?? '—',
    },
    {
      title: '账号类型',
      dataIndex: 'kind',
      width: 100,
      render: (k: AccountReviewItem['kind']) => accountKindLabels[k],
    },
    {
      title: '角色',
      dataIndex: 'roles',
      minWidth: 130,
      render: (rs: string[]) => rs.map((r) => roles.name(r)).join('、') || '—',
    },
    {
      title: '状态',
      dataIndex: 'status',
      width: 70,
      render: (s: string) => (s === 'active' ? <Tag color="success">启用</Tag> : <Tag>停用</Tag>),
    },
    {
      title: '最近登录',
      dataIndex: 'lastLoginAt',
      width: 165,
      render: (v: string | null) => (v ? formatDateTime(v) : '从未登录'),
    },
    { title: '创建时间', dataIndex: 'createdAt', width: 165, render: formatDateTime },
  ];

  const rows = (report?.items ?? []).filter((i) => !onlyFlagged || i.removalReasons.length > 0);

  return (
    <div data-testid="account-review-page">
      <PageHeader
        title="账号清理审查"
        subtitle="每半年审查一次：长期未登录、未分配角色或已停用的账号应予清理。"
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} onClick={() => void load()}>
              重新生成
            </Button>
            <Button
              type="primary"
              icon={<DownloadOutlined />}
              loading={exporting}
              onClick={() => void exportXlsx()}
              data-testid="review-export"
            >
              导出 XLSX
            </Button>
          </Space>
        }
      />
      {error && (
        <Alert
          type="error"
          showIcon
          title="报告生成失败"
          description={error}
          style={{ marginBottom: 16 }}
        />
      )}
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={12} md={6}>
          <Card variant="borderless">
            <Statistic title="审查期" value={report?.period ?? '—'} loading={loading && !report} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card variant="borderless">
            <Statistic
              title="账号总数"
              value={report?.total ?? 0}
              suffix="个"
              loading={loading && !report}
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card variant="borderless">
            <Statistic
              title="建议清理"
              value={report?.toRemove ?? 0}
              suffix="个"
              styles={{ content: { color: report?.toRemove ? '#dc2626' : undefined } }}
              loading={loading && !report}
              data-testid="review-to-remove"
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card variant="borderless">
            <Statistic
              title="长期未登录标准"
              value={report?.dormantDays ?? 0}
              suffix="天"
              loading={loading && !report}
            />
          </Card>
        </Col>
      </Row>
      <Card variant="borderless">
        <Space wrap size={16} style={{ marginBottom: 16 }}>
          {acrossUnits && (
            <UnitSelect
              value={unitId}
              onChange={setUnitId}
              placeholder="全部单位（可选择一个单位）"
              style={{ width: 300 }}
            />
          )}
          <Space>
            <Switch checked={onlyFlagged} onChange={setOnlyFlagged} />
            只看建议清理的账号
          </Space>
          {report && (
            <Typography.Text type="secondary">
              报告生成时间：{formatDateTime(report.generatedAt)}
            </Typography.Text>
          )}
        </Space>
        <Table<AccountReviewItem>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={rows}
          loading={loading}
          rowClassName={(r) => (r.removalReasons.length > 0 ? 'row-flagged' : '')}
          scroll={{ x: 1300 }}
          pagination={{ pageSize: 50, showTotal: (n) => `共 ${n} 个账号` }}
          locale={{ emptyText: onlyFlagged ? '没有需要清理的账号' : '没有账号' }}
          data-testid="review-table"
        />
      </Card>
    </div>
  );
}
