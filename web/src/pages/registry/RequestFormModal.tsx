// 变更 / 迁移 / 暂停 / 恢复 / 注销 of an approved record: the dialog that files the request (or
// edits a returned one). A change sends only the fields that differ from the approved record;
// the request then climbs the same levels as a registration.
import { Alert, DatePicker, Form, Input, Modal, Radio, Select, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import DivisionCascader from '../../components/DivisionCascader';
import {
  registryApi,
  requestKindLabels,
  type Category,
  type RecordDetail,
  type RequestCreate,
  type RequestDetail,
  type RequestKind,
} from './api';
import {
  BenefitFields,
  PersonFields,
  applyServerErrors,
  toFormValues,
  toRecordFields,
  type RecordFormValues,
} from './fields';

export type FileableKind = Exclude<RequestKind, 'register'>;

interface Values extends RecordFormValues {
  reason: string;
  transferDivision?: string;
  transferAddress?: string;
  cancelKind?: 'death' | 'loss_of_status' | 'other';
  effectiveOn?: Dayjs;
}

const kindHints: Record<FileableKind, string> = {
  change: '修改需要变更的信息，只提交有变化的项目；变更经县级复核、市级审核、省级审批后生效。',
  transfer: '跨地区迁移：选择迁入地行政区划，审批通过后记录转入迁入地管理。',
  suspend: '暂停发放抚恤优待（如下落不明、服刑等），须写明原因。',
  resume: '恢复发放抚恤优待，须写明原因。',
  cancel: '注销（死亡、取消资格等），须写明注销类别、生效日期和原因。',
};

/** The fields of `after` that differ from `before` (benefit compared key by key). */
function changesOf(before: RecordDetail, after: ReturnType<typeof toRecordFields>) {
  const out: Record<string, unknown> = {};
  const keys = [
    'name',
    'idNumber',
    'sex',
    'birthDate',
    'ethnicity',
    'address',
    'phone',
    'categoryCode',
  ] as const;
  for (const k of keys) {
    if ((after[k] ?? null) !== (before[k] ?? null)) out[k] = after[k];
  }
  const b1 = JSON.stringify(
    Object.fromEntries(
      Object.entries(before.benefit).filter(([, v]) => v !== null && v !== undefined),
    ),
  );
  const b2 = JSON.stringify(
    Object.fromEntries(
      Object.entries(after.benefit).filter(([, v]) => v !== null && v !== undefined),
    ),
  );
  if (b1 !== b2) out.benefit = after.benefit;
  return out;
}

export function RequestFormModal({
  record,
  kind,
  categories,
  editing,
  onCancel,
  onDone,
}: {
  record: RecordDetail;
  kind: FileableKind | null;
  categories: Category[];
  /** A returned request being edited instead of a new one. */
  editing?: RequestDetail | null;
  onCancel: () => void;
  onDone: (r: RequestDetail) => void;
}) {
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const categoryCode = Form.useWatch('categoryCode', form);
  const category = categories.find((c) => c.code === categoryCode);

  useEffect(() => {
    if (!kind) return;
    const p = editing?.proposal ?? {};
    const base = toFormValues(record);
    if (kind === 'change' && editing && typeof p.changes === 'object' && p.changes) {
      Object.assign(base, toFormValues({ ...record, ...p.changes }));
    }
    form.setFieldsValue({
      ...base,
      reason: typeof p.reason === 'string' ? p.reason : '',
      transferDivision: typeof p.divisionCode === 'string' ? p.divisionCode : undefined,
      transferAddress: typeof p.address === 'string' ? p.address : undefined,
      cancelKind: (p.cancelKind as Values['cancelKind']) ?? 'death',
      effectiveOn: typeof p.effectiveOn === 'string' ? dayjs(p.effectiveOn) : dayjs(),
    });
  }, [kind, record, editing, form]);

  const submit = async (v: Values) => {
    if (!kind) return;
    const reason = v.reason.trim();
    let body: RequestCreate;
    switch (kind) {
      case 'change': {
        const changes = changesOf(
          record,
          toRecordFields({ ...v, divisionCode: record.divisionCode }, category),
        );
        if (Object.keys(changes).length === 0) {
          setError('没有修改任何信息');
          return;
        }
        body = { kind, changes, reason };
        break;
      }
      case 'transfer':
        body = {
          kind,
          divisionCode: v.transferDivision ?? '',
          address: v.transferAddress?.trim() || null,
          reason,
        };
        break;
      case 'suspend':
      case 'resume':
        body = { kind, reason };
        break;
      case 'cancel':
        body = {
          kind,
          cancelKind: v.cancelKind ?? 'other',
          effectiveOn: (v.effectiveOn ?? dayjs()).format('YYYY-MM-DD'),
          reason,
        };
        break;
    }
    setBusy(true);
    setError(null);
    try {
      const done = editing
        ? await registryApi.updateRequest(editing.id, editing.version, body)
        : await registryApi.fileRequest(record.id, body);
      onDone(done);
    } catch (e) {
      setError(applyServerErrors(form, e));
    } finally {
      setBusy(false);
    }
  };

  const title = kind ? `${editing ? '修改' : ''}${requestKindLabels[kind]}申请` : '';
  return (
    <Modal
      open={kind !== null}
      title={title}
      width={kind === 'change' ? 960 : 600}
      okText={editing ? '保存申请' : '提交申请（草稿）'}
      cancelText="取消"
      okButtonProps={{ loading: busy, 'data-testid': 'registry-request-form-ok' }}
      onCancel={onCancel}
      destroyOnHidden
      afterClose={() => {
        form.resetFields();
        setError(null);
      }}
      onOk={() =>
        void form.validateFields().then(
          (v) => submit(v),
          () => undefined,
        )
      }
      data-testid="registry-request-form"
      data-kind={kind ?? ''}
    >
      {kind && <Typography.Paragraph type="secondary">{kindHints[kind]}</Typography.Paragraph>}
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 12 }}
          data-testid="registry-request-form-error"
        />
      )}
      <Form<Values> form={form} layout="vertical" preserve={false}>
        {kind === 'change' && (
          <>
            <PersonFields form={form} divisionEditable={false} />
            <Form.Item name="categoryCode" label="优抚类别" style={{ maxWidth: 360 }}>
              <Select options={categories.map((c) => ({ value: c.code, label: c.name }))} />
            </Form.Item>
            <BenefitFields category={category} />
          </>
        )}
        {kind === 'transfer' && (
          <>
            <Form.Item
              name="transferDivision"
              label="迁入地（行政区划）"
              rules={[{ required: true, message: '请选择迁入地' }]}
            >
              <DivisionCascader data-testid="registry-transfer-division" />
            </Form.Item>
            <Form.Item name="transferAddress" label="迁入后详细住址">
              <Input maxLength={200} />
            </Form.Item>
          </>
        )}
        {kind === 'cancel' && (
          <>
            <Form.Item name="cancelKind" label="注销类别" rules={[{ required: true }]}>
              <Radio.Group
                options={[
                  { value: 'death', label: '死亡' },
                  { value: 'loss_of_status', label: '取消优抚对象资格' },
                  { value: 'other', label: '其他' },
                ]}
              />
            </Form.Item>
            <Form.Item
              name="effectiveOn"
              label="生效日期"
              rules={[{ required: true, message: '请选择生效日期' }]}
            >
              <DatePicker />
            </Form.Item>
          </>
        )}
        <Form.Item
          name="reason"
          label={`${kind ? requestKindLabels[kind] : ''}原因`}
          rules={[
            { required: true, whitespace: true, message: '请填写原因' },
            { min: 2, message: '请填写原因（至少 2 个字）' },
          ]}
        >
          <Input.TextArea
            rows={3}
            maxLength={500}
            showCount
            data-testid="registry-request-reason"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
