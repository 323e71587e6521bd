// 扫描件、照片 of a record (REG-05): which required ones are present, the uploaded files with
// their size and picture size, upload by kind with the limits shown up front. The console
// checks the first bytes and the size as a hint; the server checks the content and decides.
import { DeleteOutlined, EyeOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useRef, useState } from 'react';
import { errorMessage } from '../../api/client';
import { formatDateTime } from '../../utils/format';
import {
  attachmentHint,
  attachmentKindHints,
  registryApi,
  type Attachment,
  type AttachmentKind,
  type RecordDetail,
} from './api';

const kinds = Object.keys(attachmentKindHints) as AttachmentKind[];

export function AttachmentsPanel({
  record,
  onChanged,
}: {
  record: RecordDetail;
  onChanged: (r: RecordDetail) => void;
}) {
  const { message } = App.useApp();
  const [kind, setKind] = useState<AttachmentKind>('id_card_copy');
  const [hint, setHint] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const canUpload = record.allowedActions.includes('upload');
  const present = new Set(record.attachments.map((a) => a.kind));

  const upload = async (file: File) => {
    setError(null);
    // A hint only: the server judges the content again and has the last word.
    setHint(await attachmentHint(kind, file));
    setBusy(true);
    try {
      await registryApi.uploadAttachment(record.id, kind, file, file.name);
      onChanged(await registryApi.record(record.id));
      message.success(`已上传${attachmentKindHints[kind].name}`);
      setHint(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };

  const remove = async (a: Attachment) => {
    try {
      onChanged(await registryApi.removeAttachment(record.id, a.id));
      message.success('已删除');
    } catch (e) {
      message.error(errorMessage(e));
    }
  };

  const columns: TableColumnsType<Attachment> = [
    { title: '类别', dataIndex: 'kindLabel', width: 130 },
    {
      title: '文件',
      dataIndex: 'fileName',
      render: (v: string, a) => (
        <a
          href={registryApi.attachmentUrl(record.id, a.id)}
          target="_blank"
          rel="noreferrer"
          data-testid="registry-attachment-link"
        >
          <EyeOutlined /> {v}
        </a>
      ),
    },
    {
      title: '大小',
      dataIndex: 'byteSize',
      width: 90,
      render: (v: number) => `${(v / 1024).toFixed(1)} KB`,
    },
    {
      title: '像素',
      key: 'dims',
      width: 110,
      render: (_: unknown, a) => (a.width && a.height ? `${a.width} × ${a.height}` : '—'),
    },
    {
      title: '上传',
      key: 'by',
      width: 220,
      render: (_: unknown, a) => `${a.uploadedByName} · ${formatDateTime(a.uploadedAt)}`,
    },
    ...(canUpload
      ? [
          {
            title: '',
            key: 'remove',
            width: 60,
            render: (_: unknown, a: Attachment) => (
              <Popconfirm
                title="删除该扫描件？"
                okText="删除"
                cancelText="取消"
                onConfirm={() => void remove(a)}
              >
                <Button size="small" type="text" danger icon={<DeleteOutlined />} />
              </Popconfirm>
            ),
          },
        ]
      : []),
  ];

  return (
    <Card
      variant="borderless"
      size="small"
      title="扫描件与照片"
      data-testid="registry-attachments"
      data-complete={record.materialsComplete ? 'true' : 'false'}
      extra={
        <Space size={4} wrap>
          {kinds
            .filter((k) => attachmentKindHints[k].required)
            .map((k) => (
              <Tag
                key={k}
                color={present.has(k) ? 'green' : 'red'}
                data-testid={`registry-required-${k}`}
                data-present={present.has(k) ? 'true' : 'false'}
              >
                {attachmentKindHints[k].name}
                {present.has(k) ? ' 已上传' : ' 未上传'}
              </Tag>
            ))}
        </Space>
      }
    >
      {canUpload && (
        <div style={{ marginBottom: 12 }}>
          <Space wrap>
            <Select<AttachmentKind>
              value={kind}
              onChange={setKind}
              style={{ width: 260 }}
              options={kinds.map((k) => ({
                value: k,
                label: `${attachmentKindHints[k].name}（JPG，≤${attachmentKindHints[k].maxKb} KB${
                  attachmentKindHints[k].required ? '，必传' : ''
                }）`,
              }))}
              data-testid="registry-upload-kind"
            />
            <Button
              icon={<UploadOutlined />}
              loading={busy}
              onClick={() => input.current?.click()}
              data-testid="registry-upload-button"
            >
              选择文件上传
            </Button>
            <input
              ref={input}
              type="file"
              accept=".jpg,.jpeg,image/jpeg"
              style={{ display: 'none' }}
              data-testid="registry-upload-input"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void upload(f);
              }}
            />
          </Space>
          <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0', fontSize: 12 }}>
            格式均为 JPG（按文件内容检查，改扩展名无效）。身份证基准头像 ≤3 KB，身份证复印件 ≤40
            KB，户口簿复印件、个人年度近照、其他扫描件 ≤300 KB。身份证复印件和户口簿复印件必传。
          </Typography.Paragraph>
        </div>
      )}
      {hint && (
        <Alert
          type="warning"
          showIcon
          title={`提示：${hint}`}
          style={{ marginBottom: 8 }}
          data-testid="registry-upload-hint"
        />
      )}
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 8 }}
          data-testid="registry-upload-error"
        />
      )}
      <Table<Attachment>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={record.attachments}
        pagination={false}
        locale={{ emptyText: '尚未上传扫描件' }}
        data-testid="registry-attachment-table"
      />
    </Card>
  );
}
