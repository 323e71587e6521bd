// Create or edit a unit. Editing sends the version the form was loaded from; a stale version
// answers 409 `conflict.version`, shown with a button to load the current data.
import { Alert, App, Button, Form, Input, Modal, Radio, Select } from 'antd';
import { useState } from 'react';
import { ApiError, applyFormErrors, errorMessage } from '../../api/client';
import { unitApi } from '../../api/endpoints';
import type { Unit, UnitPatch, UnitType } from '../../api/types';
import DivisionCascader from '../../components/DivisionCascader';
import UnitSelect from '../../components/UnitSelect';
import { creditCodeFormatError, unitTypeLabels } from '../../utils/format';

interface FormValues {
  name: string;
  creditCode?: string;
  divisionCode?: string;
  parentUnitId?: string | null;
  type?: UnitType;
  status?: Unit['status'];
  /** 修改原因, kept in the unit's history. */
  reason?: string;
}

const FIELDS = [
  'name',
  'creditCode',
  'divisionCode',
  'parentUnitId',
  'type',
  'status',
  'reason',
] as const;

export const unitTypeOptions = (Object.keys(unitTypeLabels) as UnitType[]).map((t) => ({
  value: t,
  label: unitTypeLabels[t],
}));

function valuesOf(u: Unit): FormValues {
  return {
    name: u.name,
    creditCode: u.creditCode ?? '',
    divisionCode: u.divisionCode,
    parentUnitId: u.parentUnitId,
    type: u.type,
    status: u.status,
  };
}

export interface UnitFormModalProps {
  open: boolean;
  /** The unit to edit; absent to create one. */
  unit: Unit | null;
  onClose: () => void;
  afterClose?: () => void;
  onSaved: (unit: Unit, created: boolean) => void;
}

