// The compliance findings of an entry: errors (red, they stop submission) before warnings
// (orange, for the reviewer); a click on one can take the form to its field.
import { Alert, Tag } from 'antd';
import type { ComplianceFinding } from '../../api/types';

export default function FindingsList({
  findings,
  onPick,
}: {
  findings: ComplianceFinding[];
  onPick?: (f: ComplianceFinding) => void;
}) {
  const errors = findings.filter((f) => f.severity === 'error');
  const warnings = findings.filter((f) => f.severity === 'warning');
  return (
    <div data-testid="findings">
      {findings.length === 0 && (
        <Alert type="success" showIcon title="合规检查通过，未发现问题" data-testid="findings-ok" />
      )}
      {[...errors, ...warnings].map((f, i) => (
        <div
          key={`${f.code}-${f.field}-${i}`}
          className={`finding-item ${f.severity}`}
          onClick={() => onPick?.(f)}
          data-testid={`finding-${f.severity}`}
          data-field={f.field}
        >
          <Tag color={f.severity === 'error' ? 'red' : 'orange'}>
            {f.severity === 'error' ? '错误' : '提示'}
          </Tag>
          {f.message}
        </div>
      ))}
    </div>
  );
}
