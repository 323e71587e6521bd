// 接口: the registered interfaces of a published catalog entry — code, class, who built it,
// method and address, parameters, an example request and answer, and a copy-paste curl
// script that signs the call (docs/exchange.md).
import { Alert, Card, Descriptions, Empty, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../api/client';
import { formatDateTime } from '../../utils/format';
import { exchangeApi, type ExchangeInterface } from './api';

function prettyJson(text: string | null): string {
  if (text === null) return '—';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function Code({ text, testId }: { text: string; testId?: string }) {
  return (
    <Typography.Paragraph copyable={{ text }} style={{ marginBottom: 0 }} data-testid={testId}>
      <pre className="mono" style={{ margin: 0, whiteSpace: 'pre-wrap', fontSize: 12 }}>
        {text}
      </pre>
    </Typography.Paragraph>
  );
}

function InterfaceCard({ item }: { item: ExchangeInterface }) {
  const retired = item.status === 'retired';
  return (
    <Card
      size="small"
      style={{ marginBottom: 12, opacity: retired ? 0.7 : 1 }}
      title={
        <Space wrap>
          <span className="mono" data-testid="interface-code">
            {item.code}
          </span>
          <span>{item.name}</span>
          <Tag color="blue">
            {item.class} {item.classLabel}
          </Tag>
          {retired ? <Tag>已停用</Tag> : <Tag color="green">可用</Tag>}
        </Space>
      }
      data-testid="interface-card"
      data-code={item.code}
      data-mode={item.mode ?? ''}
    >
      <Descriptions
        size="small"
        column={{ xs: 1, md: 2 }}
        items={[
          {
            key: 'builder',
            label: '建设方',
            children: `${item.builderLabel}${item.builderUnitName ? `（${item.builderUnitName}）` : ''}`,
          },
          { key: 'mode', label: '提供方式', children: item.modeLabel ?? '—' },
          {
            key: 'address',
            label: '调用地址',
            children: item.method ? (
              <span className="mono">
                {item.method} {item.path}
              </span>
            ) : (
              '由平台推送或不经平台调用'
            ),
          },
          { key: 'created', label: '登记时间', children: formatDateTime(item.createdAt) },
          ...(item.description
            ? [{ key: 'description', label: '说明', children: item.description }]
            : []),
        ]}
      />
      {item.parameters.length > 0 && (
        <Table
          size="small"
          rowKey="name"
          pagination={false}
          style={{ marginTop: 8 }}
          dataSource={item.parameters}
          data-testid="interface-parameters"
          columns={[
            {
              title: '参数',
              dataIndex: 'name',
              width: 110,
              render: (v: string) => <span className="mono">{v}</span>,
            },
            {
              title: '位置',
              dataIndex: 'in',
              width: 80,
              render: (v: string) => (v === 'query' ? '查询串' : '请求体'),
            },
            { title: '类型', dataIndex: 'type', width: 140 },
            {
              title: '必填',
              dataIndex: 'required',
              width: 70,
              render: (v: boolean) => (v ? '是' : '否'),
            },
            { title: '说明', dataIndex: 'description' },
          ]}
        />
      )}
      {item.method && (
        <div style={{ marginTop: 12 }}>
          <Typography.Text strong>调用示例</Typography.Text>
          <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 12, marginTop: 6 }}>
            <div>
              <Typography.Text type="secondary">
                {item.method === 'GET' ? '查询参数' : '请求体'}
              </Typography.Text>
              <Code text={prettyJson(item.example.request)} testId="interface-example-request" />
            </div>
            <div>
              <Typography.Text type="secondary">返回</Typography.Text>
              <Code
                text={
                  item.method === 'GET' ? item.example.response : prettyJson(item.example.response)
                }
                testId="interface-example-response"
              />
            </div>
          </div>
          {item.example.curl && (
            <div style={{ marginTop: 8 }}>
              <Typography.Text type="secondary">
                curl（OpenSSL 3 计算 HMAC-SM3 签名；把凭证编号和密钥换成本单位的）
              </Typography.Text>
              <Code
                text={item.example.curl.replace(/^HOST=.*$/m, `HOST=${window.location.origin}`)}
                testId="interface-curl"
              />
            </div>
          )}
        </div>
      )}
    </Card>
  );
}

export default function InterfacesTab({ entryId }: { entryId: string }) {
  const [items, setItems] = useState<ExchangeInterface[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    exchangeApi.interfaces(entryId).then(
      (res) => !cancelled && setItems(res.items),
      (e: unknown) => !cancelled && setError(errorMessage(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [entryId]);

  if (error) return <Alert type="error" showIcon title={error} />;
  if (!items) return <Skeleton active />;
  const active = items.filter((i) => i.status === 'active');
  const retired = items.filter((i) => i.status === 'retired');
  return (
    <div data-testid="entry-interfaces">
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 12 }}
        title="接口编码 = 建设方（S 平台建设 / P 提供方自建）+ 资源代码 + 接口类别（1 查询类、2 核验类、3 数据传输类、4 下载类、9 其他）+ 顺序号。调用时在请求头 x-mzhub-interface 中填写编码，并按接口文档用凭证签名。"
      />
      {items.length === 0 ? (
        <Empty description="该条目尚未登记接口（发布带提供方式的库表资源时自动登记）" />
      ) : (
        <>
          {active.map((i) => (
            <InterfaceCard key={i.code} item={i} />
          ))}
          {retired.length > 0 && (
            <>
              <Typography.Title level={5} style={{ marginTop: 16 }}>
                已停用的接口（编码不再分配）
              </Typography.Title>
              {retired.map((i) => (
                <InterfaceCard key={i.code} item={i} />
              ))}
            </>
          )}
        </>
      )}
    </div>
  );
}
