// 新建账号 / 编辑账号. Creating answers the one-time initial password, which the page shows
// once; editing changes only the name, office and roles.
import { Alert, App, Button, Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { applyFormErrors } from '../../api/client';
import type { AccountApi } from '../../api/endpoints';
import type { Account, AccountCreated, AccountPatch } from '../../api/types';
import { useUser } from '../../auth/AuthContext';
import { useRoles } from '../../auth/roles';
import UnitSelect from '../../components/UnitSelect';
import { citizenIdFormatError } from '../../utils/format';

export interface AccountFormValues {
  username: string;
  displayName: string;
  citizenId: string;
  phone: string;
  unitId: string | null;
  office?: string;
  roles: string[];
}

const FIELDS = [
  'username',
  'displayName',
  'citizenId',
  'phone',
  'unitId',
  'office',
  'roles',
] as const;

export interface AccountFormModalProps {
  open: boolean;
  /** The account to edit; absent to create one. */
  account: Account | null;
  api: AccountApi;
  /** Which roles may be granted here: 'unit_admin' (only that role) or 'business'. */
  roleKind: 'unit_admin' | 'business';
  /** New accounts go into the caller's own unit (a unit administrator's accounts). */
  ownUnitOnly: boolean;
  onClose: () => void;
  afterClose?: () => void;
  onCreated: (r: AccountCreated) => void;
  onUpdated: (a: Account) => void;
}

export default function AccountFormModal({
  open,
  account,
  api,
  roleKind,
  ownUnitOnly,
  onClose,
  afterClose,
  onCreated,
  onUpdated,
}: AccountFormModalProps) {
  const { message } = App.useApp();
  const user = useUser();
  const roles = useRoles();
  const [form] = Form.useForm<AccountFormValues>();
  const [saving, setSaving] = useState(false);
  const editing = !!account;
  const fixedRoles = roleKind === 'unit_admin';

  const roleOptions = roles.list
    .filter((r) => r.kind === roleKind)
    .map((r) => ({ value: r.role, label: r.name }));

  const submit = async () => {
    let v: AccountFormValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const office = v.office?.trim() ? v.office.trim() : null;
    setSaving(true);
    try {
      if (!account) {
        const created = await api.create({
          username: v.username.trim(),
          displayName: v.displayName.trim(),
          citizenId: v.citizenId.trim().toUpperCase(),
          phone: v.phone.trim(),
          unitId: ownUnitOnly ? user.unitId : v.unitId!,
          office,
          roles: fixedRoles ? ['unit_admin'] : v.roles,
        });
        onCreated(created);
      } else {
        const patch: AccountPatch = {};
        if (v.displayName.trim() !== account.displayName) patch.displayName = v.displayName.trim();
        if (office !== account.office) patch.office = office;
        if (!fixedRoles && [...v.roles].sort().join(',') !== [...account.roles].sort().join(','))
          patch.roles = v.roles;
        if (Object.keys(patch).length === 0) {
          message.info('未作修改');
          onClose();
          return;
        }
        const updated = await api.update(account.id, patch);
        message.success(`已保存账号 ${updated.username}`);
        onUpdated(updated);
      }
    } catch (e) {
      applyFormErrors(form, e, FIELDS, (t) => message.error(t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={editing ? `编辑账号 ${account.username}` : '新建账号'}
      width={620}
      onCancel={onClose}
      afterClose={afterClose}
      destroyOnHidden
      mask={{ closable: false }}
      data-testid="account-form-modal"
      footer={[
        <Button key="cancel" onClick={onClose}>
          取消
        </Button>,
        <Button
          key="ok"
          type="primary"
          loading={saving}
          onClick={() => void submit()}
          data-testid="account-form-submit"
        >
          {editing ? '保存' : '创建'}
        </Button>,
      ]}
    >
      {!editing && (
        <Alert
          type="info"
          showIcon
          title="创建后平台生成一次性初始密码，本人首次登录须修改"
          description={
            roleKind === 'business'
              ? '一人在本单位只能有一个账号；录入、审核、审批岗位不能由同一账号兼任。'
              : '每个单位只设一个单位管理员，单位管理员不能兼任其他角色。'
          }
          style={{ marginBottom: 16 }}
        />
      )}
      <Form<AccountFormValues>
        form={form}
        layout="vertical"
        initialValues={
          account
            ? {
                username: account.username,
                displayName: account.displayName,
                office: account.office ?? '',
                roles: account.roles,
                unitId: account.unitId,
              }
            : { roles: fixedRoles ? ['unit_admin'] : [], unitId: null }
        }
        autoComplete="off"
        data-testid="account-form"
      >
        {!editing && (
          <Form.Item
            name="username"
            label="用户名"
            extra="小写字母开头，3–32 位小写字母、数字或 _ . -，创建后不能修改"
            normalize={(v?: string) => v?.toLowerCase().replace(/\s+/g, '')}
            rules={[
              { required: true, message: '请输入用户名' },
              {
                pattern: /^[a-z][a-z0-9_.-]{2,31}$/,
                message: '用户名应以小写字母开头，3–32 位小写字母、数字或 _ . -',
              },
            ]}
          >
            <Input maxLength={32} placeholder="如 zhang.wei" data-testid="account-username" />
          </Form.Item>
        )}
        <Form.Item
          name="displayName"
          label="真实姓名"
          rules={[
            { required: true, whitespace: true, message: '请输入真实姓名' },
            { min: 2, max: 30, message: '姓名应为 2–30 个字' },
          ]}
        >
          <Input maxLength={30} data-testid="account-display-name" />
        </Form.Item>
        {!editing && (
          <>
            <Form.Item
              name="citizenId"
              label="公民身份号码"
              extra="18 位，用于确认一人一号；列表中只显示脱敏后的号码"
              normalize={(v?: string) => v?.toUpperCase().replace(/\s+/g, '')}
              rules={[
                { required: true, message: '请输入公民身份号码' },
                {
                  validator: async (_, v?: string) => {
                    const err = v ? citizenIdFormatError(v) : null;
                    if (err) throw new Error(err);
                  },
                },
              ]}
            >
              <Input maxLength={18} className="mono" data-testid="account-citizen-id" />
            </Form.Item>
            <Form.Item
              name="phone"
              label="联系电话"
              rules={[{ required: true, whitespace: true, message: '请输入联系电话' }]}
            >
              <Input
                maxLength={20}
                placeholder="手机号或带区号的固定电话"
                data-testid="account-phone"
              />
            </Form.Item>
            {ownUnitOnly ? (
              <Form.Item label="所属单位" extra="单位管理员只能为本单位创建账号">
                <Input value={user.unitName} disabled data-testid="account-unit-fixed" />
              </Form.Item>
            ) : (
              <Form.Item
                name="unitId"
                label="所属单位"
                rules={[{ required: true, message: '请选择所属单位' }]}
              >
                <UnitSelect placeholder="输入单位名称搜索" data-testid="account-unit" />
              </Form.Item>
            )}
          </>
        )}
        <Form.Item
          name="office"
          label="科室"
          rules={[{ max: 50, message: '科室名称不超过 50 个字' }]}
        >
          <Input maxLength={50} placeholder="如：社会救助处" data-testid="account-office" />
        </Form.Item>
        <Form.Item
          name="roles"
          label="角色"
          rules={[{ required: true, type: 'array', min: 1, message: '请至少选择一个角色' }]}
        >
          <Select
            mode="multiple"
            disabled={fixedRoles}
            options={
              fixedRoles ? [{ value: 'unit_admin', label: roles.name('unit_admin') }] : roleOptions
            }
            loading={!roles.loaded}
            placeholder="选择业务角色"
            data-testid="account-roles"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
