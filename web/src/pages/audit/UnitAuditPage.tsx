// 本单位日志 (audit.unit_read, AUD-03): who accessed this unit's data (provider view) and
// what this unit's staff accessed (consumer view).
import { DownloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Segmented, Space } from 'antd';
import { useCallback, useState } from 'react';
import { auditApi, type UnitAuditView } from '../../api/endpoints';
import type { AuditQuery } from '../../api/types';
import { errorMessage } from '../../api/client';
import { useUser } from '../../auth/AuthContext';
import PageHeader from '../../components/PageHeader';
import AuditBrowser, { AUDIT_PAGE_SIZE } from './AuditBrowser';

export default function UnitAuditPage() {
  const user = useUser();
  const [view, setView] = useState<UnitAuditView>('provider');
  const { message } = App.useApp();
  const [exporting, setExporting] = useState<'csv' | 'xlsx' | null>(null);
  const exportAs = async (format: 'csv' | 'xlsx', q: AuditQuery) => {
    setExporting(format);
    try {
      message.success(`已导出 ${await auditApi.exportUnitFile(format, view, q)}`);
    } catch (e) {
      message.error(`导出失败：${errorMessage(e)}`);
    } finally {
      setExporting(null);
    }
  };
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
      <AuditBrowser
        fetchPage={fetchPage}
        showUnit={false}
        renderActions={(q) => (
          <Space>
            {(['csv', 'xlsx'] as const).map((format) => (
              <Button
                key={format}
                icon={<DownloadOutlined />}
                loading={exporting === format}
                disabled={exporting !== null}
                onClick={() => void exportAs(format, q)}
                data-testid={`unit-audit-export-${format}`}
              >
                导出 {format.toUpperCase()}
              </Button>
            ))}
          </Space>
        )}
      />
    </div>
  );
}
