// Picks a unit (or several, with `multiple`) by name, searching GET /api/v1/units?q= as the
// user types. Chosen units keep their names while the search shows other results.
import { Select } from 'antd';
import { useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { unitApi } from '../api/endpoints';
import type { Unit } from '../api/types';

interface Known {
  name: string;
  divisionName: string;
}

interface CommonProps {
  /** Labels of values set from outside, when they are not in the first page of results. */
  initialOption?: { id: string; name: string } | null;
  initialOptions?: { id: string; name: string }[];
  /** A unit that may not be chosen (the one being edited). */
  excludeId?: string;
  placeholder?: string;
  style?: CSSProperties;
  id?: string;
  disabled?: boolean;
  'data-testid'?: string;
}

export interface SingleUnitSelectProps extends CommonProps {
  multiple?: false;
  value?: string | null;
  onChange?: (id: string | null) => void;
}

export interface MultiUnitSelectProps extends CommonProps {
  multiple: true;
  value?: string[];
  onChange?: (ids: string[]) => void;
}

export type UnitSelectProps = SingleUnitSelectProps | MultiUnitSelectProps;

export default function UnitSelect(props: UnitSelectProps) {
  const {
    initialOption,
    initialOptions,
    excludeId,
    placeholder = '输入单位名称搜索',
    style,
    id,
    disabled,
    'data-testid': testId,
  } = props;
  const [units, setUnits] = useState<Unit[]>([]);
  const [searching, setSearching] = useState(false);
  const [loadedOnce, setLoadedOnce] = useState(false);
  const [known, setKnown] = useState<ReadonlyMap<string, Known>>(() => {
    const m = new Map<string, Known>();
    for (const o of [...(initialOption ? [initialOption] : []), ...(initialOptions ?? [])])
      m.set(o.id, { name: o.name, divisionName: '' });
    return m;
  });
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
          (page) => {
            if (mine !== seq.current) return;
            setUnits(page.items);
            setKnown((prev) => {
              const next = new Map(prev);
              for (const u of page.items)
                next.set(u.id, { name: u.name, divisionName: u.divisionName });
              return next;
            });
          },
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

  const selected = useMemo(
    () => (props.multiple ? (props.value ?? []) : props.value ? [props.value] : []),
    [props.multiple, props.value],
  );

  const options = useMemo(() => {
    const list = units
      .filter((u) => u.id !== excludeId)
      .map((u) => ({ value: u.id, label: u.name, divisionName: u.divisionName }));
    // Chosen units not in the current results still show by name.
    for (const id of selected) {
      if (list.some((o) => o.value === id)) continue;
      const k = known.get(id);
      list.unshift({ value: id, label: k?.name ?? id, divisionName: k?.divisionName ?? '' });
    }
    return list;
  }, [units, excludeId, selected, known]);

  return (
    <Select
      id={id}
      mode={props.multiple ? 'multiple' : undefined}
      value={props.multiple ? (props.value ?? []) : (props.value ?? undefined)}
      onChange={(v: string | string[] | undefined) => {
        if (props.multiple) {
          props.onChange?.(Array.isArray(v) ? v : []);
        } else {
          props.onChange?.(typeof v === 'string' ? v : null);
        }
      }}
      options={options}
      allowClear
      disabled={disabled}
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
