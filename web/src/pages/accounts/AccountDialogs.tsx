// Dialogs of the account pages: the one-time password, 停用/启用 with a reason, the 工作交接
// form and the 交接记录 drawer.
import { CopyOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  Modal,
  Radio,
  Select,
  Skeleton,
  Timeline,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { applyFormErrors, errorMessage } from '../../api/client';
import { accountReviewApi, type AccountApi, type HandoverCandidate } from '../../api/endpoints';
import type { Account, Handover, HandoverInput, HandoverKind, Witness } from '../../api/types';
import { copyText } from '../../utils/clipboard';
import { formatDateTime, handoverKindLabels } from '../../utils/format';

/** Shows an initial (or reset) password once; it cannot be read again after closing. */
export function InitialPasswordModal({
  shown,
  onClose,
}: {
  shown: {
    account: Pick<Account, 'username' | 'displayName'>;
    password: string;
    reset: boolean;
  } | null;
  onClose: () => void;
}) {
  const { message } = App.useApp();
  return (
    <Modal
      open={!!shown}
      title={shown?.reset ? '密码已重置' : '账号已创建'}
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      data-testid="initial-password-modal"
      footer={
        <Button type="primary" onClick={onClose} data-testid="initial-password-close">
          我已记下
        </Button>
      }
    >
      {shown && (
        <>
          <Alert
            type="warning"
            showIcon
            title="初始密码只显示这一次"
            description="请当面或通过安全渠道告知本人。本人首次登录时须修改密码；关闭此窗口后将无法再次查看。"
            style={{ marginBottom: 16 }}
          />
          <Descriptions
            column={1}
            size="small"
            items={[
              { key: 'name', label: '姓名', children: shown.account.displayName },
              {
                key: 'username',
                label: '用户名',
                children: (
                  <span className="mono" data-testid="initial-password-username">
                    {shown.account.username}
                  </span>
                ),
              },
            ]}
          />
          <Typography.Text type="secondary">初始密码</Typography.Text>
          <code className="one-time-secret" data-testid="initial-password">
            {shown.password}
          </code>
          <Button
            icon={<CopyOutlined />}
            style={{ marginTop: 12 }}
            onClick={() =>
              void copyText(shown.password).then(
                () => message.success('已复制到剪贴板'),
                (e: unknown) => message.error(errorMessage(e)),
              )
            }
          >
            复制密码
          </Button>
        </>
      )}
    </Modal>
  );
}

/** 停用 / 启用 an account; a reason is required either way. */
export function StatusModal({
  account,
  api,
  onClose,
  onDone,
}: {
  account: Account | null;
  api: AccountApi;
  onClose: () => void;
  onDone: (a: Account) => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [saving, setSaving] = useState(false);
  const disabling = account?.status === 'active';

  const submit = async () => {
    if (!account) return;
    let v: { reason: string };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    try {
      const updated = disabling
        ? await api.disable(account.id, v.reason.trim())
        : await api.enable(account.id, v.reason.trim());
      message.success(`已${disabling ? '停用' : '启用'}账号 ${updated.username}`);
      onDone(updated);
    } catch (e) {
      applyFormErrors(form, e, ['reason'], (t) => message.error(t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={!!account}
      title={`${disabling ? '停用' : '启用'}账号 ${account?.username ?? ''}`}
      okText={disabling ? '停用' : '启用'}
      okButtonProps={{ danger: disabling, 'data-testid': 'status-submit' }}
      cancelText="取消"
      confirmLoading={saving}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {disabling && (
        <Alert
          type="warning"
          showIcon
          title="停用后该账号立即退出登录，其 API 令牌同时失效"
          style={{ marginBottom: 16 }}
        />
      )}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="reason"
          label={disabling ? '停用原因' : '启用原因'}
          rules={[
            { required: true, whitespace: true, message: '请填写原因' },
            { min: 2, message: '原因至少 2 个字' },
            { max: 200, message: '原因不超过 200 个字' },
          ]}
        >
          <Input.TextArea
            rows={3}
            maxLength={200}
            showCount
            placeholder={disabling ? '如：借调期间暂停使用' : '如：借调结束恢复使用'}
            data-testid="status-reason"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface HandoverValues {
  kind: HandoverKind;
  handedToUserId?: string;
  items: string;
  witnessId: string;
  note?: string;
}

/**
 * 工作交接 (IAM-09): what is handed over, to whom, witnessed by a security auditor; the
 * account is disabled when it is recorded.
 */
export function HandoverModal({
  account,
  api,
  onClose,
  onDone,
}: {
  account: Account | null;
  api: AccountApi;
  onClose: () => void;
  onDone: (a: Account) => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<HandoverValues>();
  const [saving, setSaving] = useState(false);
  const [witnesses, setWitnesses] = useState<Witness[] | null>(null);
  const [receivers, setReceivers] = useState<HandoverCandidate[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    if (!account) return;
    let cancelled = false;
    setWitnesses(null);
    setReceivers(null);
    setLoadError(null);
    Promise.all([accountReviewApi.witnesses(), api.handoverCandidates(account.id)]).then(
      ([w, r]) => {
        if (cancelled) return;
        setWitnesses(w.items);
        setReceivers(r.items);
      },
      (e: unknown) => !cancelled && setLoadError(errorMessage(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [account, api]);

  const submit = async () => {
    if (!account) return;
    let v: HandoverValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const input: HandoverInput = {
      kind: v.kind,
      handedToUserId: v.handedToUserId ?? null,
      items: v.items.trim(),
      witnessId: v.witnessId,
      ...(v.note?.trim() ? { note: v.note.trim() } : {}),
    };
    setSaving(true);
    try {
      const r = await api.handover(account.id, input);
      message.success(`已登记工作交接，账号 ${r.account.username} 已停用`);
      onDone(r.account);
    } catch (e) {
      applyFormErrors(form, e, ['kind', 'handedToUserId', 'items', 'witnessId', 'note'], (t) =>
        message.error(t),
      );
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={!!account}
      title={`工作交接：${account?.displayName ?? ''}（${account?.username ?? ''}）`}
      width={620}
      okText="登记交接并停用账号"
      okButtonProps={{ danger: true, 'data-testid': 'handover-submit' }}
      cancelText="取消"
      confirmLoading={saving}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
      data-testid="handover-modal"
    >
      <Alert
        type="warning"
        showIcon
        title="登记后该账号立即停用，会话和 API 令牌同时失效"
        description="交接须由安全审计员见证。请在交接内容中列明移交的数据、文件、待办事项和系统权限。"
        style={{ marginBottom: 16 }}
      />
      {loadError && <Alert type="error" showIcon title={loadError} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" preserve={false} initialValues={{ kind: 'post_change' }}>
        <Form.Item name="kind" label="交接类型" rules={[{ required: true }]}>
          <Radio.Group
            options={(Object.keys(handoverKindLabels) as HandoverKind[]).map((k) => ({
              value: k,
              label: handoverKindLabels[k],
            }))}
          />
        </Form.Item>
        <Form.Item
          name="handedToUserId"
          label="接收人"
          extra={
            receivers && receivers.length === 0
              ? '同单位没有其他可选的启用账号，可不填接收人'
              : '接收工作的同单位账号'
          }
        >
          <Select
            allowClear
            loading={receivers === null && !loadError}
            placeholder="选择同单位的账号"
            options={(receivers ?? []).map((a) => ({
              value: a.id,
              label: `${a.displayName}（${a.username}${a.office ? `，${a.office}` : ''}）`,
            }))}
            data-testid="handover-receiver"
          />
        </Form.Item>
        <Form.Item
          name="items"
          label="交接内容"
          rules={[
            { required: true, whitespace: true, message: '请填写交接内容' },
            { min: 2, message: '交接内容至少 2 个字' },
            { max: 2000, message: '交接内容不超过 2000 个字' },
          ]}
        >
          <Input.TextArea
            rows={4}
            maxLength={2000}
            showCount
            placeholder="如：低保审核待办 12 件、纸质档案 3 盒、数据库查询权限"
            data-testid="handover-items"
          />
        </Form.Item>
        <Form.Item
          name="witnessId"
          label="见证人（安全审计员）"
          rules={[{ required: true, message: '请选择见证人' }]}
        >
          <Select
            loading={witnesses === null && !loadError}
            placeholder="选择见证交接的安全审计员"
            options={(witnesses ?? []).map((w) => ({
              value: w.id,
              label: `${w.displayName}（${w.unitName}）`,
            }))}
            data-testid="handover-witness"
          />
        </Form.Item>
        <Form.Item name="note" label="备注" rules={[{ max: 500, message: '备注不超过 500 个字' }]}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 交接记录 of one account. */
export function HandoversDrawer({
  account,
  api,
  onClose,
}: {
  account: Account | null;
  api: AccountApi;
  onClose: () => void;
}) {
  const [items, setItems] = useState<Handover[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!account) return;
    let cancelled = false;
    setItems(null);
    setError(null);
    api.handovers(account.id).then(
      (r) => !cancelled && setItems(r.items),
      (e: unknown) => !cancelled && setError(errorMessage(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [account, api]);

  return (
    <Drawer
      open={!!account}
      onClose={onClose}
      size={520}
      title={`交接记录：${account?.displayName ?? ''}（${account?.username ?? ''}）`}
      data-testid="handovers-drawer"
    >
      {error && <Alert type="error" showIcon title={error} />}
      {!error && items === null && <Skeleton active />}
      {items && items.length === 0 && <Empty description="没有交接记录" />}
      {items && items.length > 0 && (
        <Timeline
          items={items.map((h) => ({
            key: h.id,
            color: h.kind === 'departure' ? 'red' : 'blue',
            content: (
              <>
                <div className="history-time">{formatDateTime(h.recordedAt)}</div>
                <Descriptions
                  column={1}
                  size="small"
                  items={[
                    { key: 'kind', label: '类型', children: handoverKindLabels[h.kind] },
                    { key: 'to', label: '接收人', children: h.handedTo ?? '—' },
                    { key: 'witness', label: '见证人', children: h.witness },
                    { key: 'by', label: '登记人', children: h.recordedBy },
                    {
                      key: 'items',
                      label: '交接内容',
                      children: <span style={{ whiteSpace: 'pre-wrap' }}>{h.items}</span>,
                    },
                    ...(h.note ? [{ key: 'note', label: '备注', children: h.note }] : []),
                  ]}
                />
              </>
            ),
          }))}
        />
      )}
    </Drawer>
  );
}
