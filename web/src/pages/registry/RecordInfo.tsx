// A record's person, category and benefit details as a description list, its findings (what
// is missing or wrong, and whether it blocks reporting) and its history as a timeline.
import { Alert, Descriptions, Empty, Tag, Timeline, Typography } from 'antd';
import { formatDateTime } from '../../utils/format';
import {
  benefitLabels,
  type ActionEntry,
  type BenefitKey,
  type Finding,
  type HistoryView,
  type RecordDetail,
} from './api';
import { displayValue } from './common';

export function RecordInfo({ r }: { r: RecordDetail }) {
  const benefitKeys = (Object.keys(benefitLabels) as (BenefitKey | 'note')[]).filter(
    (k) => r.benefit[k] !== null && r.benefit[k] !== undefined && r.benefit[k] !== '',
  );
  return (
    <Descriptions
      size="small"
      bordered
      column={{ xs: 1, md: 2 }}
      data-testid="registry-record-info"
      items={[
        {
          key: 'name',
          label: '姓名',
          children: <span data-testid="registry-info-name">{r.name}</span>,
        },
        {
          key: 'id',
          label: '公民身份号码',
          children: (
            <span>
              <span className="mono">{r.idNumber}</span>
              {!r.idValid && (
                <Tag color="red" style={{ marginLeft: 8 }} data-testid="registry-id-invalid">
                  号码不合法
                </Tag>
              )}
              {r.idVerification && (
                <Tag color="green" style={{ marginLeft: 4 }}>
                  已核验原件
                </Tag>
              )}
            </span>
          ),
        },
        { key: 'sex', label: '性别', children: displayValue(r.sex) },
        { key: 'birth', label: '出生日期', children: displayValue(r.birthDate) },
        { key: 'eth', label: '民族', children: displayValue(r.ethnicity) },
        { key: 'phone', label: '联系电话', children: displayValue(r.phone) },
        {
          key: 'division',
          label: '行政区划',
          children: (
            <span>
              {r.divisionName} <span className="mono">{r.divisionCode}</span>
            </span>
          ),
        },
        { key: 'address', label: '详细住址', children: displayValue(r.address) },
        { key: 'category', label: '优抚类别', children: r.categoryName },
        {
          key: 'cert',
          label: '证书编号',
          children: (
            <span className="mono" data-testid="registry-certificate-no">
              {r.certificateNo ?? '—'}
            </span>
          ),
        },
        ...benefitKeys.map((k) => ({
          key: k,
          label: benefitLabels[k],
          children: displayValue(r.benefit[k]),
          ...(k === 'note' ? { span: 2 } : {}),
        })),
        { key: 'unit', label: '录入单位', children: r.unitName },
        { key: 'created', label: '录入时间', children: formatDateTime(r.createdAt) },
      ]}
    />
  );
}

export function FindingsList({ findings }: { findings: Finding[] }) {
  if (findings.length === 0) return null;
  const blocking = findings.filter((f) => f.blocking);
  return (
    <Alert
      type={blocking.length > 0 ? 'warning' : 'info'}
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="registry-findings"
      title={
        blocking.length > 0 ? `有 ${blocking.length} 项须处理后才能提交或上报` : '请留意以下事项'
      }
      description={
        <ul style={{ margin: 0, paddingLeft: 20 }}>
          {findings.map((f) => (
            <li key={`${f.code}-${f.field}`} data-testid="registry-finding" data-code={f.code}>
              {f.message}
              {f.blocking && (
                <Tag color="orange" style={{ marginLeft: 6 }}>
                  须处理
                </Tag>
              )}
            </li>
          ))}
        </ul>
      }
    />
  );
}

const actionColors: Record<string, string> = {
  return: 'red',
  approve: 'green',
  pass: 'green',
  report: 'blue',
  submit: 'blue',
  withdraw: 'gray',
};

export function ActionTimeline({
  actions,
  testId = 'registry-actions',
}: {
  actions: ActionEntry[];
  testId?: string;
}) {
  if (actions.length === 0) return <Empty description="暂无办理记录" />;
  return (
    <Timeline
      data-testid={testId}
      items={[...actions].reverse().map((a) => ({
        key: a.id,
        color: actionColors[a.action] ?? 'blue',
        content: (
          <div data-testid="registry-action" data-action={a.action}>
            <b>{a.label}</b>
            {a.requestNo && (
              <Typography.Text type="secondary" className="mono" style={{ marginLeft: 6 }}>
                {a.requestNo}
              </Typography.Text>
            )}
            <div>
              <Typography.Text type="secondary">
                {a.actorName}（{a.actorUnitName}）· {formatDateTime(a.at)}
              </Typography.Text>
            </div>
            {a.note && (
              <div style={{ color: a.action === 'return' ? '#b91c1c' : '#475569' }}>
                {a.action === 'return' ? '退回理由：' : '意见：'}
                {a.note}
              </div>
            )}
            {typeof a.detail?.certificateNo === 'string' && (
              <div>
                证书编号：<span className="mono">{a.detail.certificateNo}</span>
              </div>
            )}
          </div>
        ),
      }))}
    />
  );
}

export function VersionList({ versions }: { versions: HistoryView['versions'] }) {
  if (versions.length === 0) return <Empty description="暂无版本" />;
  return (
    <Timeline
      data-testid="registry-versions"
      items={[...versions].reverse().map((v) => ({
        key: v.version,
        content: (
          <div>
            <b>第 {v.version} 版</b>
            <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
              {v.changedByName ?? '系统'} · {formatDateTime(v.changedAt)}
              {v.approvalRef ? ` · 依据 ${v.approvalRef}` : ''}
            </Typography.Text>
            {v.reason && <div>原因：{v.reason}</div>}
            {v.changes.length > 0 && (
              <ul style={{ margin: '4px 0 0', paddingLeft: 20 }}>
                {v.changes.map((c) => (
                  <li key={c.field}>
                    {benefitLabels[c.field as BenefitKey] ?? fieldLabels[c.field] ?? c.field}：
                    {displayValue(c.before)} → {displayValue(c.after)}
                  </li>
                ))}
              </ul>
            )}
          </div>
        ),
      }))}
    />
  );
}

export const fieldLabels: Record<string, string> = {
  name: '姓名',
  idNumber: '公民身份号码',
  sex: '性别',
  birthDate: '出生日期',
  ethnicity: '民族',
  divisionCode: '行政区划',
  address: '详细住址',
  phone: '联系电话',
  categoryCode: '优抚类别',
  benefit: '抚恤优待信息',
  status: '状态',
  certificateNo: '证书编号',
};
