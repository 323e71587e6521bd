// 数据: the rows of a structured entry for its provider's staff — browse them by key, enter
// or correct one row, and import a file (CSV, XLSX, JSON). An import is validated row by row
// and written only when every row is valid; the errors are listed here and downloadable as
// an XLSX report.
import {
  DownloadOutlined,
  EditOutlined,
  PlusOutlined,
  ReloadOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  Modal,
  Progress,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Tooltip,
  Typography,
  Upload,
  type TableColumnsType,
} from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { applyFormErrors, errorMessage } from '../../api/client';
import { dataApi } from '../../api/endpoints';
import type {
  DataItem,
  EntryDetail,
  ImportRowError,
  ImportStatus,
  ImportSummary,
  Page,
  ResourceRow,
  RowValue,
} from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { useCursorList } from '../../hooks/useCursorList';
import { formatDateTime } from '../../utils/format';

const PAGE_SIZE = 50;
const POLL_MS = 800;

const importStatusLabels: Record<ImportStatus, string> = {
  running: '导入中',
  applied: '已导入',
  rejected: '未导入',
  failed: '失败',
};

const importStatusColors: Record<ImportStatus, string> = {
  running: 'processing',
  applied: 'success',
  rejected: 'error',
  failed: 'error',
};

const methodLabels: Record<string, string> = { import: '导入', form: '录入', api: '接口' };

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v) ?? '';
}

/** Counts line breaks of a text file to estimate its rows (progress); null for XLSX. */
async function estimateRows(file: File): Promise<number | null> {
  if (/\.xlsx$/i.test(file.name)) return null;
  try {
    const reader = file.stream().getReader();
    let lines = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const b of value) if (b === 10) lines++;
    }
    // CSV: less the header row; JSON Lines: one object per line.
    return /\.csv$|\.txt$/i.test(file.name) ? Math.max(lines - 1, 1) : Math.max(lines, 1);
  } catch {
    return null;
  }
}

// ---- one row: enter or correct --------------------------------------------------------

function RowFormModal({
  entryId,
  items,
  row,
  open,
  onClose,
  onSaved,
}: {
  entryId: string;
  items: DataItem[];
  /** The row being corrected; null to enter a new one. */
  row: ResourceRow | null;
  open: boolean;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<Record<string, string | undefined>>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    setError(null);
    form.resetFields();
    if (row) {
      form.setFieldsValue(
        Object.fromEntries(items.map((i) => [i.identifier, cellText(row.data[i.identifier])])),
      );
    }
  }, [open, row, items, form]);

  const save = async () => {
    const values = await form.validateFields();
    const body: Record<string, RowValue> = {};
    for (const item of items) {
      const v = values[item.identifier];
      body[item.identifier] = typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
    }
    setSaving(true);
    setError(null);
    try {
      const saved = await dataApi.saveRow(entryId, body);
      message.success(
        saved.outcome === 'added'
          ? '已新增一行'
          : saved.outcome === 'updated'
            ? '已更新该行'
            : '内容没有变化，未修改',
      );
      onSaved();
    } catch (e) {
      applyFormErrors(
        form,
        e,
        items.map((i) => i.identifier),
        (text) => setError(text),
      );
    } finally {
      setSaving(false);
    }
  };

  const input = (item: DataItem) => {
    if (item.rule?.kind === 'enum' && item.rule.values?.length) {
      return (
        <Select
          allowClear
          placeholder="请选择"
          options={item.rule.values.map((v) => ({ value: v, label: v }))}
          data-testid={`row-field-${item.identifier}`}
        />
      );
    }
    if (item.type === 'L') {
      return (
        <Select
          allowClear
          placeholder="请选择"
          options={[
            { value: '是', label: '是' },
            { value: '否', label: '否' },
          ]}
          data-testid={`row-field-${item.identifier}`}
        />
      );
    }
    const placeholder =
      item.type === 'D'
        ? 'YYYY-MM-DD'
        : item.type === 'T'
          ? 'YYYY-MM-DD HH:mm:ss'
          : item.rule?.kind === 'citizen_id'
            ? '18 位公民身份号码'
            : item.rule?.kind === 'division_code'
              ? '行政区划代码'
              : undefined;
    return (
      <Input
        placeholder={placeholder}
        disabled={!!row && item.isKey}
        data-testid={`row-field-${item.identifier}`}
      />
    );
  };

  return (
    <Modal
      open={open}
      title={row ? '修改数据行' : '录入一行'}
      width={720}
      okText="保存"
      cancelText="取消"
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'row-save' }}
      onOk={() => void save().catch(() => undefined)}
      onCancel={onClose}
      data-testid="row-modal"
    >
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid="row-error"
        />
      )}
      <Form form={form} layout="vertical">
        <Row gutter={16}>
          {items.map((item) => (
            <Col xs={24} md={12} key={item.identifier}>
              <Form.Item
                name={item.identifier}
                label={
                  <span>
                    {item.name}
                    <Typography.Text type="secondary" style={{ marginLeft: 6, fontSize: 12 }}>
                      {item.identifier}
                    </Typography.Text>
                    {item.isKey && (
                      <Tag color="blue" style={{ marginLeft: 6 }}>
                        主键
                      </Tag>
                    )}
                  </span>
                }
                rules={
                  item.required || item.isKey
                    ? [{ required: true, whitespace: true, message: `请填写${item.name}` }]
                    : []
                }
              >
                {input(item)}
              </Form.Item>
            </Col>
          ))}
        </Row>
      </Form>
    </Modal>
  );
}

