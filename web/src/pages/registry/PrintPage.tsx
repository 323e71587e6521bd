// 优抚对象登记表 (/registry/records/:id/print): the one-page form of a record for the paper
// file — sections of the server's form data, the scans by SM3 digest, and who entered,
// re-checked, reviewed and approved it. 打印 uses the print stylesheet (menus and buttons hidden).
import { ArrowLeftOutlined, PrinterOutlined } from '@ant-design/icons';
import { Button, Result, Skeleton, Space } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { formatDateTime } from '../../utils/format';
import { registryApi, type PrintForm } from './api';

/** Two label/value pairs per table row, so the form fits one page. */
function pairs<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += 2) out.push(rows.slice(i, i + 2));
  return out;
}

export default function PrintPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [form, setForm] = useState<PrintForm | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let cancelled = false;
    registryApi.printForm(id).then(
      (f) => !cancelled && setForm(f),
      (e: unknown) => !cancelled && setError(e instanceof ApiError ? e : new ApiError(0, {})),
    );
    return () => {
      cancelled = true;
    };
  }, [id]);

  const back = (
    <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate(`/registry/records/${id}`)}>
      返回
    </Button>
  );
  if (error) {
    return (
      <Result status="warning" title="登记表不可用" subTitle={error.userMessage} extra={back} />
    );
  }
  if (!form) return <Skeleton active paragraph={{ rows: 14 }} />;

  return (
    <div data-testid="registry-print-page">
      <div className="sheet-toolbar no-print">
        {back}
        <Space>
          <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()}>
            打印
          </Button>
        </Space>
      </div>
      <article className="sheet" data-testid="registry-print-form">
        <h1 className="sheet-title">{form.title}</h1>
        <div className="sheet-meta">
          <span>
            档案编号：<b className="mono">{form.recordNo}</b>
          </span>
          <span>打印时间：{formatDateTime(form.printedAt)}</span>
        </div>
        <table className="sheet-table">
          <tbody>
            {form.sections.map((s) => [
              <tr key={`${s.title}-head`}>
                <th colSpan={4} style={{ textAlign: 'center', width: 'auto' }}>
                  {s.title}
                </th>
              </tr>,
              ...pairs(s.rows).map((pair, i) => (
                <tr key={`${s.title}-${i}`}>
                  {pair.map((r) => [
                    <th key={`${r.label}-l`}>{r.label}</th>,
                    <td key={`${r.label}-v`} colSpan={pair.length === 1 ? 3 : 1}>
                      {r.value || '—'}
                    </td>,
                  ])}
                </tr>
              )),
            ])}
            <tr>
              <th>扫描件</th>
              <td colSpan={3}>
                {form.attachments.length === 0
                  ? '无'
                  : form.attachments.map((a) => (
                      <div key={a.sm3}>
                        {a.kindLabel}：{a.fileName}
                        <span className="sheet-sub mono">SM3 {a.sm3}</span>
                      </div>
                    ))}
              </td>
            </tr>
          </tbody>
        </table>
        <div className="sheet-seals">
          {(form.signatures.length > 0
            ? form.signatures
            : // Records from the earlier system carry no steps: leave room to sign by hand.
              ['录入', '县级复核', '市级审核', '省级审批'].map((step) => ({
                step,
                name: '',
                unit: '',
                at: '',
              }))
          ).map((s) => (
            <div key={`${s.step}-${s.at}`}>
              <div>{s.step}</div>
              <div>
                {s.unit} {s.name}
              </div>
              <div className="sheet-sub">{s.at ? formatDateTime(s.at) : '（签章）'}</div>
            </div>
          ))}
        </div>
        <p className="sheet-note">
          本表不含原部队番号、代号及参战参试记载等涉密信息；涉密信息在涉密计算机上单机管理。
        </p>
      </article>
    </div>
  );
}
