// One open-data resource (public, no login): its description, its data items (sensitive ones
// are never listed) and the download of unconditionally open structured data.
import { ArrowLeftOutlined, DownloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Result,
  Skeleton,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { openApi } from '../../api/endpoints';
import type { OpenEntry } from '../../api/types';
import PageHeader from '../../components/PageHeader';
import { formatDate } from '../../utils/format';
import { OpenTag, useVocabularies } from '../catalog/common';

export default function OpenEntryPage() {
  const { code = '' } = useParams();
  const navigate = useNavigate();
  const vocab = useVocabularies();
  const [entry, setEntry] = useState<OpenEntry | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let cancelled = false;
    setEntry(null);
    setError(null);
    openApi.get(code).then(
      (e) => !cancelled && setEntry(e),
      (e: unknown) => !cancelled && setError(e instanceof ApiError ? e : new ApiError(0, {})),
    );
    return () => {
      cancelled = true;
    };
  }, [code]);

  const back = (
    <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate('/open')}>
      返回开放数据目录
    </Button>
  );

  if (error) {
    return (
      <Result
        status={error.status === 404 ? '404' : 'error'}
        title={error.status === 404 ? '没有该开放数据资源' : '加载失败'}
        subTitle={error.userMessage}
        extra={back}
        data-testid="open-entry-error"
      />
    );
  }
  if (!entry) return <Skeleton active paragraph={{ rows: 10 }} />;

  return (
    <div data-testid="open-entry-page">
      <PageHeader
        title={entry.name}
        subtitle={
          <Space size={8} wrap>
            <span className="mono" data-testid="open-entry-code">
              {entry.code}
            </span>
            <span>{entry.providerName}</span>
            <OpenTag value={entry.openType} vocab={vocab} />
          </Space>
        }
        extra={back}
      />
      {entry.downloadable ? (
        <Alert
          type="success"
          showIcon
          title="该资源无条件开放，可直接下载"
          description="下载的数据不含个人信息等敏感信息项，使用时请注明数据来源。"
          action={
            <Space orientation="vertical">
              <Button
                type="primary"
                icon={<DownloadOutlined />}
                href={openApi.dataUrl(entry.code, 'csv')}
                data-testid="open-download-csv"
              >
                下载 CSV
              </Button>
              <Button
                size="small"
                href={openApi.dataUrl(entry.code, 'ndjson')}
                data-testid="open-download-ndjson"
              >
                下载 JSON Lines
              </Button>
            </Space>
          }
          style={{ marginBottom: 16 }}
        />
      ) : (
        <Alert
          type="info"
          showIcon
          title={
            entry.openType === 'open_conditional'
              ? '该资源为有条件开放，请按开放条件向提供方申请'
              : '该资源不提供在线下载'
          }
          description={
            entry.openType === 'open_conditional'
              ? `开放条件：${entry.openCondition || '见资源说明'}`
              : undefined
          }
          style={{ marginBottom: 16 }}
          data-testid="open-not-downloadable"
        />
      )}
      <Card variant="borderless" size="small" title="资源信息">
        <Descriptions
          column={{ xs: 1, md: 2 }}
          size="small"
          bordered
          items={[
            { key: 'name', label: '资源名称', children: entry.name },
            {
              key: 'code',
              label: '资源代码',
              children: <span className="mono">{entry.code}</span>,
            },
            { key: 'provider', label: '提供方', children: entry.providerName },
            {
              key: 'kind',
              label: '资源类型',
              children: vocab.label('resourceKinds', entry.kind),
            },
            { key: 'summary', label: '摘要', span: 'filled', children: entry.summary || '—' },
            {
              key: 'format',
              label: '格式',
              children: entry.formatType
                ? `${vocab.label('formatTypes', entry.formatType)}${entry.formatDetail ? `（${entry.formatDetail}）` : ''}`
                : '—',
            },
            {
              key: 'frequency',
              label: '更新周期',
              children: entry.updateFrequency
                ? vocab.label('updateFrequencies', entry.updateFrequency)
                : '—',
            },
            { key: 'published', label: '发布日期', children: formatDate(entry.publishedAt) },
            {
              key: 'open',
              label: '开放属性',
              children: <OpenTag value={entry.openType} vocab={vocab} />,
            },
          ]}
        />
      </Card>
      <Card
        variant="borderless"
        size="small"
        title={`数据项（${entry.dataItems.length} 项）`}
        style={{ marginTop: 16 }}
      >
        <Table
          rowKey="identifier"
          size="small"
          pagination={false}
          dataSource={entry.dataItems}
          data-testid="open-entry-items"
          columns={[
            { title: '名称', dataIndex: 'name', width: 200 },
            {
              title: '英文标识',
              dataIndex: 'identifier',
              width: 200,
              render: (v: string) => <span className="mono">{v}</span>,
            },
            {
              title: '数据类型',
              dataIndex: 'type',
              width: 120,
              render: (t: string) => <Tag>{vocab.label('dataTypes', t)}</Tag>,
            },
            {
              title: '说明',
              dataIndex: 'description',
              render: (v: string) => v || <Typography.Text type="secondary">—</Typography.Text>,
            },
          ]}
        />
      </Card>
    </div>
  );
}
