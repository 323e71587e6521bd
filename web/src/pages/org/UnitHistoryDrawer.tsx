// 修改历史 (AUD-04) of a unit: every version, who made it and when, how (form, import,
// batch…), why, under which approval, and each field's value before → after.
import { Alert, Drawer, Empty, Skeleton, Space, Tag, Timeline, Typography } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { errorMessage } from '../../api/client';
import { divisionApi, historyApi, unitApi } from '../../api/endpoints';
import type { RecordVersion, Unit, UnitType } from '../../api/types';
import {
  formatDateTime,
  historyMethodLabels,
  unitFieldLabels,
  unitStatusLabels,
  unitTypeLabels,
} from '../../utils/format';

/** Columns that change on every version or never: not shown as changes. */
const HIDDEN_FIELDS = new Set(['id', 'version', 'created_at', 'updated_at']);

function isUnitType(v: unknown): v is UnitType {
  return typeof v === 'string' && v in unitTypeLabels;
}

/** A stored value as the user knows it (labels for enums, unit names for unit ids). */
function useValueRenderer(versions: RecordVersion[] | null) {
  const [unitNames, setUnitNames] = useState<Record<string, string>>({});
  const [divisionNames, setDivisionNames] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!versions) return;
    const units = new Set<string>();
    const divisions = new Set<string>();
    for (const v of versions)
      for (const c of v.changes)
        for (const x of [c.before, c.after]) {
          if (typeof x !== 'string') continue;
          if (c.field === 'parent_unit_id') units.add(x);
          if (c.field === 'division_code') divisions.add(x);
        }
    let cancelled = false;
    void Promise.all(
      [...units].map((id) =>
        unitApi.get(id).then(
          (u: Unit) => [id, u.name] as const,
          () => [id, id] as const,
        ),
      ),
    ).then((pairs) => !cancelled && setUnitNames(Object.fromEntries(pairs)));
    void Promise.all(
      [...divisions].map((code) =>
        divisionApi.get(code).then(
          (d) => [code, `${d.path.map((p) => p.name).join(' / ') || d.name}（${code}）`] as const,
          () => [code, code] as const,
        ),
      ),
    ).then((pairs) => !cancelled && setDivisionNames(Object.fromEntries(pairs)));
    return () => {
      cancelled = true;
    };
  }, [versions]);

  return (field: string, value: unknown): ReactNode => {
    if (value === null || value === undefined || value === '') return '（空）';
    if (field === 'type' && isUnitType(value)) return unitTypeLabels[value];
    if (field === 'status' && (value === 'active' || value === 'inactive'))
      return unitStatusLabels[value];
    if (field === 'parent_unit_id' && typeof value === 'string') return unitNames[value] ?? value;
    if (field === 'division_code' && typeof value === 'string')
      return divisionNames[value] ?? value;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      return String(value);
    return JSON.stringify(value);
  };
}

export default function UnitHistoryDrawer({
  unit,
  onClose,
}: {
  unit: Unit | null;
  onClose: () => void;
}) {
  const [versions, setVersions] = useState<RecordVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const render = useValueRenderer(versions);

  useEffect(() => {
    if (!unit) return;
    let cancelled = false;
    setVersions(null);
    setError(null);
    historyApi.versions('units', unit.id).then(
      (r) => !cancelled && setVersions([...r.items].sort((a, b) => b.version - a.version)),
      (e: unknown) => !cancelled && setError(errorMessage(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [unit]);

  return (
    <Drawer
      open={!!unit}
      onClose={onClose}
      size={640}
      title={unit ? `修改历史：${unit.name}` : ''}
      data-testid="unit-history-drawer"
    >
      {error && <Alert type="error" showIcon title="修改历史加载失败" description={error} />}
      {!error && versions === null && <Skeleton active paragraph={{ rows: 6 }} />}
      {versions && versions.length === 0 && <Empty description="没有修改记录" />}
      {versions && versions.length > 0 && (
        <Timeline
          items={versions.map((v) => {
            const created = v.version === 1;
            const changes = v.changes.filter(
              (c) =>
                !HIDDEN_FIELDS.has(c.field) && !(created && (c.after === null || c.after === '')),
            );
            return {
              key: v.version,
              color: created ? 'green' : v.method === 'batch' ? 'purple' : 'blue',
              content: (
                <div data-testid={`history-version-${v.version}`} className="history-version">
                  <div className="history-time">{formatDateTime(v.changedAt)}</div>
                  <Space size={6} wrap>
                    <Tag>第 {v.version} 版</Tag>
                    <Typography.Text strong data-testid="history-who">
                      {v.changedByName ?? '系统'}
                    </Typography.Text>
                    <span>{created ? '新建' : '修改'}</span>
                    <Tag color={v.method === 'batch' ? 'purple' : 'default'}>
                      方式：{historyMethodLabels[v.method] ?? v.method}
                    </Tag>
                  </Space>
                  {v.reason && (
                    <div style={{ marginTop: 6 }} data-testid="history-reason">
                      <Typography.Text type="secondary">原因：</Typography.Text>
                      {v.reason}
                    </div>
                  )}
                  {v.approvalRef && (
                    <div style={{ marginTop: 2 }}>
                      <Typography.Text type="secondary">依据审批：</Typography.Text>
                      <Typography.Text className="mono" copyable style={{ fontSize: 12 }}>
                        {v.approvalRef}
                      </Typography.Text>
                    </div>
                  )}
                  <div className="history-change" data-testid="history-changes">
                    {changes.map((c) => (
                      <div key={c.field} style={{ display: 'contents' }}>
                        <span className="field">{unitFieldLabels[c.field] ?? c.field}</span>
                        <span data-testid={`history-change-${c.field}`}>
                          {created ? (
                            <ins>{render(c.field, c.after)}</ins>
                          ) : (
                            <>
                              <del>{render(c.field, c.before)}</del>
                              {' → '}
                              <ins>{render(c.field, c.after)}</ins>
                            </>
                          )}
                        </span>
                      </div>
                    ))}
                    {changes.length === 0 && (
                      <Typography.Text type="secondary" style={{ gridColumn: '1 / -1' }}>
                        没有字段变化
                      </Typography.Text>
                    )}
                  </div>
                </div>
              ),
            };
          })}
        />
      )}
    </Drawer>
  );
}
