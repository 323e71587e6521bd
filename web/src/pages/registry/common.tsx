// Shared bits of the registry pages (优抚对象): status tags, the province lock banner, the
// reporting-deadline notice, the overview hook, a dialog asking for one reason, and the
// display of benefit values.
import { LockOutlined } from '@ant-design/icons';
import { Alert, Form, Input, Modal, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../../api/client';
import { formatDateTime } from '../../utils/format';
import {
  registryApi,
  type Category,
  type Overview,
  type RecordStatus,
  type RequestStatus,
} from './api';

const requestStatusColors: Record<RequestStatus, string> = {
  draft: 'default',
  pending_check: 'processing',
  pending_review: 'blue',
  pending_approval: 'purple',
  returned: 'warning',
  approved: 'success',
  withdrawn: 'default',
};

const recordStatusColors: Record<RecordStatus, string> = {
  draft: 'processing',
  approved: 'success',
  suspended: 'warning',
  cancelled: 'default',
  discarded: 'default',
};

export function RequestStatusTag({ status, label }: { status: RequestStatus; label: string }) {
  return (
    <Tag
      color={requestStatusColors[status]}
      data-testid="registry-request-status"
      data-status={status}
    >
      {label}
    </Tag>
  );
}

export function RecordStatusTag({ status, label }: { status: RecordStatus; label: string }) {
  return (
    <Tag
      color={recordStatusColors[status]}
      data-testid="registry-record-status"
      data-status={status}
    >
      {label}
    </Tag>
  );
}

/** The registry overview (deadline, lock, queue counts); `reload` after a change. */
export function useRegistryOverview(): {
  overview: Overview | null;
  error: string | null;
  reload: () => Promise<void>;
} {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      setOverview(await registryApi.overview());
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { overview, error, reload };
}

/** The province has locked the data for the ministry's central review: nothing may change. */
export function LockBanner({ overview }: { overview: Overview | null }) {
  if (!overview?.lock.locked) return null;
  const l = overview.lock;
  return (
    <Alert
      type="warning"
      showIcon
      icon={<LockOutlined />}
      style={{ marginBottom: 16 }}
      data-testid="registry-lock-banner"
      title="优抚数据已锁定：民政部集中审定期间不能录入、修改或审批"
      description={
        <span>
          {l.reason && <>原因：{l.reason}。</>}
          {l.lockedByName && (
            <>
              由 {l.lockedByName} 于 {formatDateTime(l.lockedAt)} 锁定，审定完成后由省级解锁。
            </>
          )}
        </span>
      }
    />
  );
}

/** 年度申报截止日期 as lower levels see it (REG-09). */
export function DeadlineNotice({ overview }: { overview: Overview | null }) {
  const d = overview?.deadline;
  if (!d) {
    return (
      <Typography.Text type="secondary" data-testid="registry-deadline-none">
        省级尚未设置本年度数据申报截止日期
      </Typography.Text>
    );
  }
  return (
    <div data-testid="registry-deadline" data-passed={d.passed ? 'true' : 'false'}>
      <div>
        {d.year} 年度数据申报截止日期：
        <b data-testid="registry-deadline-date">{d.deadline}</b>{' '}
        {d.passed ? (
          <Tag color="red">已截止</Tag>
        ) : d.daysLeft <= 7 ? (
          <Tag color="orange">剩余 {d.daysLeft} 天</Tag>
        ) : (
          <Tag color="blue">剩余 {d.daysLeft} 天</Tag>
        )}
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        截止时数据不完整的单位须在 {d.completionWorkingDays} 个工作日内（{d.completionDue}{' '}
        前）补充上报
      </Typography.Text>
    </div>
  );
}

/** A dialog asking for one required text (退回理由, 锁定原因 …). */
export function ReasonModal({
  open,
  title,
  label,
  okText,
  danger,
  placeholder,
  hint,
  testId,
  onCancel,
  onOk,
}: {
  open: boolean;
  title: string;
  label: string;
  okText: string;
  danger?: boolean;
  placeholder?: string;
  hint?: string;
  testId: string;
  onCancel: () => void;
  onOk: (text: string) => Promise<void>;
}) {
  const [form] = Form.useForm<{ text: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal
      open={open}
      title={title}
      okText={okText}
      cancelText="取消"
      okButtonProps={{ danger, loading: busy, 'data-testid': `${testId}-ok` }}
      onCancel={onCancel}
      destroyOnHidden
      afterClose={() => {
        form.resetFields();
        setError(null);
      }}
      onOk={() =>
        void form.validateFields().then(
          async (v) => {
            setBusy(true);
            setError(null);
            try {
              await onOk(v.text.trim());
            } catch (e) {
              setError(errorMessage(e));
            } finally {
              setBusy(false);
            }
          },
          () => undefined,
        )
      }
      data-testid={`${testId}-modal`}
    >
      {hint && <Typography.Paragraph type="secondary">{hint}</Typography.Paragraph>}
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 12 }}
          data-testid={`${testId}-error`}
        />
      )}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="text"
          label={label}
          rules={[
            { required: true, whitespace: true, message: `请填写${label}` },
            { min: 2, message: `请填写${label}（至少 2 个字）` },
          ]}
          style={{ marginBottom: 0 }}
        >
          <Input.TextArea
            rows={4}
            maxLength={500}
            showCount
            placeholder={placeholder}
            data-testid={`${testId}-input`}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** A value of a record field or benefit detail as text. */
export function displayValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** Categories loaded once per page. */
export function useCategories(): Category[] {
  const [items, setItems] = useState<Category[]>([]);
  useEffect(() => {
    let cancelled = false;
    registryApi.categories().then(
      (c) => !cancelled && setItems(c),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, []);
  return items;
}

export const levelLabels: Record<string, string> = {
  province: '省级',
  city: '市级',
  county: '县级',
  township: '乡镇（街道）',
};