// ---- import: upload, progress, result ---------------------------------------------------

function ImportResult({
  summary,
  estimated,
}: {
  summary: ImportSummary;
  estimated: number | null;
}) {
  const { message } = App.useApp();
  const [downloading, setDownloading] = useState(false);

  if (summary.status === 'running') {
    const percent = estimated
      ? Math.min(99, Math.floor((summary.progressRows / estimated) * 100))
      : 0;
    return (
      <div data-testid="import-running">
        <Typography.Text>
          正在校验并导入“{summary.fileName}”：已读取 {summary.progressRows} 行
          {estimated ? `，约 ${estimated} 行` : ''}
        </Typography.Text>
        <Progress percent={percent} status="active" data-testid="import-progress" />
      </div>
    );
  }

  if (summary.status === 'applied') {
    return (
      <div data-testid="import-result" data-status="applied">
        <Alert
          type="success"
          showIcon
          title={summary.message ?? '导入完成'}
          description={`文件“${summary.fileName}”，共 ${summary.totalRows} 行，全部通过校验。`}
          style={{ marginBottom: 16 }}
          data-testid="import-message"
        />
        <Row gutter={16}>
          <Col span={6}>
            <Statistic title="新增" value={summary.added} suffix="行" data-testid="import-added" />
          </Col>
          <Col span={6}>
            <Statistic
              title="更新"
              value={summary.updated}
              suffix="行"
              data-testid="import-updated"
            />
          </Col>
          <Col span={6}>
            <Statistic
              title="未变化"
              value={summary.unchanged}
              suffix="行"
              data-testid="import-unchanged"
            />
          </Col>
          <Col span={6}>
            <Statistic title="文件总行数" value={summary.totalRows} suffix="行" />
          </Col>
        </Row>
      </div>
    );
  }

  const download = async () => {
    setDownloading(true);
    try {
      const name = await dataApi.downloadReport(summary.id, summary.fileName);
      message.success(`已下载 ${name}`);
    } catch (e) {
      message.error(`下载失败：${errorMessage(e)}`);
    } finally {
      setDownloading(false);
    }
  };

  const columns: TableColumnsType<ImportRowError & { i: number }> = [
    { title: '行号', dataIndex: 'rowNumber', width: 80 },
    {
      title: '信息项',
      dataIndex: 'name',
      width: 180,
      render: (name: string, e) =>
        name === e.field ? (
          name
        ) : (
          <span>
            {name}
            <Typography.Text type="secondary" style={{ marginLeft: 6, fontSize: 12 }}>
              {e.field}
            </Typography.Text>
          </span>
        ),
    },
    {
      title: '原值',
      dataIndex: 'value',
      width: 200,
      render: (v: string) =>
        v ? (
          <span className="mono">{v}</span>
        ) : (
          <Typography.Text type="secondary">（空）</Typography.Text>
        ),
    },
    { title: '错误原因', dataIndex: 'reason' },
  ];

  return (
    <div data-testid="import-result" data-status={summary.status}>
      <Alert
        type="error"
        showIcon
        title={summary.message ?? '导入未完成'}
        description={
          summary.status === 'rejected'
            ? `文件“${summary.fileName}”未写入任何数据${summary.totalRows ? `（共 ${summary.totalRows} 行，发现 ${summary.errorCount} 处错误）` : ''}。`
            : '平台内部错误，未写入任何数据。请稍后重试或联系平台管理员。'
        }
        style={{ marginBottom: 16 }}
        data-testid="import-message"
      />
      {summary.errors.length > 0 && (
        <>
          <Space style={{ marginBottom: 8 }}>
            <Button
              icon={<DownloadOutlined />}
              loading={downloading}
              onClick={() => void download()}
              data-testid="import-report"
            >
              下载错误报告
            </Button>
            {summary.errorCount > summary.errors.length && (
              <Typography.Text type="secondary">
                共 {summary.errorCount} 处错误，此处列出前 {summary.errors.length} 处
              </Typography.Text>
            )}
          </Space>
          <Table
            rowKey="i"
            size="small"
            columns={columns}
            dataSource={summary.errors.map((e, i) => ({ ...e, i }))}
            pagination={{ pageSize: 10, showSizeChanger: false, hideOnSinglePage: true }}
            data-testid="import-errors"
          />
        </>
      )}
    </div>
  );
}

