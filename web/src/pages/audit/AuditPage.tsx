// 审计日志 (audit.read): the security auditor searches the whole trail (except entries about
// themselves), exports a selection, verifies the hash chain and issues signed checkpoints.
import {
  CheckCircleOutlined,
  CopyOutlined,
  DownloadOutlined,
  FileProtectOutlined,
  SafetyOutlined,
} from '@ant-design/icons';
import { Alert, App, Button, Modal, Space, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { errorMessage, saveBlob } from '../../api/client';
import { auditApi } from '../../api/endpoints';
import type { AuditChain, AuditCheckpoint, AuditQuery } from '../../api/types';
import PageHeader from '../../components/PageHeader';
import { copyText } from '../../utils/clipboard';
import { formatDateTime, shanghaiDate } from '../../utils/format';
import AuditBrowser, { AUDIT_PAGE_SIZE } from './AuditBrowser';

function ChainResult({ chain, onClose }: { chain: AuditChain; onClose: () => void }) {
  if (chain.ok) {
    return (
      <Alert
        type="success"
        showIcon
        icon={<CheckCircleOutlined />}
        closable={{ onClose }}
        title="审计链完整，未发现篡改"
        description={
          <span>
            已校验 {chain.checked} 条记录，最新序号 {chain.headSeq}，链头哈希{' '}
            <span className="mono" style={{ wordBreak: 'break-all' }}>
              {chain.headHash}
            </span>
          </span>
        }
        style={{ marginBottom: 16 }}
        data-testid="chain-result"
      />
    );
  }
  return (
    <Alert
      type="error"
      showIcon
      closable={{ onClose }}
      title="审计链校验未通过"
      description={
        <span style={{ color: '#b91c1c' }}>
          {chain.firstBad
            ? `第 ${chain.firstBad.seq} 条记录：${chain.firstBad.message}`
            : '审计链存在问题'}
          （已校验 {chain.checked} 条）。请立即报告安全管理员，并用平台外保存的检查点核对。
        </span>
      }
      style={{ marginBottom: 16 }}
      data-testid="chain-result"
    />
  );
}

function CheckpointModal({
  checkpoint,
  onClose,
}: {
  checkpoint: AuditCheckpoint | null;
  onClose: () => void;
}) {
  const { message } = App.useApp();
  const json = checkpoint ? JSON.stringify(checkpoint, null, 2) : '';
  const fileName = checkpoint
    ? `审计检查点-${checkpoint.seq}-${shanghaiDate(new Date(checkpoint.at)).replaceAll('-', '')}.json`
    : '';
  return (
    <Modal
      open={!!checkpoint}
      title="审计检查点已签发"
      width={720}
      onCancel={onClose}
      data-testid="checkpoint-modal"
      footer={[
        <Button
          key="copy"
          icon={<CopyOutlined />}
          onClick={() =>
            void copyText(json).then(
              () => message.success('已复制到剪贴板'),
              (e: unknown) => message.error(errorMessage(e)),
            )
          }
        >
          复制
        </Button>,
        <Button
          key="download"
          type="primary"
          icon={<DownloadOutlined />}
          onClick={() => saveBlob(new Blob([json], { type: 'application/json' }), fileName)}
          data-testid="checkpoint-download"
        >
          下载 JSON
        </Button>,
      ]}
    >
      <Alert
        type="warning"
        showIcon
        title="请将检查点保存在平台之外"
        description="如离线介质、另一台服务器或纸质存档。日后用它核对审计日志：检查点之前的记录若被改动，校验将不能通过。"
        style={{ marginBottom: 16 }}
      />
      {checkpoint && (
        <Typography.Paragraph type="secondary">
          截至第 {checkpoint.seq} 条记录，签发时间 {formatDateTime(checkpoint.at)}，SM2 签名。
        </Typography.Paragraph>
      )}
      <pre className="json-block" data-testid="checkpoint-json">
        {json}
      </pre>
    </Modal>
  );
}

export default function AuditPage() {
  const { message } = App.useApp();
  const [exporting, setExporting] = useState<'csv' | 'xlsx' | null>(null);
  const [checking, setChecking] = useState(false);
  const [chain, setChain] = useState<AuditChain | null>(null);
  const [issuing, setIssuing] = useState(false);
  const [checkpoint, setCheckpoint] = useState<AuditCheckpoint | null>(null);

  const fetchPage = useCallback(
    (q: AuditQuery, cursor: string | null) => auditApi.entries(q, cursor, AUDIT_PAGE_SIZE),
    [],
  );

  const exportAs = async (format: 'csv' | 'xlsx', q: AuditQuery) => {
    setExporting(format);
    try {
      const name = await auditApi.exportFile(format, q);
      message.success(`已导出 ${name}（导出操作本身也记入审计日志）`);
    } catch (e) {
      message.error(`导出失败：${errorMessage(e)}`);
    } finally {
      setExporting(null);
    }
  };

  const verify = async () => {
    setChecking(true);
    try {
      setChain(await auditApi.chain());
    } catch (e) {
      message.error(`校验失败：${errorMessage(e)}`);
    } finally {
      setChecking(false);
    }
  };

  const issue = async () => {
    setIssuing(true);
    try {
      setCheckpoint(await auditApi.checkpoint());
    } catch (e) {
      message.error(`签发失败：${errorMessage(e)}`);
    } finally {
      setIssuing(false);
    }
  };

  return (
    <div data-testid="audit-page">
      <PageHeader
        title="审计日志"
        subtitle="平台全部操作的防篡改记录（本人的操作记录不在此显示）。时间均为北京时间。"
        extra={
          <Space>
            <Button
              icon={<SafetyOutlined />}
              loading={checking}
              onClick={() => void verify()}
              data-testid="audit-verify-chain"
            >
              校验审计链
            </Button>
            <Button
              icon={<FileProtectOutlined />}
              loading={issuing}
              onClick={() => void issue()}
              data-testid="audit-checkpoint"
            >
              签发检查点
            </Button>
          </Space>
        }
      />
      <AuditBrowser
        fetchPage={fetchPage}
        showUnit
        banner={chain && <ChainResult chain={chain} onClose={() => setChain(null)} />}
        renderActions={(q) => (
          <Space>
            <Button
              icon={<DownloadOutlined />}
              loading={exporting === 'csv'}
              disabled={exporting !== null}
              onClick={() => void exportAs('csv', q)}
              data-testid="audit-export-csv"
            >
              导出 CSV
            </Button>
            <Button
              icon={<DownloadOutlined />}
              loading={exporting === 'xlsx'}
              disabled={exporting !== null}
              onClick={() => void exportAs('xlsx', q)}
              data-testid="audit-export-xlsx"
            >
              导出 XLSX
            </Button>
          </Space>
        )}
      />
      <CheckpointModal checkpoint={checkpoint} onClose={() => setCheckpoint(null)} />
    </div>
  );
}
