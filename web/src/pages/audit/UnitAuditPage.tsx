// 本单位日志 (audit.unit_read, AUD-03): who accessed this unit's data (provider view) and
// what this unit's staff accessed (consumer view).
import { Card, Segmented } from 'antd';
import { useCallback, useState } from 'react';
import { auditApi, type UnitAuditView } from '../../api/endpoints';
import type { AuditQuery } from '../../api/types';
import { useUser } from '../../auth/AuthContext';
import PageHeader from '../../components/PageHeader';
import AuditBrowser, { AUDIT_PAGE_SIZE } from './AuditBrowser';

export default function UnitAuditPage() {
  const user = useUser();
  const [view, setView] = useState<UnitAuditView>('provider');
  const fetchPage = useCallback(
    // The form has no 单位 filter here: the unit is the caller's own.
    (q: AuditQuery, cursor: string | null) =>
      auditApi.unitEntries(view, q, cursor, AUDIT_PAGE_SIZE),
    [view],
  );

  return (
    <div data-testid="unit-audit-page">
      <PageHeader
        title="本单位日志"
        subtitle={`${user.unitName}的数据被访问记录，以及本单位人员访问数据的记录（本人的操作记录不在此显示）。`}
      />
      <Card variant="borderless" style={{ marginBottom: 16 }}>
        <Segmented<UnitAuditView>
          value={view}
          onChange={setView}
          options={[
            { value: 'provider', label: '本单位数据被访问' },
            { value: 'consumer', label: '本单位人员的访问' },
          ]}
          data-testid="unit-audit-view"
        />
      </Card>
      <AuditBrowser fetchPage={fetchPage} showUnit={false} />
    </div>
  );
}