export default function UnitFormModal({
  open,
  unit,
  onClose,
  afterClose,
  onSaved,
}: UnitFormModalProps) {
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [base, setBase] = useState<Unit | null>(unit);
  const [saving, setSaving] = useState(false);
  const [conflict, setConflict] = useState<string | null>(null);
  const [reloading, setReloading] = useState(false);
  const editing = !!base;

  const submit = async () => {
    let values: FormValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    const creditCode = values.creditCode?.trim() ? values.creditCode.trim().toUpperCase() : null;
    setSaving(true);
    setConflict(null);
    try {
      if (!base) {
        const created = await unitApi.create({
          name: values.name.trim(),
          creditCode,
          divisionCode: values.divisionCode!,
          parentUnitId: values.parentUnitId ?? null,
          type: values.type!,
        });
        message.success(`已新建单位“${created.name}”`);
        onSaved(created, true);
      } else {
        const patch: UnitPatch = { version: base.version };
        if (values.name.trim() !== base.name) patch.name = values.name.trim();
        if (creditCode !== base.creditCode) patch.creditCode = creditCode;
        if (values.divisionCode && values.divisionCode !== base.divisionCode)
          patch.divisionCode = values.divisionCode;
        if ((values.parentUnitId ?? null) !== base.parentUnitId)
          patch.parentUnitId = values.parentUnitId ?? null;
        if (values.type && values.type !== base.type) patch.type = values.type;
        if (values.status && values.status !== base.status) patch.status = values.status;
        if (Object.keys(patch).length === 1) {
          message.info('未作修改');
          onClose();
          return;
        }
        if (values.reason?.trim()) patch.reason = values.reason.trim();
        const updated = await unitApi.update(base.id, patch);
        message.success(`已保存单位“${updated.name}”`);
        onSaved(updated, false);
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.code === 'conflict.version') {
        setConflict(e.userMessage);
      } else {
        applyFormErrors(form, e, FIELDS, (text) => message.error(text));
      }
    } finally {
      setSaving(false);
    }
  };

  const reloadLatest = async () => {
    if (!base) return;
    setReloading(true);
    try {
      const latest = await unitApi.get(base.id);
      setBase(latest);
      form.setFieldsValue(valuesOf(latest));
      setConflict(null);
      message.info('已加载最新数据，请核对后重新保存');
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setReloading(false);
    }
  };

  return (
    <Modal
      open={open}
      title={editing ? '编辑单位' : '新建单位'}
      width={640}
      onCancel={onClose}
      afterClose={afterClose}
      destroyOnHidden
      mask={{ closable: false }}
      data-testid="unit-form-modal"
      footer={[
        <Button key="cancel" onClick={onClose} data-testid="unit-form-cancel">
          取消
        </Button>,
        <Button
          key="ok"
          type="primary"
          loading={saving}
          onClick={() => void submit()}
          data-testid="unit-form-submit"
        >
          {editing ? '保存' : '创建'}
        </Button>,
      ]}
    >
      {conflict && (
        <Alert
          type="warning"
          showIcon
          title={conflict}
          description="点击“加载最新数据”查看他人的修改，核对后重新保存。"
          action={
            <Button
              size="small"
              loading={reloading}
              onClick={() => void reloadLatest()}
              data-testid="unit-form-reload"
            >
              加载最新数据
            </Button>
          }
          style={{ marginBottom: 16 }}
          data-testid="unit-form-conflict"
        />
      )}
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={base ? valuesOf(base) : { type: 'agency' }}
        onFinish={() => void submit()}
        data-testid="unit-form"
      >
        <Form.Item
          name="name"
          label="单位名称"
          rules={[
            { required: true, whitespace: true, message: '请输入单位名称' },
            { max: 100, message: '单位名称不能超过 100 个字' },
          ]}
        >
          <Input placeholder="如：某某市民政局" maxLength={100} data-testid="unit-name" />
        </Form.Item>
        <Form.Item
          name="creditCode"
          label="统一社会信用代码"
          extra="18 位，选填；由平台按 GB 32100 校验"
          normalize={(v?: string) => v?.toUpperCase().replace(/\s+/g, '')}
          rules={[
            {
              validator: async (_, v?: string) => {
                const err = v ? creditCodeFormatError(v) : null;
                if (err) throw new Error(err);
              },
            },
          ]}
        >
          <Input placeholder="选填" maxLength={18} showCount data-testid="unit-credit-code" />
        </Form.Item>
        <Form.Item
          name="divisionCode"
          label="所属行政区划"
          rules={[{ required: true, message: '请选择所属行政区划' }]}
        >
          <DivisionCascader placeholder="请选择省 / 市 / 县" data-testid="unit-division" />
        </Form.Item>
        <Form.Item name="parentUnitId" label="上级单位">
          <UnitSelect
            initialOption={
              base?.parentUnitId
                ? { id: base.parentUnitId, name: base.parentUnitName ?? base.parentUnitId }
                : null
            }
            {...(base ? { excludeId: base.id } : {})}
            placeholder="选填，输入单位名称搜索"
            data-testid="unit-parent"
          />
        </Form.Item>
        <Form.Item
          name="type"
          label="单位类型"
          rules={[{ required: true, message: '请选择单位类型' }]}
        >
          <Select options={unitTypeOptions} placeholder="请选择单位类型" data-testid="unit-type" />
        </Form.Item>
        {editing && (
          <Form.Item name="status" label="状态">
            <Radio.Group
              options={[
                { value: 'active', label: '启用' },
                { value: 'inactive', label: '停用' },
              ]}
              data-testid="unit-status"
            />
          </Form.Item>
        )}
        {editing && (
          <Form.Item
            name="reason"
            label="修改原因"
            extra="选填，记入修改历史，如：依据某某文件更名"
            rules={[{ max: 200, message: '修改原因不超过 200 个字' }]}
          >
            <Input.TextArea
              rows={2}
              maxLength={200}
              showCount
              placeholder="选填"
              data-testid="unit-reason"
            />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
