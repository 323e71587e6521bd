// 项目数据目录: information-system projects register the data they plan to hold before
// approval; the platform checks that nothing it can get through sharing is collected again.
import { DeleteOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Select,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { applyFormErrors, errorMessage } from '../../api/client';
import { projectApi } from '../../api/endpoints';
import type { ProjectInput, ProjectItem, ProjectStatus, ProjectSummary } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import PageHeader from '../../components/PageHeader';
import { formatDateTime } from '../../utils/format';

export const projectStatusLabels: Record<ProjectStatus, string> = {
  registered: '待审批',
  approved: '已通过',
  rejected: '不予通过',
};

export const projectStatusColors: Record<ProjectStatus, string> = {
  registered: 'processing',
  approved: 'success',
  rejected: 'error',
};

export const projectSourceLabels: Record<ProjectItem['source'], string> = {
  collect: '自行采集',
  share: '平台共享获取',
};

interface ProjectFormValues {
  name: string;
  projectCode?: string;
  description?: string;
  items: { name?: string; identifier?: string; source?: ProjectItem['source'] }[];
}

function ProjectFormModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (id: string) => void;
}) {
  const [form] = Form.useForm<ProjectFormValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    const v = await form.validateFields();
    const input: ProjectInput = {
      name: v.name.trim(),
      ...(v.projectCode?.trim() ? { projectCode: v.projectCode.trim() } : {}),
      description: v.description?.trim() ?? '',
      items: v.items.map((i) => ({
        name: (i.name ?? '').trim(),
        identifier: (i.identifier ?? '').trim(),
        source: i.source ?? 'collect',
        note: '',
      })),
    };
    setSaving(true);
    setError(null);
    try {
      const p = await projectApi.create(input);
      onCreated(p.id);
    } catch (e) {
      applyFormErrors(form, e, ['name', 'projectCode', 'description', 'items'], setError);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title="登记项目数据目录"
      width={820}
      okText="登记"
      cancelText="取消"
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'project-submit' }}
      onOk={() => void submit().catch(() => undefined)}
      onCancel={onClose}
      destroyOnHidden
      afterClose={() => {
        form.resetFields();
        setError(null);
      }}
      data-testid="project-modal"
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form<ProjectFormValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ items: [{ source: 'collect' }] }}
      >
        <Form.Item
          name="name"
          label="项目名称"
          rules={[
            { required: true, whitespace: true, message: '请填写项目名称' },
            { min: 2, message: '项目名称至少 2 个字' },
          ]}
        >
          <Input maxLength={100} data-testid="project-name" />
        </Form.Item>
        <Form.Item name="projectCode" label="项目代码" tooltip="立项审批或投资项目代码（如有）">
          <Input maxLength={50} data-testid="project-code" />
        </Form.Item>
        <Form.Item name="description" label="项目说明">
          <Input.TextArea rows={2} maxLength={2000} data-testid="project-description" />
        </Form.Item>
        <Form.List
          name="items"
          rules={[
            {
              validator: async (_, items?: unknown[]) => {
                if (!items || items.length === 0) throw new Error('至少要有一个数据项');
              },
            },
          ]}
        >
          {(fields, { add, remove }, { errors }) => (
            <>
              <Typography.Text strong>数据项</Typography.Text>
              <Table
                className="items-table"
                rowKey="key"
                size="small"
                pagination={false}
                dataSource={fields}
                style={{ marginTop: 8 }}
                data-testid="project-items"
                columns={[
                  {
                    title: '名称',
                    key: 'name',
                    render: (_: unknown, f) => (
                      <Form.Item
                        name={[f.name, 'name']}
                        rules={[{ required: true, whitespace: true, message: '请填写名称' }]}
                      >
                        <Input data-testid={`project-item-${f.name}-name`} />
                      </Form.Item>
                    ),
                  },
                  {
                    title: '英文标识',
                    key: 'identifier',
                    width: 200,
                    render: (_: unknown, f) => (
                      <Form.Item name={[f.name, 'identifier']}>
                        <Input className="mono" data-testid={`project-item-${f.name}-identifier`} />
                      </Form.Item>
                    ),
                  },
                  {
                    title: '来源',
                    key: 'source',
                    width: 170,
                    render: (_: unknown, f) => (
                      <Form.Item name={[f.name, 'source']}>
                        <Select
                          options={(['collect', 'share'] as const).map((s) => ({
                            value: s,
                            label: projectSourceLabels[s],
                          }))}
                          data-testid={`project-item-${f.name}-source`}
                        />
                      </Form.Item>
                    ),
                  },
                  {
                    title: '',
                    key: 'ops',
                    width: 50,
                    render: (_: unknown, f) => (
                      <Button
                        type="text"
                        danger
                        icon={<DeleteOutlined />}
                        onClick={() => remove(f.name)}
                      />
                    ),
                  },
                ]}
              />
              <Form.ErrorList errors={errors} />
              <Button
                type="dashed"
                block
                icon={<PlusOutlined />}
                style={{ marginTop: 8 }}
                onClick={() => add({ source: 'collect' })}
                data-testid="project-item-add"
              >
                添加数据项
              </Button>
            </>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}

export default function ProjectsPage() {
  const { can } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [items, setItems] = useState<ProjectSummary[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setItems((await projectApi.list()).items);
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

  const columns: TableColumnsType<ProjectSummary> = [
    {
      title: '项目名称',
      dataIndex: 'name',
      render: (name: string, p) => (
        <Link to={`/catalog/projects/${p.id}`} data-testid="project-link">
          {name}
        </Link>
      ),
    },
    {
      title: '项目代码',
      dataIndex: 'projectCode',
      width: 160,
      render: (v: string | null) => v ?? <Typography.Text type="secondary">—</Typography.Text>,
    },
    { title: '登记单位', dataIndex: 'unitName', width: 200 },
    {
      title: '状态',
      dataIndex: 'status',
      width: 100,
      render: (s: ProjectStatus) => (
        <Tag color={projectStatusColors[s]}>{projectStatusLabels[s]}</Tag>
      ),
    },
    {
      title: '登记时间',
      dataIndex: 'createdAt',
      width: 170,
      render: (v: string) => formatDateTime(v),
    },
    {
      title: '审批时间',
      dataIndex: 'decidedAt',
      width: 170,
      render: (v: string | null) => formatDateTime(v),
    },
  ];

  return (
    <div data-testid="projects-page">
      <PageHeader
        title="项目数据目录"
        subtitle="信息系统项目立项前登记计划采集和使用的数据项；已可通过平台共享获取的，不得重复采集。"
        extra={
          can('catalog.edit') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="project-create"
            >
              登记项目数据目录
            </Button>
          )
        }
      />
      <Card
        variant="borderless"
        extra={
          <Tooltip title="刷新">
            <Button icon={<ReloadOutlined />} onClick={() => void load()} />
          </Tooltip>
        }
        title={can('catalog.publish') ? '辖区内登记的项目' : '本单位登记的项目'}
      >
        {error && (
          <Alert
            type="error"
            showIcon
            title="加载失败"
            description={error}
            style={{ marginBottom: 16 }}
          />
        )}
        <Table<ProjectSummary>
          rowKey="id"
          columns={columns}
          dataSource={items}
          loading={loading}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: '暂无登记的项目' }}
          data-testid="projects-table"
        />
      </Card>
      <ProjectFormModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(id) => {
          setCreating(false);
          message.success('已登记，平台将检查是否重复采集');
          void navigate(`/catalog/projects/${id}`);
        }}
      />
    </div>
  );
}
