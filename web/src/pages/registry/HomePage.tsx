// 优抚工作台 (/registry): the caller's level and area, the yearly reporting deadline the
// province set (REG-09), the lock banner (REG-10), the count of each work queue, and — once
// the deadline has passed — the units whose data is incomplete, with what is missing and the
// date by which they must complete it.
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Row,
  Space,
  Statistic,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { errorMessage } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import PageHeader from '../../components/PageHeader';
import { registryApi, queueLabels, type IncompleteUnits, type QueueName } from './api';
import { DeadlineNotice, LockBanner, levelLabels, useRegistryOverview } from './common';

type IncompleteUnit = IncompleteUnits['items'][number];

const queueOrder: QueueName[] = ['to_enter', 'returned', 'to_check', 'to_review', 'to_approve'];

export default function HomePage() {
  const { can } = useAuth();
  const navigate = useNavigate();
  const { overview, error, reload } = useRegistryOverview();
  const [incomplete, setIncomplete] = useState<IncompleteUnits | null>(null);
  const [incompleteError, setIncompleteError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    registryApi.incompleteUnits().then(
      (v) => !cancelled && setIncomplete(v),
      (e: unknown) => !cancelled && setIncompleteError(errorMessage(e)),
    );
    return () => {
      cancelled = true;
    };
  }, []);

  const columns: TableColumnsType<IncompleteUnit> = [
    { title: '市', dataIndex: 'cityName', width: 140 },
    { title: '县（市、区）', dataIndex: 'countyName', width: 160 },
    { title: '未上报', dataIndex: 'unreported', width: 90 },
    { title: '材料不全', dataIndex: 'missingMaterials', width: 90 },
    { title: '未清理问题数据', dataIndex: 'openProblems', width: 130 },
    {
      title: '缺少',
      dataIndex: 'missing',
      render: (m: string[]) => m.join('；') || '—',
    },
    {
      title: '限期补报',
      dataIndex: 'completionDue',
      width: 120,
      render: (v: string) => <Tag color="red">{v} 前</Tag>,
    },
  ];

  return (
    <div data-testid="registry-home">
      <PageHeader
        title="优抚工作台"
        subtitle={
          overview ? (
            <span data-testid="registry-level" data-level={overview.level}>
              {levelLabels[overview.level] ?? overview.level} · {overview.divisionName}（
              <span className="mono">{overview.divisionCode}</span>）
            </span>
          ) : (
            '优抚对象信息的录入、复核、审核与审批'
          )
        }
        extra={
          <Space>
            {can('registry.enter') && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => void navigate('/registry/records/new')}
                data-testid="registry-home-new"
              >
                录入优抚对象
              </Button>
            )}
            <Tooltip title="刷新">
              <Button icon={<ReloadOutlined />} onClick={() => void reload()} />
            </Tooltip>
          </Space>
        }
      />
      <LockBanner overview={overview} />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10}>
          <Card variant="borderless" title="年度数据申报" style={{ height: '100%' }}>
            <DeadlineNotice overview={overview} />
            {can('registry.manage') && (
              <div style={{ marginTop: 12 }}>
                <Link to="/registry/settings?tab=deadline">设置截止日期 →</Link>
              </div>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card variant="borderless" title="工作队列" style={{ height: '100%' }}>
            <Row gutter={[12, 12]}>
              {queueOrder.map((q) => (
                <Col xs={12} md={8} xl={8} key={q}>
                  <Link to={`/registry/queue?tab=${q}`} data-testid={`registry-home-queue-${q}`}>
                    <Card size="small" hoverable>
                      <Statistic
                        title={queueLabels[q]}
                        value={overview?.queues[q] ?? 0}
                        suffix="件"
                        valueStyle={
                          q === 'returned' && (overview?.queues[q] ?? 0) > 0
                            ? { color: '#d97706' }
                            : undefined
                        }
                      />
                    </Card>
                  </Link>
                </Col>
              ))}
            </Row>
          </Card>
        </Col>
      </Row>
      <Card
        variant="borderless"
        title="截止后数据不完整的单位"
        style={{ marginTop: 16 }}
        data-testid="registry-incomplete"
      >
        {incompleteError && <Alert type="error" showIcon title={incompleteError} />}
        {incomplete && !incomplete.passed && (
          <Typography.Text type="secondary">
            {incomplete.deadline
              ? `申报截止日期 ${incomplete.deadline} 之后，这里列出数据不完整的单位及限期补报日期。`
              : '省级设置申报截止日期后，截止时数据不完整的单位在这里列出。'}
          </Typography.Text>
        )}
        {incomplete?.passed && (
          <Table<IncompleteUnit>
            rowKey="countyCode"
            size="small"
            columns={columns}
            dataSource={incomplete.items}
            pagination={false}
            locale={{ emptyText: '各单位数据均已完整上报' }}
            data-testid="registry-incomplete-table"
          />
        )}
      </Card>
    </div>
  );
}