export default function DataTab({
  entry,
  onChanged,
}: {
  entry: EntryDetail;
  onChanged: () => void;
}) {
  const { can } = useAuth();
  const { message } = App.useApp();
  const canEnter = can('data.enter');
  const fallbackItems = (entry.live ?? entry.working).content.dataItems;
  const [items, setItems] = useState<DataItem[]>(fallbackItems);
  const [keyInput, setKeyInput] = useState('');
  const [keyPrefix, setKeyPrefix] = useState('');
  const [rowModal, setRowModal] = useState<{ open: boolean; row: ResourceRow | null }>({
    open: false,
    row: null,
  });
  const [current, setCurrent] = useState<ImportSummary | null>(null);
  const [estimated, setEstimated] = useState<number | null>(null);
  const [uploading, setUploading] = useState(false);
  const [history, setHistory] = useState<ImportSummary[]>([]);
  const [historyError, setHistoryError] = useState<string | null>(null);
  const poll = useRef<number | null>(null);

  const fetchRows = useCallback(
    async (cursor: string | null, signal: AbortSignal): Promise<Page<ResourceRow>> => {
      const page = await dataApi.rows(
        entry.id,
        { key: keyPrefix || undefined, cursor, limit: PAGE_SIZE },
        signal,
      );
      setItems(page.dataItems);
      return page;
    },
    [entry.id, keyPrefix],
  );
  const rows = useCursorList(fetchRows, (r: ResourceRow) => r.key);

  const loadHistory = useCallback(async () => {
    try {
      setHistory((await dataApi.imports(entry.id)).items);
      setHistoryError(null);
    } catch (e) {
      setHistoryError(errorMessage(e));
    }
  }, [entry.id]);

  useEffect(() => {
    void loadHistory();
  }, [loadHistory]);

  useEffect(
    () => () => {
      if (poll.current !== null) window.clearTimeout(poll.current);
    },
    [],
  );

  const finished = (s: ImportSummary) => {
    void loadHistory();
    if (s.status === 'applied') {
      void rows.load(null);
      onChanged();
    }
  };

  const follow = (id: string) => {
    poll.current = window.setTimeout(() => {
      dataApi.getImport(id).then(
        (s) => {
          setCurrent(s);
          if (s.status === 'running') follow(id);
          else finished(s);
        },
        (e: unknown) => {
          message.error(`读取导入进度失败：${errorMessage(e)}`);
        },
      );
    }, POLL_MS);
  };

  const start = async (file: File) => {
    if (poll.current !== null) window.clearTimeout(poll.current);
    setUploading(true);
    setCurrent(null);
    setEstimated(null);
    void estimateRows(file).then(setEstimated);
    try {
      const s = await dataApi.startImport(entry.id, file);
      setCurrent(s);
      if (s.status === 'running') follow(s.id);
      else finished(s);
    } catch (e) {
      message.error(`上传失败：${errorMessage(e)}`);
    } finally {
      setUploading(false);
    }
  };

  const showImport = async (id: string) => {
    try {
      const s = await dataApi.getImport(id);
      setCurrent(s);
      setEstimated(null);
      if (s.status === 'running') follow(s.id);
    } catch (e) {
      message.error(errorMessage(e));
    }
  };

  const rowColumns: TableColumnsType<ResourceRow> = [
    ...items.map((item) => ({
      title: (
        <span>
          {item.name}
          {item.isKey && (
            <Tag color="blue" style={{ marginLeft: 4 }}>
              主键
            </Tag>
          )}
        </span>
      ),
      key: item.identifier,
      width: item.isKey ? 200 : 140,
      render: (_: unknown, r: ResourceRow) => {
        const v = r.data[item.identifier];
        // Amounts with their decimals (1456.50, not 1456.5).
        const t =
          typeof v === 'number' && item.scale !== null && (item.type === 'Y' || item.type === 'N')
            ? v.toFixed(item.scale)
            : cellText(v);
        return item.isKey ? <span className="mono">{t}</span> : t;
      },
    })),
    {
      title: '更新',
      key: 'updated',
      width: 190,
      render: (_: unknown, r: ResourceRow) => (
        <Tooltip title={`第 ${r.version} 版`}>
          <span>
            {formatDateTime(r.updatedAt)}
            <Typography.Text type="secondary" style={{ marginLeft: 4, fontSize: 12 }}>
              {methodLabels[r.method] ?? r.method}
            </Typography.Text>
          </span>
        </Tooltip>
      ),
    },
    ...(canEnter
      ? [
          {
            title: '操作',
            key: 'actions',
            width: 80,
            fixed: 'right' as const,
            render: (_: unknown, r: ResourceRow) => (
              <Button
                type="link"
                size="small"
                icon={<EditOutlined />}
                onClick={() => setRowModal({ open: true, row: r })}
              >
                修改
              </Button>
            ),
          },
        ]
      : []),
  ];

  const historyColumns: TableColumnsType<ImportSummary> = [
    { title: '文件', dataIndex: 'fileName', ellipsis: true },
    {
      title: '状态',
      dataIndex: 'status',
      width: 90,
      render: (s: ImportStatus) => <Tag color={importStatusColors[s]}>{importStatusLabels[s]}</Tag>,
    },
    { title: '行数', dataIndex: 'totalRows', width: 80 },
    {
      title: '结果',
      key: 'result',
      width: 230,
      render: (_: unknown, s: ImportSummary) =>
        s.status === 'applied'
          ? `新增 ${s.added}，更新 ${s.updated}，未变化 ${s.unchanged}`
          : s.status === 'running'
            ? '—'
            : s.errorCount > 0
              ? `${s.errorCount} 处错误`
              : (s.message ?? '—'),
    },
    { title: '导入人', dataIndex: 'createdBy', width: 100 },
    {
      title: '时间',
      dataIndex: 'createdAt',
      width: 170,
      render: (v: string) => formatDateTime(v),
    },
    {
      title: '操作',
      key: 'view',
      width: 80,
      render: (_: unknown, s: ImportSummary) => (
        <Button type="link" size="small" onClick={() => void showImport(s.id)}>
          查看
        </Button>
      ),
    },
  ];

  return (
    <div data-testid="data-tab">
      {canEnter && (
        <Card
          variant="borderless"
          size="small"
          title="导入数据"
          style={{ marginBottom: 16 }}
          data-testid="import-card"
        >
          <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
            支持 CSV（UTF-8 或 GBK）、XLSX 和 JSON / JSON Lines
            文件。第一行为表头，可用信息项名称或英文标识；
            按主键新增或更新，逐行校验，全部正确才写入，有错误时整个文件不导入。
          </Typography.Paragraph>
          <span data-testid="import-upload">
            <Upload
              accept=".csv,.txt,.xlsx,.json,.jsonl,.ndjson"
              showUploadList={false}
              multiple={false}
              disabled={uploading || current?.status === 'running'}
              beforeUpload={(file) => {
                void start(file);
                return false;
              }}
            >
              <Button
                type="primary"
                icon={<UploadOutlined />}
                loading={uploading}
                disabled={current?.status === 'running'}
              >
                选择文件并导入
              </Button>
            </Upload>
          </span>
          {current && (
            <div style={{ marginTop: 16 }}>
              <ImportResult summary={current} estimated={estimated} />
            </div>
          )}
        </Card>
      )}
      <Card
        variant="borderless"
        size="small"
        title="数据行"
        style={{ marginBottom: 16 }}
        extra={
          <Space>
            <Input.Search
              allowClear
              placeholder="按主键开头查找"
              value={keyInput}
              onChange={(e) => {
                setKeyInput(e.target.value);
                if (!e.target.value) setKeyPrefix('');
              }}
              onSearch={(v) => setKeyPrefix(v.trim())}
              style={{ width: 240 }}
              data-testid="rows-key-search"
            />
            {canEnter && (
              <Button
                icon={<PlusOutlined />}
                onClick={() => setRowModal({ open: true, row: null })}
                data-testid="row-create"
              >
                录入一行
              </Button>
            )}
            <Tooltip title="刷新">
              <Button icon={<ReloadOutlined />} onClick={() => void rows.load(null)} />
            </Tooltip>
          </Space>
        }
      >
        {rows.error && (
          <Alert
            type="error"
            showIcon
            title="数据行加载失败"
            description={rows.error}
            style={{ marginBottom: 16 }}
          />
        )}
        <Table<ResourceRow>
          rowKey="key"
          size="small"
          columns={rowColumns}
          dataSource={rows.items}
          loading={rows.loading}
          pagination={false}
          scroll={{ x: Math.max(900, items.length * 150 + 270) }}
          locale={{ emptyText: keyPrefix ? '没有以此开头的主键' : '暂无数据' }}
          data-testid="rows-table"
        />
        <div
          style={{
            display: 'flex',
            justifyContent: 'space-between',
            alignItems: 'center',
            marginTop: 12,
          }}
        >
          <Typography.Text type="secondary" data-testid="rows-count">
            已加载 {rows.items.length} 行
            {rows.nextCursor ? '，还有更多' : rows.items.length > 0 ? '，已全部加载' : ''}
          </Typography.Text>
          {rows.nextCursor && (
            <Button
              loading={rows.loadingMore}
              onClick={() => void rows.load(rows.nextCursor)}
              data-testid="rows-load-more"
            >
              加载更多
            </Button>
          )}
        </div>
      </Card>
      <Card variant="borderless" size="small" title="导入记录">
        {historyError && <Alert type="error" showIcon title={historyError} />}
        <Table<ImportSummary>
          rowKey="id"
          size="small"
          columns={historyColumns}
          dataSource={history}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          locale={{ emptyText: '暂无导入记录' }}
          data-testid="imports-table"
        />
      </Card>
      <RowFormModal
        entryId={entry.id}
        items={items}
        row={rowModal.row}
        open={rowModal.open}
        onClose={() => setRowModal((m) => ({ ...m, open: false }))}
        onSaved={() => {
          setRowModal((m) => ({ ...m, open: false }));
          void rows.load(null);
          onChanged();
        }}
      />
    </div>
  );
}
