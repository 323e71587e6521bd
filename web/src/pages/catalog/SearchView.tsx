// Searching published catalog entries: words, data-item (信息项) search, facet lists with
// counts and paged results. Shared by 目录检索 (signed in, every published entry) and the
// public 开放数据 page (open entries only). The search lives in the address (?q=…&page=…),
// so going back from an entry returns to the same results.
import { SearchOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Cascader,
  Col,
  Empty,
  Input,
  Pagination,
  Row,
  Skeleton,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { errorMessage } from '../../api/client';
import type {
  CatalogSearchQuery,
  FacetValue,
  OpenType,
  ResourceKind,
  SearchHit,
  SearchResult,
  SharingType,
} from '../../api/types';
import { formatDate } from '../../utils/format';
import {
  OpenTag,
  SharingTag,
  classificationPath,
  classificationText,
  treeDigits,
  useVocabularies,
  type Vocab,
} from './common';

type FacetKey = keyof SearchResult['facets'];

const facetTitles: Record<FacetKey, string> = {
  provider: '提供方',
  classification: '资源分类',
  sharingType: '共享类型',
  openType: '开放属性',
  kind: '资源类型',
};

const PAGE_SIZE = 10;

function queryOf(params: URLSearchParams): CatalogSearchQuery {
  const get = (k: string) => params.get(k) || undefined;
  const page = Number(params.get('page') ?? '1');
  return {
    q: get('q'),
    field: get('field'),
    provider: get('provider'),
    classification: get('classification'),
    sharingType: get('sharingType') as SharingType | undefined,
    openType: get('openType') as OpenType | undefined,
    kind: get('kind') as ResourceKind | undefined,
    page: Number.isInteger(page) && page > 0 ? page : 1,
    pageSize: PAGE_SIZE,
  };
}

function FacetList({
  facet,
  values,
  selected,
  onSelect,
  testPrefix,
}: {
  facet: FacetKey;
  values: FacetValue[];
  selected: string | undefined;
  onSelect: (value: string | undefined) => void;
  testPrefix: string;
}) {
  // The selected value stays listed even when the words leave no entry under it.
  const shown =
    selected && !values.some((v) => v.value === selected)
      ? [...values, { value: selected, label: selected, count: 0 }]
      : values;
  return (
    <div className="facet-group" data-testid={`${testPrefix}-facet-${facet}`}>
      <div className="facet-title">{facetTitles[facet]}</div>
      {shown.length === 0 && (
        <Typography.Text type="secondary" style={{ fontSize: 12, paddingLeft: 8 }}>
          无
        </Typography.Text>
      )}
      {shown.length > 0 && (
        <div
          className={`facet-item${selected ? '' : ' active'}`}
          onClick={() => onSelect(undefined)}
          role="button"
        >
          <span>全部</span>
        </div>
      )}
      {shown.map((v) => (
        <div
          key={v.value}
          className={`facet-item${selected === v.value ? ' active' : ''}`}
          onClick={() => onSelect(selected === v.value ? undefined : v.value)}
          role="button"
          data-testid={`${testPrefix}-facet-${facet}-item`}
          data-value={v.value}
        >
          <span>{v.label}</span>
          <span className="count">{v.count}</span>
        </div>
      ))}
    </div>
  );
}

function Hit({
  hit,
  href,
  vocab,
  testPrefix,
}: {
  hit: SearchHit;
  href: string;
  vocab: Vocab;
  testPrefix: string;
}) {
  return (
    <div className="search-hit" data-testid={`${testPrefix}-hit`} data-code={hit.code}>
      <div className="search-hit-title">
        <Link to={href} data-testid={`${testPrefix}-hit-link`}>
          {hit.name}
        </Link>
      </div>
      <div className="search-hit-meta">
        <span className="mono">{hit.code}</span>
        <span> · {hit.providerName}</span>
        <span> · {classificationText(vocab.data?.classifications, hit.classificationCode)}</span>
        {hit.publishedAt && <span> · 发布于 {formatDate(hit.publishedAt)}</span>}
      </div>
      <Space size={4} wrap style={{ marginBottom: 6 }}>
        <SharingTag value={hit.sharingType} vocab={vocab} />
        <OpenTag value={hit.openType} vocab={vocab} />
        <Tag>{vocab.label('resourceKinds', hit.kind)}</Tag>
      </Space>
      <Typography.Paragraph
        className="search-hit-summary"
        ellipsis={{ rows: 2, expandable: false }}
      >
        {hit.summary || '（无摘要）'}
      </Typography.Paragraph>
      {hit.matchedFields.length > 0 && (
        <div style={{ marginTop: 6 }} data-testid={`${testPrefix}-hit-fields`}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            匹配信息项：
          </Typography.Text>
          {hit.matchedFields.map((f) => (
            <Tag key={f} color="blue">
              {f}
            </Tag>
          ))}
        </div>
      )}
    </div>
  );
}

export default function SearchView({
  search,
  hrefOf,
  facets,
  testPrefix,
  placeholder,
}: {
  search: (q: CatalogSearchQuery, signal: AbortSignal) => Promise<SearchResult>;
  hrefOf: (hit: SearchHit) => string;
  facets: FacetKey[];
  testPrefix: string;
  placeholder: string;
}) {
  const vocab = useVocabularies();
  const [params, setParams] = useSearchParams();
  const query = useMemo(() => queryOf(params), [params]);
  const [qInput, setQInput] = useState(query.q ?? '');
  const [fieldInput, setFieldInput] = useState(query.field ?? '');
  const [result, setResult] = useState<SearchResult | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Typed words follow the address (back / forward).
  useEffect(() => {
    setQInput(query.q ?? '');
    setFieldInput(query.field ?? '');
  }, [query.q, query.field]);

  useEffect(() => {
    const ac = new AbortController();
    setLoading(true);
    search(query, ac.signal).then(
      (r) => {
        if (ac.signal.aborted) return;
        setResult(r);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (ac.signal.aborted) return;
        setError(errorMessage(e));
        setLoading(false);
      },
    );
    return () => ac.abort();
  }, [query, search]);

  /** Changes some parameters; any change but the page goes back to page 1. */
  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!('page' in changes)) next.delete('page');
    setParams(next);
  };

  const submitWords = () => update({ q: qInput.trim(), field: fieldInput.trim() });

  const classificationValue = (() => {
    const code = query.classification;
    if (!code) return [];
    const tree = Object.entries(treeDigits).find(([, d]) => d === code)?.[0];
    if (tree) return [tree];
    return classificationPath(vocab.data?.classifications, code)?.values ?? [];
  })();

  const hasFilters = !!(
    query.q ||
    query.field ||
    query.provider ||
    query.classification ||
    query.sharingType ||
    query.openType ||
    query.kind
  );

  return (
    <div>
      <Card variant="borderless" style={{ marginBottom: 16 }}>
        <Space wrap size={12}>
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={placeholder}
            value={qInput}
            onChange={(e) => setQInput(e.target.value)}
            onPressEnter={submitWords}
            style={{ width: 360 }}
            data-testid={`${testPrefix}-search-q`}
          />
          <Input
            allowClear
            placeholder="信息项（如：身份号码、床位数）"
            value={fieldInput}
            onChange={(e) => setFieldInput(e.target.value)}
            onPressEnter={submitWords}
            style={{ width: 260 }}
            data-testid={`${testPrefix}-search-field`}
          />
          <Button
            type="primary"
            icon={<SearchOutlined />}
            onClick={submitWords}
            data-testid={`${testPrefix}-search-submit`}
          >
            检索
          </Button>
          {hasFilters && (
            <Button
              onClick={() => {
                setQInput('');
                setFieldInput('');
                setParams(new URLSearchParams());
              }}
              data-testid={`${testPrefix}-search-reset`}
            >
              清除条件
            </Button>
          )}
        </Space>
      </Card>
      <Row gutter={16}>
        <Col xs={24} lg={6}>
          <Card variant="borderless" title="筛选" size="small" style={{ marginBottom: 16 }}>
            {facets.includes('classification') && (
              <Cascader
                options={vocab.data?.classifications ?? []}
                value={classificationValue}
                changeOnSelect
                allowClear
                placeholder="按资源分类筛选"
                style={{ width: '100%', marginBottom: 8 }}
                displayRender={(labels) => labels.join(' / ')}
                onChange={(v) => {
                  const last = (v ?? []).map(String).at(-1);
                  const code = last
                    ? (treeDigits[last as keyof typeof treeDigits] ?? last)
                    : undefined;
                  update({ classification: code });
                }}
                data-testid={`${testPrefix}-filter-classification`}
              />
            )}
            {!result && loading && <Skeleton active paragraph={{ rows: 6 }} />}
            {result &&
              facets.map((f) => (
                <FacetList
                  key={f}
                  facet={f}
                  values={result.facets[f]}
                  selected={query[f]}
                  onSelect={(v) => update({ [f]: v })}
                  testPrefix={testPrefix}
                />
              ))}
          </Card>
        </Col>
        <Col xs={24} lg={18}>
          <Card
            variant="borderless"
            title={
              result ? (
                <span data-testid={`${testPrefix}-total`}>
                  共 {result.total} 条{hasFilters ? '符合条件的' : '已发布的'}资源
                </span>
              ) : (
                '检索结果'
              )
            }
            loading={!result && loading}
          >
            {error && (
              <Alert
                type="error"
                showIcon
                title="检索失败"
                description={error}
                style={{ marginBottom: 16 }}
                data-testid={`${testPrefix}-error`}
              />
            )}
            {result && result.items.length === 0 && (
              <Empty
                description={hasFilters ? '没有符合条件的资源' : '暂无已发布的资源'}
                data-testid={`${testPrefix}-empty`}
              />
            )}
            <div data-testid={`${testPrefix}-results`} style={{ opacity: loading ? 0.6 : 1 }}>
              {result?.items.map((hit) => (
                <Hit
                  key={hit.id}
                  hit={hit}
                  href={hrefOf(hit)}
                  vocab={vocab}
                  testPrefix={testPrefix}
                />
              ))}
            </div>
            {result && result.total > result.pageSize && (
              <Pagination
                style={{ marginTop: 16, textAlign: 'right' }}
                current={result.page}
                pageSize={result.pageSize}
                total={result.total}
                showSizeChanger={false}
                showTotal={(t) => `共 ${t} 条`}
                onChange={(page) => update({ page: String(page) })}
                data-testid={`${testPrefix}-pagination`}
              />
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
