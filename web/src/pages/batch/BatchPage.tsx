// 批量修改 (AUD-04): applications to change many units at once. An org manager submits one
// (title, reason, the units and what to set); an approver (batch.approve) — never the
// applicant — approves it, which applies every change in one transaction, or sends it back.
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Radio,
  Select,
  Skeleton,
  Space,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { ApiError, applyFormErrors, errorMessage } from '../../api/client';
import { batchApi, divisionApi, unitApi } from '../../api/endpoints';
import type { BatchChange, BatchItem, BatchVersion, UnitSet, UnitType } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import DivisionCascader from '../../components/DivisionCascader';
import PageHeader from '../../components/PageHeader';
import UnitSelect from '../../components/UnitSelect';
import {
  batchStatusColors,
  batchStatusLabels,
  formatDateTime,
  unitFieldLabels,
  unitStatusLabels,
  unitTypeLabels,
} from '../../utils/format';
import { unitTypeOptions } from '../org/UnitFormModal';

/** The fields a batch may set, by their API names. */
type SetField = 'divisionCode' | 'status' | 'type' | 'parentUnitId';

const setFieldLabels: Record<keyof UnitSet, string> = {
  name: '单位名称',
  creditCode: '统一社会信用代码',
  divisionCode: '所属行政区划',
  parentUnitId: '上级单位',
  type: '单位类型',
  status: '状态',
};

/** Column names (as versions report them) to labels. */
const columnLabel = (c: string) => unitFieldLabels[c] ?? c;

/** Names of units and divisions met in a batch, loaded once each. */
function useNames(items: { unitIds: string[]; divisionCodes: string[] } | null) {
  const [units, setUnits] = useState<Record<string, string>>({});
  const [divisions, setDivisions] = useState<Record<string, string>>({});
  const key = items ? `${items.unitIds.join(',')}|${items.divisionCodes.join(',')}` : '';
  useEffect(() => {
    if (!items) return;
    let cancelled = false;
    void Promise.all(
      items.unitIds.map((id) =>
        unitApi.get(id).then(
          (u) => [id, u.name] as const,
          () => [id, id] as const,
        ),
      ),
    ).then((pairs) => !cancelled && setUnits(Object.fromEntries(pairs)));
    void Promise.all(
      items.divisionCodes.map((code) =>
        divisionApi.get(code).then(
          (d) => [code, `${d.path.map((p) => p.name).join(' / ') || d.name}（${code}）`] as const,
          () => [code, code] as const,
        ),
      ),
    ).then((pairs) => !cancelled && setDivisions(Object.fromEntries(pairs)));
    return () => {
      cancelled = true;
    };
    // `key` stands for the contents of `items`.
  }, [key]);
  return { unit: (id: string) => units[id] ?? id, division: (c: string) => divisions[c] ?? c };
}

function describeSet(set: UnitSet, names: ReturnType<typeof useNames>): string {
  return (Object.entries(set) as [keyof UnitSet, string | null | undefined][])
    .map(([k, v]) => {
      let shown: string;
      if (v === null || v === undefined || v === '') shown = '（空）';
      else if (k === 'type') shown = unitTypeLabels[v as UnitType] ?? v;
      else if (k === 'status') shown = unitStatusLabels[v as 'active' | 'inactive'] ?? v;
      else if (k === 'divisionCode') shown = names.division(v);
      else if (k === 'parentUnitId') shown = names.unit(v);
      else shown = v;
      return `${setFieldLabels[k] ?? k}：${shown}`;
    })
    .join('；');
}

interface Failure {
  title: string;
  detail: string;
}

/** What went wrong with a decision, in the applicant's and approver's terms. */
function failureOf(e: unknown): Failure {
  const detail = errorMessage(e);
  if (e instanceof ApiError) {
    if (e.code === 'duty.separation') return { title: '申请人不能审批自己的申请', detail };
    if (e.code === 'batch.apply_failed') return { title: '批量修改未执行', detail };
    if (e.code === 'batch.not_pending') return { title: '该申请已被处理', detail };
  }
  return { title: '操作未完成', detail };
}

