// Picks a unit by name, searching GET /api/v1/units?q= as the user types.
import { Select } from 'antd';
import { useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { unitApi } from '../api/endpoints';
import type { Unit } from '../api/types';

export interface UnitSelectProps {
  value?: string | null;
  onChange?: (id: string | null) => void;
  /** The label of the current value, when it is not in the first page of results. */
  initialOption?: { id: string; name: string } | null;
  /** A unit that may not be chosen (the one being edited). */
  excludeId?: string;
  placeholder?: string;
  style?: CSSProperties;
  id?: string;
  'data-testid'?: string;
}

export default function UnitSelect({
  value,
  onChange,
  initialOption,
  excludeId,
  placeholder = '输入单位名称搜索',
  style,
  id,
  'data-testid': testId,
}: UnitSelectProps) {
  const [units, setUnits] = useState<Unit[]>([]);
  const [searching, setSearching] = useState(false);
  const [loadedOnce, setLoadedOnce] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  const seq = useRef(0);

  const search = (q: string) => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      const mine = ++seq.current;
      setSearching(true);
      unitApi
        .list({ q: q.trim() || undefined, limit: 20 })
        .then(
          (page) => mine === seq.current && setUnits(page.items),
          () => mine === seq.current && setUnits([]),
        )
        .finally(() => {
          if (mine === seq.current) {
            setSearching(false);
            setLoadedOnce(true);
          }
        });
    }, 250);
  };

  useEffect(() => () => window.clearTimeout(timer.current), []);

  const options = useMemo(() => {
    const list = units
      .filter((u) => u.id !== excludeId)
      .map((u) => ({ value: u.id, label: u.name, divisionName: u.divisionName }));
    if (
      initialOption &&
      value === initialOption.id &&
      !list.some((o) => o.value === initialOption.id)
    ) {
      list.unshift({ value: initialOption.id, label: initialOption.name, divisionName: '' });
    }
    return list;
  }, [units, excludeId, initialOption, value]);

  return (
    <Select
      id={id}
      value={value ?? undefined}
      onChange={(v: string | undefined) => onChange?.(v ?? null)}
      options={options}
      allowClear
      placeholder={placeholder}
      style={style}
      loading={searching}
      showSearch={{ filterOption: false, onSearch: search }}
      onOpenChange={(open) => open && !loadedOnce && search('')}
      notFoundContent={searching ? '搜索中…' : '没有匹配的单位'}
      optionRender={(o) => (
        <span>
          {o.label}
          {o.data.divisionName && (
            <span style={{ color: '#94a3b8', marginLeft: 8, fontSize: 12 }}>
              {o.data.divisionName}
            </span>
          )}
        </span>
      )}
      data-testid={testId}
    />
  );
}
