// Shared bits of the catalog pages: the vocabularies (Chinese labels of every coded element
// and the classification trees, from GET /api/v1/catalog/vocabularies), status and sharing
// tags, and the classification path helpers.
import { Tag } from 'antd';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../api/client';
import { catalogApi } from '../../api/endpoints';
import type {
  CatalogVocabularies,
  ClassificationOption,
  ClassificationTree,
  VersionStatus,
} from '../../api/types';

export interface Vocab {
  data: CatalogVocabularies | null;
  error: string | null;
  /** The Chinese label of `code` in vocabulary `name` (the code itself when unknown). */
  label: (name: string, code: string | null | undefined) => string;
  /** Options of a Select for vocabulary `name`. */
  options: (name: string) => { value: string; label: string }[];
}

export function useVocabularies(): Vocab {
  const [data, setData] = useState<CatalogVocabularies | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    catalogApi.vocabularies().then(
      (v) => !cancelled && setData(v),
      (e: unknown) => !cancelled && setError(errorMessage(e)),
    );
    return () => {
      cancelled = true;
    };
  }, []);
  return {
    data,
    error,
    label: (name, code) => (code ? (data?.labels[name]?.[code] ?? code) : '—'),
    options: (name) =>
      Object.entries(data?.labels[name] ?? {}).map(([value, label]) => ({ value, label })),
  };
}

/** The class digit of each tree: a classification code starts with it. */
export const treeDigits: Record<ClassificationTree, string> = {
  base: '1',
  theme: '2',
  department: '3',
};

export function treeOfCode(code: string): ClassificationTree | null {
  const d = code[0];
  if (d === '1') return 'base';
  if (d === '2') return 'theme';
  if (d === '3') return 'department';
  return null;
}

/**
 * The Cascader path of a classification code: [tree, 项, 目, 细目…] (each a full code), with
 * the names along it; null when the code is not in the trees.
 */
export function classificationPath(
  trees: ClassificationOption[] | undefined,
  code: string,
): { values: string[]; labels: string[] } | null {
  const tree = treeOfCode(code);
  const root = trees?.find((t) => t.value === tree);
  if (!tree || !root) return null;
  const values: string[] = [tree];
  const labels = [root.label];
  let level = root.children ?? [];
  for (;;) {
    const next = level.find((o) => code.startsWith(o.value));
    if (!next) break;
    values.push(next.value);
    labels.push(next.label);
    if (next.value === code) return { values, labels };
    level = next.children ?? [];
  }
  return values.length > 1 ? { values, labels } : null;
}

/** “部门信息资源 / 民政 / 优抚安置 （301002）”. */
export function classificationText(
  trees: ClassificationOption[] | undefined,
  code: string | null | undefined,
): string {
  if (!code) return '—';
  const path = classificationPath(trees, code);
  return path ? `${path.labels.join(' / ')}（${code}）` : code;
}

const statusColors: Record<VersionStatus, string> = {
  draft: 'default',
  submitted: 'processing',
  returned: 'warning',
  reviewed: 'purple',
  published: 'success',
  superseded: 'default',
  retired: 'error',
  withdrawn: 'default',
};

export function StatusTag({ status, vocab }: { status: VersionStatus; vocab: Vocab }) {
  return (
    <Tag color={statusColors[status]} data-testid="entry-status" data-status={status}>
      {vocab.label('versionStatuses', status)}
    </Tag>
  );
}

const sharingColors: Record<string, string> = {
  unconditional: 'green',
  conditional: 'gold',
  none: 'red',
};

export function SharingTag({ value, vocab }: { value: string | null; vocab: Vocab }) {
  if (!value) return null;
  return (
    <Tag color={sharingColors[value] ?? 'default'} data-testid="sharing-tag">
      {vocab.label('sharingTypes', value)}
    </Tag>
  );
}

const openColors: Record<string, string> = {
  open_unconditional: 'cyan',
  open_conditional: 'blue',
  not_open: 'default',
};

export function OpenTag({ value, vocab }: { value: string | null; vocab: Vocab }) {
  if (!value) return null;
  return <Tag color={openColors[value] ?? 'default'}>{vocab.label('openTypes', value)}</Tag>;
}

/** Labels of the workbench queues. */
export const queueLabels = {
  unit: '本单位目录',
  review: '待我审核',
  publish: '待发布',
  stale: '超期未维护',
  all: '全部',
} as const;
