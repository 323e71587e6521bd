// One information-system project catalog: its data items, the duplicate-collection check
// (items another provider already shares) and, for the platform, 通过 / 不予通过.
import { ArrowLeftOutlined, CheckOutlined, CloseOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  Modal,
  Result,
  Skeleton,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { errorMessage } from '../../api/client';
import { projectApi } from '../../api/endpoints';
import type { Project, ProjectDuplicate, ProjectItem } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import PageHeader from '../../components/PageHeader';
import { formatDateTime } from '../../utils/format';
import { SharingTag, useVocabularies } from './common';
import { projectSourceLabels, projectStatusColors, projectStatusLabels } from './ProjectsPage';

export default function ProjectDetailPage() {
  const { id = '' } = useParams();
  const { can } = useAuth();
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const vocab = useVocabularies();
  const [project, setProject] = useState<Project | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [rejecting, setRejecting] = useState(false);
  const [form] = Form.useForm<{ note: string }>();

  const load = useCallback(async () => {
    try {
      setProject(await projectApi.get(id));
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [id]);

  useEffect(() => {
    void load();
  }, [load]);

  const decide = async (decision: 'approve' | 'reject', note?: string) => {
    setBusy(true);
    try {
      setProject(await projectApi.decide(id, decision, note));
      setRejecting(false);
      message.success(decision === 'approve' ? '已审批通过' : '已审批为不予通过');
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  if (error) {
    return (
      <Result
        status="warning"
        title="无法查看项目数据目录"
        subTitle={error}
        extra={<Button onClick={() => void navigate('/catalog/projects')}>返回列表</Button>}
      />
    );
  }
  if (!project) return <Skeleton active paragraph={{ rows: 10 }} />;

  const deciding = can('catalog.publish') && project.status === 'registered';
  const hasDuplicates = project.duplicates.length > 0;
  const duplicateItems = new Set(project.duplicates.map((d) => d.item));

  return (
    <div data-testid="project-page">
      <PageHeader
        title={project.name}
        subtitle={
          <Space>
            <Tag color={projectStatusColors[project.status]} data-testid="project-status">
              {projectStatusLabels[project.status]}
            </Tag>
            <span>{project.unitName}</span>
            <span>登记于 {formatDateTime(project.createdAt)}</span>
          </Space>
        }
        extra={
          <Space>
            <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate('/catalog/projects')}>
              返回列表
            </Button>
            {deciding && (
              <>
                <Tooltip
                  title={hasDuplicates ? '有可共享获取却计划自行采集的数据项，不能通过' : ''}
                >
                  <Button
                    type="primary"
                    icon={<CheckOutlined />}
                    disabled={hasDuplicates || busy}
                    onClick={() => {
                      modal.confirm({
                        title: '确定审批通过该项目数据目录吗？',
                        okText: '通过',
                        cancelText: '取消',
                        onOk: () => decide('approve'),
                      });
                    }}
                    data-testid="project-approve"
                  >
                    通过
                  </Button>
                </Tooltip>
                <Button
                  danger
                  icon={<CloseOutlined />}
                  disabled={busy}
                  onClick={() => setRejecting(true)}
                  data-testid="project-reject"
                >
                  不予通过
                </Button>
              </>
            )}
          </Space>
        }
      />
      {project.status !== 'registered' && project.decisionNote && (
        <Alert
          type={project.status === 'approved' ? 'success' : 'warning'}
          showIcon
          title={`审批意见：${project.decisionNote}`}
          description={`审批时间 ${formatDateTime(project.decidedAt)}`}
          style={{ marginBottom: 16 }}
        />
      )}
      <Card variant="borderless" size="small" title="项目信息">
        <Descriptions
          column={{ xs: 1, md: 2 }}
          size="small"
          items={[
            { key: 'name', label: '项目名称', children: project.name },
            { key: 'code', label: '项目代码', children: project.projectCode ?? '—' },
            { key: 'unit', label: '登记单位', children: project.unitName },
            {
              key: 'status',
              label: '状态',
              children: projectStatusLabels[project.status],
            },
            {
              key: 'desc',
              label: '项目说明',
              span: 'filled',
              children: project.description || '—',
            },
          ]}
        />
      </Card>
      <Card
        variant="borderless"
        size="small"
        title="重复采集检查"
        style={{ marginTop: 16 }}
        data-testid="project-duplicates"
      >
        {hasDuplicates ? (
          <>
            <Alert
              type="error"
              showIcon
              title={`${duplicateItems.size} 个计划自行采集的数据项已可从共享平台获取，不得重复采集`}
              description="请将这些数据项改为“平台共享获取”，向提供方申请共享后使用。"
              style={{ marginBottom: 12 }}
            />
            <Table<ProjectDuplicate>
              rowKey={(d) => `${d.item}-${d.resourceId}`}
              size="small"
              pagination={false}
              dataSource={project.duplicates}
              data-testid="project-duplicates-table"
              columns={[
                { title: '数据项', dataIndex: 'item', width: 160 },
                {
                  title: '资源代码',
                  dataIndex: 'resourceCode',
                  width: 150,
                  render: (v: string) => <span className="mono">{v}</span>,
                },
                {
                  title: '资源名称',
                  dataIndex: 'resourceName',
                  render: (v: string, d) => (
                    <Link to={`/catalog/entries/${d.resourceId}`}>{v}</Link>
                  ),
                },
                { title: '提供方', dataIndex: 'providerName', width: 180 },
                { title: '对应信息项', dataIndex: 'fieldName', width: 140 },
                {
                  title: '共享类型',
                  dataIndex: 'sharingType',
                  width: 110,
                  render: (v: string | null) => <SharingTag value={v} vocab={vocab} />,
                },
              ]}
            />
          </>
        ) : (
          <Alert
            type="success"
            showIcon
            title="未发现重复采集：计划自行采集的数据项在共享平台上都没有其他提供方"
            data-testid="project-no-duplicates"
          />
        )}
      </Card>
      <Card
        variant="borderless"
        size="small"
        title={`数据项（${project.items.length} 项）`}
        style={{ marginTop: 16 }}
      >
        <Table<ProjectItem & { i: number }>
          rowKey="i"
          size="small"
          pagination={false}
          dataSource={project.items.map((item, i) => ({ ...item, i }))}
          columns={[
            { title: '序号', dataIndex: 'i', width: 60, render: (i: number) => i + 1 },
            {
              title: '名称',
              dataIndex: 'name',
              render: (v: string) => (
                <Space>
                  {v}
                  {duplicateItems.has(v) && <Tag color="red">重复采集</Tag>}
                </Space>
              ),
            },
            {
              title: '英文标识',
              dataIndex: 'identifier',
              width: 180,
              render: (v: string) => <span className="mono">{v || '—'}</span>,
            },
            {
              title: '来源',
              dataIndex: 'source',
              width: 140,
              render: (s: ProjectItem['source']) => (
                <Tag color={s === 'share' ? 'green' : 'default'}>{projectSourceLabels[s]}</Tag>
              ),
            },
          ]}
        />
      </Card>
      <Modal
        open={rejecting}
        title="不予通过"
        okText="确定"
        cancelText="取消"
        okButtonProps={{ danger: true, loading: busy, 'data-testid': 'project-reject-ok' }}
        onCancel={() => setRejecting(false)}
        destroyOnHidden
        onOk={() =>
          void form
            .validateFields()
            .then((v) => decide('reject', v.note.trim()))
            .catch(() => undefined)
        }
      >
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item
            name="note"
            label="理由"
            rules={[{ required: true, whitespace: true, message: '请填写不予通过的理由' }]}
          >
            <Input.TextArea rows={4} maxLength={1000} data-testid="project-reject-note" />
          </Form.Item>
        </Form>
        <Typography.Text type="secondary">理由将告知登记单位。</Typography.Text>
      </Modal>
    </div>
  );
}