function DecisionModal({
  batch,
  kind,
  onClose,
  onDone,
  onFailed,
}: {
  batch: BatchChange | null;
  kind: 'approve' | 'reject';
  onClose: () => void;
  onDone: (b: BatchChange) => void;
  onFailed: (failure: Failure) => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ note?: string }>();
  const [busy, setBusy] = useState(false);
  const approving = kind === 'approve';

  const submit = async () => {
    if (!batch) return;
    let v: { note?: string };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    try {
      const note = v.note?.trim() ?? '';
      const b = approving
        ? await batchApi.approve(batch.id, note || undefined)
        : await batchApi.reject(batch.id, note);
      message.success(approving ? `已批准并执行，${b.changeCount} 条记录已修改` : '已退回申请');
      onDone(b);
    } catch (e) {
      if (!applyFormErrors(form, e, ['note'], () => undefined)) onFailed(failureOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={!!batch}
      title={approving ? '批准并执行批量修改' : '退回批量修改申请'}
      okText={approving ? '批准并执行' : '退回'}
      okButtonProps={{ danger: !approving, 'data-testid': 'batch-decision-submit' }}
      cancelText="取消"
      confirmLoading={busy}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {approving && (
        <Alert
          type="info"
          showIcon
          title={`将以您的权限修改 ${batch?.changeCount ?? 0} 条记录`}
          description="全部修改在一个事务中执行：任何一条失败（如记录已被他人修改），所有记录均不改动。"
          style={{ marginBottom: 16 }}
        />
      )}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="note"
          label={approving ? '审批意见（选填）' : '退回理由'}
          rules={
            approving
              ? [{ max: 500, message: '不超过 500 个字' }]
              : [
                  { required: true, whitespace: true, message: '请填写退回理由' },
                  { min: 2, message: '退回理由至少 2 个字' },
                  { max: 500, message: '不超过 500 个字' },
                ]
          }
        >
          <Input.TextArea rows={3} maxLength={500} showCount data-testid="batch-decision-note" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function BatchDrawer({
  batch,
  onClose,
  onChanged,
}: {
  batch: BatchChange | null;
  onClose: () => void;
  onChanged: (b: BatchChange) => void;
}) {
  const { can } = useAuth();
  const [versions, setVersions] = useState<BatchVersion[] | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [decision, setDecision] = useState<'approve' | 'reject' | null>(null);
  const names = useNames(
    batch
      ? {
          unitIds: [
            ...new Set([
              ...batch.changes.map((c) => c.entityId),
              ...batch.changes.flatMap((c) => (c.set.parentUnitId ? [c.set.parentUnitId] : [])),
            ]),
          ],
          divisionCodes: [
            ...new Set(
              batch.changes.flatMap((c) => (c.set.divisionCode ? [c.set.divisionCode] : [])),
            ),
          ],
        }
      : null,
  );

  // A new application clears the last failure; the same one reloaded keeps it on show.
  const batchId = batch?.id;
  useEffect(() => setFailure(null), [batchId]);

  useEffect(() => {
    setVersions(null);
    if (!batch || batch.status !== 'applied') return;
    let cancelled = false;
    batchApi.versions(batch.id).then(
      (r) => !cancelled && setVersions(r.items),
      () => !cancelled && setVersions([]),
    );
    return () => {
      cancelled = true;
    };
  }, [batch]);

  const refresh = async (id: string) => {
    try {
      onChanged(await batchApi.get(id));
    } catch {
      // the list refresh will show it
    }
  };

  const changeColumns: TableColumnsType<BatchItem> = [
    { title: '单位', dataIndex: 'entityId', render: (id: string) => names.unit(id) },
    { title: '修改为', dataIndex: 'set', render: (s: UnitSet) => describeSet(s, names) },
    { title: '基于版本', dataIndex: 'version', width: 90 },
  ];

  const versionColumns: TableColumnsType<BatchVersion> = [
    { title: '单位', dataIndex: 'entityId', render: (id: string) => names.unit(id) },
    { title: '新版本', dataIndex: 'version', width: 80 },
    {
      title: '修改字段',
      dataIndex: 'changedFields',
      render: (fs: string[]) => fs.map(columnLabel).join('、'),
    },
    { title: '执行人', dataIndex: 'changedByName', width: 90 },
    { title: '时间', dataIndex: 'changedAt', width: 165, render: formatDateTime },
  ];

  const pending = batch?.status === 'submitted';

  return (
    <Drawer
      open={!!batch}
      onClose={onClose}
      size={760}
      title={batch ? `批量修改：${batch.title}` : ''}
      data-testid="batch-drawer"
      extra={
        pending &&
        can('batch.approve') && (
          <Space>
            <Button danger onClick={() => setDecision('reject')} data-testid="batch-reject">
              退回
            </Button>
            <Button
              type="primary"
              onClick={() => setDecision('approve')}
              data-testid="batch-approve"
            >
              批准并执行
            </Button>
          </Space>
        )
      }
    >
      {batch && (
        <>
          {failure && (
            <Alert
              type="error"
              showIcon
              title={failure.title}
              description={failure.detail}
              closable={{ onClose: () => setFailure(null) }}
              style={{ marginBottom: 16 }}
              data-testid="batch-failure"
            />
          )}
          <Descriptions
            column={2}
            size="small"
            bordered
            items={[
              {
                key: 'status',
                label: '状态',
                children: (
                  <Tag color={batchStatusColors[batch.status]} data-testid="batch-status">
                    {batchStatusLabels[batch.status]}
                  </Tag>
                ),
              },
              { key: 'count', label: '记录数', children: batch.changeCount },
              { key: 'applicant', label: '申请人', children: batch.applicantName },
              { key: 'submitted', label: '提交时间', children: formatDateTime(batch.submittedAt) },
              {
                key: 'reason',
                label: '申请理由',
                span: 2,
                children: <span style={{ whiteSpace: 'pre-wrap' }}>{batch.reason}</span>,
              },
              { key: 'decider', label: '审批人', children: batch.decidedByName ?? '—' },
              { key: 'decided', label: '处理时间', children: formatDateTime(batch.decidedAt) },
              {
                key: 'note',
                label: batch.status === 'failed' ? '未执行原因' : '审批意见',
                span: 2,
                children: (
                  <Typography.Text type={batch.status === 'failed' ? 'danger' : undefined}>
                    {batch.decisionNote ?? '—'}
                  </Typography.Text>
                ),
              },
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 20 }}>
            修改内容
          </Typography.Title>
          <Table<BatchItem>
            rowKey="entityId"
            size="small"
            columns={changeColumns}
            dataSource={batch.changes}
            pagination={batch.changes.length > 20 ? { pageSize: 20 } : false}
          />
          {batch.status === 'applied' && (
            <>
              <Typography.Title level={5} style={{ marginTop: 20 }}>
                产生的记录版本
              </Typography.Title>
              {versions === null ? (
                <Skeleton active />
              ) : (
                <Table<BatchVersion>
                  rowKey={(v) => `${v.entityId}:${v.version}`}
                  size="small"
                  columns={versionColumns}
                  dataSource={versions}
                  pagination={versions.length > 20 ? { pageSize: 20 } : false}
                  data-testid="batch-versions"
                />
              )}
            </>
          )}
        </>
      )}
      <DecisionModal
        batch={decision ? batch : null}
        kind={decision ?? 'approve'}
        onClose={() => setDecision(null)}
        onDone={(b) => {
          setDecision(null);
          onChanged(b);
        }}
        onFailed={(m) => {
          setDecision(null);
          setFailure(m);
          if (batch) void refresh(batch.id);
        }}
      />
    </Drawer>
  );
}

interface CreateValues {
  title: string;
  reason: string;
  unitIds: string[];
  field: SetField;
  divisionCode?: string;
  status?: 'active' | 'inactive';
  type?: UnitType;
  parentUnitId?: string | null;
}

function CreateModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (b: BatchChange) => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<CreateValues>();
  const [saving, setSaving] = useState(false);
  const field = Form.useWatch('field', form) ?? 'divisionCode';

  const submit = async () => {
    let v: CreateValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const set: UnitSet =
      v.field === 'divisionCode'
        ? { divisionCode: v.divisionCode! }
        : v.field === 'status'
          ? { status: v.status! }
          : v.field === 'type'
            ? { type: v.type! }
            : { parentUnitId: v.parentUnitId ?? null };
    setSaving(true);
    try {
      // Each change names the version it was prepared against; a unit changed in between
      // makes the whole batch fail when applied, rather than overwrite that change.
      const units = await Promise.all(v.unitIds.map((id) => unitApi.get(id)));
      const b = await batchApi.create({
        title: v.title.trim(),
        reason: v.reason.trim(),
        entityType: 'units',
        changes: units.map((u) => ({ entityId: u.id, version: u.version, set })),
      });
      message.success(`已提交批量修改申请（${b.changeCount} 个单位），待审批后执行`);
      form.resetFields();
      onCreated(b);
    } catch (e) {
      applyFormErrors(form, e, ['title', 'reason'], (t) => message.error(t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title="新建批量修改申请"
      width={640}
      okText="提交申请"
      okButtonProps={{ 'data-testid': 'batch-create-submit' }}
      cancelText="取消"
      confirmLoading={saving}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
      mask={{ closable: false }}
      data-testid="batch-create-modal"
    >
      <Alert
        type="info"
        showIcon
        title="申请提交后不会立即修改，须由具有审批权限的其他人员批准后执行"
        style={{ marginBottom: 16 }}
      />
      <Form<CreateValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ field: 'divisionCode', unitIds: [], status: 'active' }}
      >
        <Form.Item
          name="title"
          label="申请标题"
          rules={[
            { required: true, whitespace: true, message: '请填写申请标题' },
            { min: 2, max: 100, message: '标题 2–100 个字' },
          ]}
        >
          <Input
            maxLength={100}
            placeholder="如：行政区划调整后变更所属区划"
            data-testid="batch-title"
          />
        </Form.Item>
        <Form.Item
          name="reason"
          label="申请理由"
          rules={[
            { required: true, whitespace: true, message: '请填写申请理由' },
            { min: 2, max: 1000, message: '理由 2–1000 个字' },
          ]}
        >
          <Input.TextArea
            rows={3}
            maxLength={1000}
            showCount
            placeholder="说明依据，如：依据国务院批复，撤销某县设立某区"
            data-testid="batch-reason"
          />
        </Form.Item>
        <Form.Item
          name="unitIds"
          label="要修改的单位"
          rules={[{ required: true, type: 'array', min: 1, message: '请至少选择一个单位' }]}
        >
          <UnitSelect
            multiple
            placeholder="输入单位名称搜索，可选择多个"
            data-testid="batch-units"
          />
        </Form.Item>
        <Form.Item name="field" label="修改项目" rules={[{ required: true }]}>
          <Radio.Group
            optionType="button"
            options={(['divisionCode', 'status', 'type', 'parentUnitId'] as SetField[]).map(
              (f) => ({
                value: f,
                label: setFieldLabels[f],
              }),
            )}
            data-testid="batch-field"
          />
        </Form.Item>
        {field === 'divisionCode' && (
          <Form.Item
            name="divisionCode"
            label="所选单位统一改为所属行政区划"
            rules={[{ required: true, message: '请选择行政区划' }]}
          >
            <DivisionCascader placeholder="请选择省 / 市 / 县" data-testid="batch-division" />
          </Form.Item>
        )}
        {field === 'status' && (
          <Form.Item name="status" label="所选单位统一改为状态" rules={[{ required: true }]}>
            <Radio.Group
              options={[
                { value: 'active', label: '启用' },
                { value: 'inactive', label: '停用' },
              ]}
            />
          </Form.Item>
        )}
        {field === 'type' && (
          <Form.Item
            name="type"
            label="所选单位统一改为单位类型"
            rules={[{ required: true, message: '请选择单位类型' }]}
          >
            <Select options={unitTypeOptions} placeholder="请选择单位类型" />
          </Form.Item>
        )}
        {field === 'parentUnitId' && (
          <Form.Item
            name="parentUnitId"
            label="所选单位统一改为上级单位"
            extra="不选则清除上级单位"
          >
            <UnitSelect placeholder="输入单位名称搜索" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

export default function BatchPage() {
  const { can } = useAuth();
  const [items, setItems] = useState<BatchChange[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<BatchChange | null>(null);
  const [creating, setCreating] = useState(false);
  const [status, setStatus] = useState<BatchChange['status'] | undefined>(undefined);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setItems((await batchApi.list()).items);
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

  const changed = (b: BatchChange) => {
    setItems((list) =>
      [b, ...list.filter((x) => x.id !== b.id)].sort((x, y) =>
        x.submittedAt < y.submittedAt ? 1 : -1,
      ),
    );
    setSelected((s) => (s?.id === b.id ? b : s));
  };

  const columns: TableColumnsType<BatchChange> = [
    { title: '标题', dataIndex: 'title', minWidth: 200 },
    {
      title: '状态',
      dataIndex: 'status',
      width: 90,
      render: (s: BatchChange['status']) => (
        <Tag color={batchStatusColors[s]}>{batchStatusLabels[s]}</Tag>
      ),
    },
    { title: '记录数', dataIndex: 'changeCount', width: 80, align: 'right' },
    { title: '申请人', dataIndex: 'applicantName', width: 100 },
    { title: '提交时间', dataIndex: 'submittedAt', width: 165, render: formatDateTime },
    {
      title: '审批人',
      dataIndex: 'decidedByName',
      width: 100,
      render: (v: string | null) => v ?? '—',
    },
    { title: '处理时间', dataIndex: 'decidedAt', width: 165, render: formatDateTime },
  ];

  const shown = status ? items.filter((b) => b.status === status) : items;

  return (
    <div data-testid="batch-page">
      <PageHeader
        title="批量修改"
        subtitle="批量修改单位信息须经审批：申请人不能审批自己的申请，执行后每个单位的修改历史记录依据的申请。"
        extra={
          can('org.manage') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="batch-create"
            >
              新建申请
            </Button>
          )
        }
      />
      <Card variant="borderless">
        <Space wrap style={{ marginBottom: 16 }}>
          <Select
            allowClear
            placeholder="全部状态"
            value={status}
            onChange={setStatus}
            options={(Object.keys(batchStatusLabels) as BatchChange['status'][]).map((s) => ({
              value: s,
              label: batchStatusLabels[s],
            }))}
            style={{ width: 140 }}
          />
          <Button icon={<ReloadOutlined />} onClick={() => void load()}>
            刷新
          </Button>
        </Space>
        {error && (
          <Alert
            type="error"
            showIcon
            title="申请列表加载失败"
            description={error}
            style={{ marginBottom: 16 }}
          />
        )}
        <Table<BatchChange>
          rowKey="id"
          size="middle"
          className="clickable-rows"
          columns={columns}
          dataSource={shown}
          loading={loading}
          scroll={{ x: 1000 }}
          onRow={(b) => ({ onClick: () => setSelected(b) })}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: '暂无批量修改申请' }}
          data-testid="batch-table"
        />
      </Card>
      <BatchDrawer batch={selected} onClose={() => setSelected(null)} onChanged={changed} />
      <CreateModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(b) => {
          setCreating(false);
          changed(b);
          setSelected(b);
        }}
      />
    </div>
  );
}
