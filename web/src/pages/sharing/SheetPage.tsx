// 共享实施单 (/sharing/requests/:id/sheet): what was agreed — parties, resource, the granted
// fields and modes, purpose, basis, validity, onward consent, dates, credentials — laid out
// for printing (打印: window.print(); the print stylesheet hides the menus and buttons).
import { ArrowLeftOutlined, PrinterOutlined } from '@ant-design/icons';
import { Alert, Button, Result, Skeleton, Space, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { sharingApi } from '../../api/endpoints';
import type { GrantStatus, ImplementationSheet } from '../../api/types';
import { formatDateTime, shanghaiDate } from '../../utils/format';
import { grantStatusLabels, sharingTypeLabels } from './common';

export default function SheetPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [sheet, setSheet] = useState<ImplementationSheet | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let cancelled = false;
    setSheet(null);
    sharingApi.sheet(id).then(
      (s) => !cancelled && setSheet(s),
      (e: unknown) => !cancelled && setError(e instanceof ApiError ? e : new ApiError(0, {})),
    );
    return () => {
      cancelled = true;
    };
  }, [id]);

  const back = (
    <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate(`/sharing/requests/${id}`)}>
      返回申请
    </Button>
  );

  if (error) {
    return (
      <Result
        status={error.status === 404 ? '404' : 'warning'}
        title="共享实施单不可用"
        subTitle={error.userMessage}
        extra={back}
        data-testid="sheet-error"
      />
    );
  }
  if (!sheet) return <Skeleton active paragraph={{ rows: 14 }} />;

  const s = sheet;
  const statusLabel = grantStatusLabels[s.grantStatus as GrantStatus] ?? s.grantStatus;
  const party = (p: { name: string; creditCode: string | null }) => (
    <>
      {p.name}
      {p.creditCode && <span className="sheet-sub">统一社会信用代码：{p.creditCode}</span>}
    </>
  );

  return (
    <div data-testid="sheet-page">
      <div className="sheet-toolbar no-print">
        {back}
        <Space>
          <Button
            type="primary"
            icon={<PrinterOutlined />}
            onClick={() => window.print()}
            data-testid="sheet-print"
          >
            打印
          </Button>
        </Space>
      </div>
      {s.grantStatus !== 'active' && (
        <Alert
          className="no-print"
          type={s.grantStatus === 'revoked' ? 'error' : 'warning'}
          showIcon
          title={`授权状态：${statusLabel}`}
          style={{ marginBottom: 16 }}
        />
      )}
      <article className="sheet" data-testid="sheet">
        <h1 className="sheet-title">政务数据共享实施单</h1>
        <div className="sheet-meta">
          <span>
            编号：
            <b className="mono" data-testid="sheet-number">
              {s.number}
            </b>
          </span>
          <span>打印日期：{shanghaiDate()}</span>
        </div>
        <table className="sheet-table">
          <tbody>
            <tr>
              <th>申请单位（使用方）</th>
              <td colSpan={3} data-testid="sheet-consumer">
                {party(s.consumer)}
              </td>
            </tr>
            <tr>
              <th>提供单位（提供方）</th>
              <td colSpan={3} data-testid="sheet-provider">
                {party(s.provider)}
              </td>
            </tr>
            <tr>
              <th>信息资源名称</th>
              <td data-testid="sheet-resource">{s.resource.name}</td>
              <th>资源代码</th>
              <td className="mono">{s.resource.code}</td>
            </tr>
            <tr>
              <th>共享类型</th>
              <td>{sharingTypeLabels[s.resource.sharingType] ?? s.resource.sharingType}</td>
              <th>使用方式</th>
              <td>{s.modes.map((m) => m.label).join('、')}</td>
            </tr>
            <tr>
              <th>共享信息项</th>
              <td colSpan={3} data-testid="sheet-fields">
                <ol className="sheet-fields">
                  {s.fields.map((f) => (
                    <li key={f.identifier}>
                      {f.name}（<span className="mono">{f.identifier}</span>）
                      {f.sensitive && <span className="sheet-sensitive">敏感</span>}
                    </li>
                  ))}
                </ol>
              </td>
            </tr>
            <tr>
              <th>用途</th>
              <td colSpan={3}>{s.purpose}</td>
            </tr>
            <tr>
              <th>依据</th>
              <td colSpan={3}>{s.legalBasis}</td>
            </tr>
            <tr>
              <th>授权有效期</th>
              <td data-testid="sheet-validity">
                {s.validFrom} 至 {s.validUntil}
              </td>
              <th>授权状态</th>
              <td>
                <Tag
                  color={s.grantStatus === 'active' ? 'success' : 'default'}
                  data-testid="sheet-status"
                >
                  {statusLabel}
                </Tag>
              </td>
            </tr>
            <tr>
              <th>再共享或开放</th>
              <td colSpan={3}>
                {s.onwardAllowed
                  ? '提供方同意使用方再共享或开放'
                  : '未经提供方同意，使用方不得再共享或向社会开放'}
              </td>
            </tr>
            <tr>
              <th>授权编号</th>
              <td className="mono" colSpan={3}>
                {s.grantId}
              </td>
            </tr>
            <tr>
              <th>接口凭据</th>
              <td colSpan={3}>
                {s.credentials.length === 0
                  ? '尚未签发'
                  : s.credentials.map((c) => (
                      <div key={c.id}>
                        <span className="mono">{c.id}</span>（签发于 {formatDateTime(c.issuedAt)}）
                      </div>
                    ))}
              </td>
            </tr>
            <tr>
              <th>申请时间</th>
              <td>{formatDateTime(s.dates.filedAt)}</td>
              <th>预审时间</th>
              <td>{formatDateTime(s.dates.precheckedAt)}</td>
            </tr>
            <tr>
              <th>批准时间</th>
              <td>{formatDateTime(s.dates.authorizedAt)}</td>
              <th>交付时间</th>
              <td>{formatDateTime(s.dates.deliveredAt)}</td>
            </tr>
            <tr>
              <th>使用方联系人</th>
              <td colSpan={3}>
                {s.contact.name}，{s.contact.phone}
              </td>
            </tr>
          </tbody>
        </table>
        <div className="sheet-seals">
          <div>申请单位（盖章）</div>
          <div>提供单位（盖章）</div>
          <div>共享平台管理方（盖章）</div>
        </div>
        <p className="sheet-note">
          使用方应按本实施单载明的信息项、用途和期限使用共享数据，不得超范围使用，不得擅自向第三方提供；授权到期或撤销后停止使用。
        </p>
      </article>
    </div>
  );
}
