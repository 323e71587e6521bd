// One version of a catalog entry as read-only sections: the elements, the data items and
// “如何申请” (sharing type, condition or legal basis, scope, methods and provision modes).
import {
  Alert,
  Card,
  Descriptions,
  Space,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import type { DataItem, EntryContent } from '../../api/types';
import { OpenTag, SharingTag, classificationText, type Vocab } from './common';

const dash = <Typography.Text type="secondary">—</Typography.Text>;
const text = (v: string | null | undefined) => (v?.trim() ? v : dash);

/** “18”, “10,2” or — for a data item's length and scale. */
export function lengthText(item: Pick<DataItem, 'length' | 'scale'>): string {
  if (item.length === null) return '—';
  return item.scale !== null ? `${item.length},${item.scale}` : String(item.length);
}

export function ruleText(item: DataItem, vocab: Vocab): string {
  const rule = item.rule;
  if (!rule) return '';
  const label = vocab.label('ruleKinds', rule.kind);
  if (rule.kind === 'enum' && rule.values?.length) return `${label}：${rule.values.join('、')}`;
  if (rule.kind === 'pattern' && rule.pattern) return `${label}：${rule.pattern}`;
  return label;
}

export function DataItemsTable({
  items,
  vocab,
  testId = 'entry-items',
}: {
  items: DataItem[];
  vocab: Vocab;
  testId?: string;
}) {
  const columns: TableColumnsType<DataItem & { index: number }> = [
    { title: '序号', dataIndex: 'index', width: 60, render: (i: number) => i + 1 },
    { title: '信息项名称', dataIndex: 'name', width: 160 },
    {
      title: '英文标识',
      dataIndex: 'identifier',
      width: 150,
      render: (v: string) => <span className="mono">{v}</span>,
    },
    {
      title: '数据类型',
      dataIndex: 'type',
      width: 110,
      render: (t: string) => `${vocab.label('dataTypes', t)}（${t}）`,
    },
    {
      title: '长度',
      key: 'length',
      width: 70,
      render: (_: unknown, item) => lengthText(item),
    },
    {
      title: '属性',
      key: 'flags',
      width: 150,
      render: (_: unknown, item) => (
        <Space size={2} wrap>
          {item.isKey && <Tag color="blue">主键</Tag>}
          {item.required && <Tag color="orange">必填</Tag>}
          {item.sensitive && <Tag color="red">敏感</Tag>}
        </Space>
      ),
    },
    {
      title: '校验规则',
      key: 'rule',
      render: (_: unknown, item) => ruleText(item, vocab) || dash,
    },
    {
      title: '说明',
      dataIndex: 'description',
      render: (v: string) => text(v),
    },
  ];
  return (
    <Table
      rowKey="index"
      size="small"
      columns={columns}
      dataSource={items.map((item, index) => ({ ...item, index }))}
      pagination={false}
      scroll={{ x: 900 }}
      locale={{ emptyText: '未著录信息项' }}
      data-testid={testId}
    />
  );
}

/** What a consumer needs to know to ask for the resource. */
function HowToApply({ content, vocab }: { content: EntryContent; vocab: Vocab }) {
  const list = (name: string, codes: string[]) =>
    codes.length > 0 ? (
      <Space size={4} wrap>
        {codes.map((c) => (
          <Tag key={c}>{vocab.label(name, c)}</Tag>
        ))}
      </Space>
    ) : (
      dash
    );
  const hint =
    content.sharingType === 'unconditional'
      ? '无条件共享：政务部门可通过共享平台直接申请使用，提供方按共享方式提供。'
      : content.sharingType === 'conditional'
        ? '有条件共享：申请时须说明用途并满足下列共享条件，经提供方审核同意后使用。'
        : content.sharingType === 'none'
          ? '不予共享：该资源依据下列规定不向其他部门提供。'
          : '尚未设置共享类型。';
  return (
    <Card
      variant="borderless"
      size="small"
      title="如何申请"
      style={{ marginTop: 16 }}
      data-testid="entry-how-to-apply"
    >
      <Alert
        type={content.sharingType === 'none' ? 'warning' : 'info'}
        showIcon
        title={hint}
        style={{ marginBottom: 12 }}
      />
      <Descriptions
        column={{ xs: 1, md: 2 }}
        size="small"
        bordered
        items={[
          {
            key: 'type',
            label: '共享类型',
            children: <SharingTag value={content.sharingType} vocab={vocab} />,
          },
          content.sharingType === 'none'
            ? { key: 'basis', label: '不予共享依据', children: text(content.legalBasis) }
            : {
                key: 'condition',
                label: '共享条件',
                children:
                  content.sharingType === 'conditional' ? text(content.sharingCondition) : '无',
              },
          {
            key: 'scope',
            label: '共享范围',
            children: content.sharingScope ? (
              <span>
                {vocab.label('sharingScopes', content.sharingScope)}
                {content.sharingScopeNote && `（${content.sharingScopeNote}）`}
              </span>
            ) : (
              dash
            ),
          },
          {
            key: 'methods',
            label: '共享方式',
            children: list('sharingMethods', content.sharingMethods),
          },
          {
            key: 'modes',
            label: '提供方式',
            children: list('provisionModes', content.provisionModes),
          },
          {
            key: 'open',
            label: '开放属性',
            children: (
              <span>
                <OpenTag value={content.openType} vocab={vocab} />
                {content.openType === 'open_conditional' && content.openCondition}
              </span>
            ),
          },
        ]}
      />
    </Card>
  );
}

export default function EntryContentView({
  content,
  code,
  providerName,
  providerCreditCode,
  vocab,
}: {
  content: EntryContent;
  code: string;
  providerName: string;
  providerCreditCode: string | null;
  vocab: Vocab;
}) {
  return (
    <div data-testid="entry-content">
      <Card variant="borderless" size="small" title="目录要素">
        <Descriptions
          column={{ xs: 1, md: 2 }}
          size="small"
          bordered
          data-testid="entry-elements"
          items={[
            { key: 'name', label: '信息资源名称', children: text(content.name) },
            {
              key: 'code',
              label: '信息资源代码',
              children: <span className="mono">{code}</span>,
            },
            {
              key: 'provider',
              label: '信息资源提供方',
              children: providerName,
            },
            {
              key: 'providerCode',
              label: '提供方代码',
              children: providerCreditCode ? (
                <span className="mono">{providerCreditCode}</span>
              ) : (
                dash
              ),
            },
            {
              key: 'classification',
              label: '资源分类',
              children: classificationText(
                vocab.data?.classifications,
                content.classification?.code,
              ),
            },
            {
              key: 'kind',
              label: '资源类型',
              children: vocab.label('resourceKinds', content.kind),
            },
            {
              key: 'summary',
              label: '信息资源摘要',
              span: 'filled',
              children: text(content.summary),
            },
            {
              key: 'format',
              label: '信息资源格式',
              children: content.formatType ? (
                <span>
                  {vocab.label('formatTypes', content.formatType)}
                  {content.formatDetail && `（${content.formatDetail}）`}
                </span>
              ) : (
                dash
              ),
            },
            {
              key: 'frequency',
              label: '更新周期',
              children: content.updateFrequency
                ? vocab.label('updateFrequencies', content.updateFrequency)
                : dash,
            },
            { key: 'timeliness', label: '时效性要求', children: text(content.timeliness) },
            {
              key: 'grade',
              label: '数据分级',
              children: content.dataGrade ? vocab.label('dataGrades', content.dataGrade) : dash,
            },
            {
              key: 'related',
              label: '关联资源代码',
              children:
                content.relatedCodes.length > 0 ? (
                  <Space size={4} wrap>
                    {content.relatedCodes.map((c) => (
                      <Tag key={c} className="mono">
                        {c}
                      </Tag>
                    ))}
                  </Space>
                ) : (
                  dash
                ),
            },
            {
              key: 'derived',
              label: '数据来源于共享的资源',
              children:
                (content.derivedFrom ?? []).length > 0 ? (
                  <Space size={4} wrap>
                    {content.derivedFrom.map((c) => (
                      <Tag key={c} className="mono" color="orange">
                        {c}
                      </Tag>
                    ))}
                  </Space>
                ) : (
                  dash
                ),
            },
            { key: 'source', label: '来源系统', children: text(content.sourceSystem) },
            {
              key: 'contact',
              label: '联系人',
              children:
                content.contactPerson || content.contactPhone
                  ? `${content.contactPerson} ${content.contactPhone}`.trim()
                  : dash,
            },
          ]}
        />
      </Card>
      <Card
        variant="borderless"
        size="small"
        title={`信息项（${content.dataItems.length} 项）`}
        style={{ marginTop: 16 }}
      >
        <DataItemsTable items={content.dataItems} vocab={vocab} />
      </Card>
      <HowToApply content={content} vocab={vocab} />
    </div>
  );
}
