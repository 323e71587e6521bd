// Picks a division (GB/T 2260 code) from a lazily loaded cascader: provinces first, the
// children of a node when it is opened. The value is one code; a code set from outside
// (editing a record) is expanded to its path with GET /api/v1/divisions/:code.
import { Cascader, type CascaderProps } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { errorMessage } from '../api/client';
import { divisionApi } from '../api/endpoints';
import type { Division } from '../api/types';

interface Option {
  value: string;
  label: string;
  isLeaf: boolean;
  loading?: boolean;
  disabled?: boolean;
  children?: Option[];
  retired: boolean;
}

export interface DivisionCascaderProps {
  value?: string | null;
  onChange?: (code: string | undefined) => void;
  placeholder?: string;
  allowClear?: boolean;
  disabled?: boolean;
  style?: CSSProperties;
  id?: string;
  status?: 'error' | 'warning';
  'data-testid'?: string;
}

const ROOT = '';

export default function DivisionCascader({
  value,
  onChange,
  placeholder = '请选择行政区划',
  allowClear = true,
  disabled,
  style,
  id,
  status,
  'data-testid': testId,
}: DivisionCascaderProps) {
  const [children, setChildren] = useState<Record<string, Division[]>>({});
  const [loading, setLoading] = useState<ReadonlySet<string>>(new Set());
  const [path, setPath] = useState<string[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const childrenRef = useRef(children);
  childrenRef.current = children;

  const loadChildren = useCallback(async (parent: string): Promise<Division[]> => {
    const known = childrenRef.current[parent];
    if (known) return known;
    setLoading((s) => new Set(s).add(parent));
    try {
      const { items } = await divisionApi.children(parent || null);
      childrenRef.current = { ...childrenRef.current, [parent]: items };
      setChildren((c) => ({ ...c, [parent]: items }));
      setLoadError(null);
      return items;
    } catch (e) {
      setLoadError(errorMessage(e));
      return [];
    } finally {
      setLoading((s) => {
        const n = new Set(s);
        n.delete(parent);
        return n;
      });
    }
  }, []);

  useEffect(() => {
    void loadChildren(ROOT);
  }, [loadChildren]);

  // Expand a code set from outside into its path, loading each level it sits in.
  useEffect(() => {
    if (!value) {
      setPath([]);
      return;
    }
    if (path[path.length - 1] === value) return;
    let cancelled = false;
    void (async () => {
      try {
        const detail = await divisionApi.get(value);
        const codes = detail.path.map((p) => p.code);
        if (codes[codes.length - 1] !== detail.code) codes.push(detail.code);
        let parent = ROOT;
        for (const code of codes) {
          const list = await loadChildren(parent);
          if (!list.some((d) => d.code === code)) {
            // A retired code (or one outside the active list) still shows by name.
            const step = detail.path.find((p) => p.code === code);
            const extra: Division = {
              code,
              name: step?.name ?? (code === detail.code ? detail.name : code),
              level: detail.level,
              parentCode: parent || null,
              status: code === detail.code ? detail.status : 'active',
              hasChildren: code !== detail.code,
            };
            const next = [...list, extra];
            childrenRef.current = { ...childrenRef.current, [parent]: next };
            setChildren((c) => ({ ...c, [parent]: next }));
          }
          parent = code;
        }
        if (!cancelled) setPath(codes);
      } catch (e) {
        if (!cancelled) setLoadError(errorMessage(e));
      }
    })();
    return () => {
      cancelled = true;
    };
    // `path` is read to skip work, not a trigger.
  }, [value, loadChildren]);

  const options = useMemo(() => {
    const build = (parent: string): Option[] | undefined =>
      children[parent]?.map((d) => ({
        value: d.code,
        label: d.name,
        isLeaf: !d.hasChildren,
        retired: d.status === 'retired',
        ...(loading.has(d.code) ? { loading: true } : {}),
        ...(d.hasChildren && children[d.code] ? { children: build(d.code) ?? [] } : {}),
      }));
    return build(ROOT) ?? [];
  }, [children, loading]);

  const loadData: CascaderProps<Option>['loadData'] = (selected) => {
    const target = selected[selected.length - 1];
    if (target) void loadChildren(target.value);
  };

  return (
    <Cascader<Option>
      id={id}
      options={options}
      value={path}
      loadData={loadData}
      changeOnSelect
      allowClear={allowClear}
      disabled={disabled}
      status={status ?? (loadError ? 'error' : undefined)}
      placeholder={loadError ? `行政区划加载失败：${loadError}` : placeholder}
      notFoundContent={loading.has(ROOT) ? '加载中…' : '暂无数据'}
      style={style}
      displayRender={(labels) => labels.join(' / ')}
      optionRender={(o) => (
        <span className="division-node" data-code={o.value}>
          <span className="division-name">{o.label}</span>
          <span className="division-code">{o.value}</span>
        </span>
      )}
      onChange={(v) => {
        const codes = (v ?? []).map(String);
        setPath(codes);
        onChange?.(codes[codes.length - 1]);
      }}
      data-testid={testId}
    />
  );
}
