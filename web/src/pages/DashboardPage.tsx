import { ClusterOutlined, DatabaseOutlined, GlobalOutlined } from '@ant-design/icons';
import { Badge, Card, Col, Descriptions, Row, Skeleton, Statistic, Typography } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api/client';
import { catalogApi, divisionApi, healthApi, unitApi } from '../api/endpoints';
import type { DivisionStats, Health, UnitStats } from '../api/types';
import { useAuth, useUser } from '../auth/AuthContext';
import PageHeader from '../components/PageHeader';
import RegistryDashboardCard from './registry/DashboardCard';
import { canSee, pageRoutes } from '../routes';
import { engineLabels, formatLongDate, shanghaiDate } from '../utils/format';

type Loaded<T> =
  { state: 'loading' } | { state: 'ok'; value: T } | { state: 'error'; message: string };

/** What each page is for, on the dashboard's shortcut cards. */
const shortcutDescriptions: Record<string, string> = {
  catalog: '检索已发布的数据资源目录，了解如何申请',
  'catalog-work': '编制、审核、发布和年度维护目录',
  'catalog-projects': '信息系统项目数据目录与重复采集检查',
  units: '维护本级及下级单位信息',
  divisions: '查看 GB/T 2260 区划代码及变更',
  batch: '批量修改单位信息，审批后执行',
  calendar: '法定节假日、调休及办理期限',
  'unit-admins': '各单位的单位管理员账号',
  'unit-accounts': '本单位业务账号、交接与停用',
  'account-review': '每半年一次的账号清理审查',
  audit: '检索、导出审计日志，校验审计链',
  'unit-audit': '本单位数据被访问及人员访问记录',
  policy: '密码、锁定、会话与动态口令策略',
};

function useLoad<T>(load: () => Promise<T>): Loaded<T> {
  const [v, setV] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    let cancelled = false;
    load().then(
      (value) => !cancelled && setV({ state: 'ok', value }),
      (e: unknown) => !cancelled && setV({ state: 'error', message: errorMessage(e) }),
    );
    return () => {
      cancelled = true;
    };
  }, []);
  return v;
}

function StatValue<T>({ data, render }: { data: Loaded<T>; render: (v: T) => ReactNode }) {
  if (data.state === 'loading') return <Skeleton.Input active size="small" />;
  if (data.state === 'error')
    return <Typography.Text type="danger">{data.message}</Typography.Text>;
  return <>{render(data.value)}</>;
}

export default function DashboardPage() {
  const user = useUser();
  const { can } = useAuth();
  const units = useLoad<UnitStats>(unitApi.stats);
  const shortcuts = pageRoutes.filter((r) => shortcutDescriptions[r.id] && canSee(r, can));
  const catalogWorker = can('catalog.edit') || can('catalog.review') || can('catalog.publish');
  const catalog = useLoad<number>(() => catalogApi.search({ pageSize: 1 }).then((r) => r.total));
  const divisions = useLoad<DivisionStats>(divisionApi.stats);
  const health = useLoad<Health>(healthApi.get);

  return (
    <div data-testid="dashboard-page">
      <PageHeader
        title="工作台"
        subtitle={`您好，${user.displayName}（${user.unitName}）。今天是 ${formatLongDate(shanghaiDate())}。`}
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} md={12} xl={6}>
          <Card variant="borderless" data-testid="stat-catalog" style={{ height: '100%' }}>
            <StatValue
              data={catalog}
              render={(total) => (
                <Statistic
                  title="数据资源目录"
                  value={total}
                  suffix="条已发布"
                  prefix={<DatabaseOutlined style={{ color: '#1d4ed8' }} />}
                />
              )}
            />
            <div style={{ marginTop: 8, display: 'flex', gap: 16 }}>
              <Link to="/catalog" data-testid="stat-catalog-search">
                目录检索 →
              </Link>
              {catalogWorker && (
                <Link to="/catalog/work" data-testid="stat-catalog-work">
                  目录工作台 →
                </Link>
              )}
            </div>
          </Card>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Card variant="borderless" data-testid="stat-units" style={{ height: '100%' }}>
            <StatValue
              data={units}
              render={(v) => (
                <>
                  <Statistic
                    title="单位数量"
                    value={v.total}
                    suffix="个"
                    prefix={<ClusterOutlined style={{ color: '#1d4ed8' }} />}
                  />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    其中启用 {v.active} 个，停用 {v.total - v.active} 个
                  </Typography.Text>
                </>
              )}
            />
            <div style={{ marginTop: 8 }}>
              <Link to="/org/units">前往单位管理 →</Link>
            </div>
          </Card>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Card variant="borderless" data-testid="stat-divisions" style={{ height: '100%' }}>
            <StatValue
              data={divisions}
              render={(v) => (
                <>
                  <Statistic
                    title="行政区划数量"
                    value={v.active}
                    suffix="个"
                    prefix={<GlobalOutlined style={{ color: '#1d4ed8' }} />}
                  />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    共收录 {v.total} 个代码，其中已撤销 {v.retired} 个
                  </Typography.Text>
                </>
              )}
            />
            <div style={{ marginTop: 8 }}>
              <Link to="/org/divisions">查看行政区划 →</Link>
            </div>
          </Card>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Card
            variant="borderless"
            data-testid="stat-health"
            title="平台运行状态"
            size="small"
            style={{ height: '100%' }}
          >
            <StatValue
              data={health}
              render={(h) => (
                <Descriptions
                  column={1}
                  size="small"
                  items={[
                    {
                      key: 'status',
                      label: '服务状态',
                      children: (
                        <Badge
                          status={h.status === 'ok' ? 'success' : 'error'}
                          text={
                            <span data-testid="health-status">
                              {h.status === 'ok' ? '运行正常' : h.status}
                            </span>
                          }
                        />
                      ),
                    },
                    {
                      key: 'engine',
                      label: '数据库引擎',
                      children: (
                        <span data-testid="health-engine">
                          {engineLabels[h.engine] ?? h.engine}
                        </span>
                      ),
                    },
                    {
                      key: 'schema',
                      label: '数据库结构版本',
                      children: <span data-testid="health-schema">{h.schemaVersion}</span>,
                    },
                    { key: 'version', label: '平台版本', children: h.version },
                  ]}
                />
              )}
            />
          </Card>
        </Col>
      </Row>
      {can('registry.read') && <RegistryDashboardCard />}
      <Card variant="borderless" title="常用功能" style={{ marginTop: 16 }}>
        <Row gutter={[16, 16]}>
          {shortcuts
            .map((r) => ({
              to: r.path,
              icon: r.icon,
              title: r.label,
              desc: shortcutDescriptions[r.id],
            }))
            .map((x) => (
              <Col xs={24} sm={12} lg={8} key={x.to}>
                <Link to={x.to} data-testid={`shortcut-${x.to}`}>
                  <Card size="small" hoverable>
                    <Card.Meta
                      avatar={<span style={{ fontSize: 22, color: '#1d4ed8' }}>{x.icon}</span>}
                      title={x.title}
                      description={x.desc}
                    />
                  </Card>
                </Link>
              </Col>
            ))}
        </Row>
      </Card>
    </div>
  );
}
