// Small SVG charts for statistics pages (使用统计, 质量评估). Drawn by hand rather than with a
// chart library: the pages need bars and lines only, the console stays small, and every chart
// carries its figures as an accessible table so screen readers and browser tests can read them.
import { theme, Typography } from 'antd';
import { useId, type ReactNode } from 'react';

export interface ChartPoint {
  label: string;
  value: number;
}

export interface ChartSeries {
  name: string;
  points: ChartPoint[];
}

interface CommonProps {
  /** Drawing height in pixels (the width follows the container). */
  height?: number;
  /** Unit shown after values, e.g. "次" or "%". */
  unit?: string;
  title?: ReactNode;
  'data-testid'?: string;
}

const palette = ['#1677ff', '#52c41a', '#fa8c16', '#eb2f96', '#722ed1', '#13c2c2', '#faad14'];
const viewWidth = 640;
const margin = { top: 12, right: 12, bottom: 36, left: 52 };

/** A "nice" upper bound for the value axis: 1, 2 or 5 times a power of ten. */
function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function formatValue(value: number): string {
  if (Math.abs(value) >= 10_000) return `${(value / 10_000).toFixed(1).replace(/\.0$/, '')}万`;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** Shortens long category labels so they fit under their bar. */
function shortLabel(label: string, room: number): string {
  const max = Math.max(2, Math.floor(room / 12));
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

function ValueAxis({
  max,
  plotHeight,
  colour,
}: {
  max: number;
  plotHeight: number;
  colour: string;
}) {
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <g>
      {ticks.map((t) => {
        const y = margin.top + plotHeight * (1 - t);
        return (
          <g key={t}>
            <line
              x1={margin.left}
              x2={viewWidth - margin.right}
              y1={y}
              y2={y}
              stroke={colour}
              strokeDasharray={t === 0 ? undefined : '3 3'}
            />
            <text x={margin.left - 6} y={y + 4} fontSize={11} textAnchor="end" fill="currentColor">
              {formatValue(max * t)}
            </text>
          </g>
        );
      })}
    </g>
  );
}

/** The figures behind a chart, visually hidden but readable by assistive technology. */
function FiguresTable({ series, unit }: { series: ChartSeries[]; unit?: string }) {
  const labels = series[0]?.points.map((p) => p.label) ?? [];
  return (
    <table className="chart-figures" style={visuallyHidden}>
      <thead>
        <tr>
          <th scope="col">项目</th>
          {series.map((s) => (
            <th key={s.name} scope="col">
              {s.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {labels.map((label, i) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            {series.map((s) => (
              <td key={s.name}>
                {s.points[i]?.value ?? ''}
                {unit ?? ''}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const visuallyHidden = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const;

function ChartFrame({
  title,
  children,
  testId,
}: {
  title?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <figure style={{ margin: 0, position: 'relative' }} data-testid={testId}>
      {title ? (
        <Typography.Text strong style={{ display: 'block', marginBottom: 8 }}>
          {title}
        </Typography.Text>
      ) : null}
      {children}
    </figure>
  );
}

function EmptyChart({ height }: { height: number }) {
  return (
    <div
      style={{ height, display: 'flex', alignItems: 'center', justifyContent: 'center' }}
      role="img"
      aria-label="暂无数据"
    >
      <Typography.Text type="secondary">暂无数据</Typography.Text>
    </div>
  );
}

/** Vertical bars, one per point. */
export function BarChart({
  data,
  height = 240,
  unit,
  title,
  'data-testid': testId,
}: CommonProps & { data: ChartPoint[] }) {
  const { token } = theme.useToken();
  const titleId = useId();
  if (data.length === 0)
    return (
      <ChartFrame title={title} testId={testId}>
        <EmptyChart height={height} />
      </ChartFrame>
    );
  const plotHeight = height - margin.top - margin.bottom;
  const plotWidth = viewWidth - margin.left - margin.right;
  const max = niceMax(Math.max(...data.map((d) => d.value)));
  const slot = plotWidth / data.length;
  const barWidth = Math.min(48, slot * 0.6);
  return (
    <ChartFrame title={title} testId={testId}>
      <svg
        viewBox={`0 0 ${viewWidth} ${height}`}
        width="100%"
        role="img"
        aria-labelledby={titleId}
        style={{ color: token.colorTextSecondary, display: 'block' }}
      >
        <title id={titleId}>{typeof title === 'string' ? title : '柱状图'}</title>
        <ValueAxis max={max} plotHeight={plotHeight} colour={token.colorBorderSecondary} />
        {data.map((d, i) => {
          const h = (Math.max(0, d.value) / max) * plotHeight;
          const x = margin.left + slot * i + (slot - barWidth) / 2;
          const y = margin.top + plotHeight - h;
          return (
            <g key={`${d.label}-${i}`}>
              <rect x={x} y={y} width={barWidth} height={h} fill={palette[0]} rx={2}>
                <title>{`${d.label}：${d.value}${unit ?? ''}`}</title>
              </rect>
              <text
                x={x + barWidth / 2}
                y={height - margin.bottom + 16}
                fontSize={11}
                textAnchor="middle"
                fill="currentColor"
              >
                {shortLabel(d.label, slot)}
              </text>
            </g>
          );
        })}
      </svg>
      <FiguresTable
        series={[{ name: typeof title === 'string' ? title : '数值', points: data }]}
        unit={unit}
      />
    </ChartFrame>
  );
}

/** One line per series over shared category labels (e.g. days). */
export function LineChart({
  series,
  height = 240,
  unit,
  title,
  'data-testid': testId,
}: CommonProps & { series: ChartSeries[] }) {
  const { token } = theme.useToken();
  const titleId = useId();
  const labels = series[0]?.points.map((p) => p.label) ?? [];
  if (labels.length === 0)
    return (
      <ChartFrame title={title} testId={testId}>
        <EmptyChart height={height} />
      </ChartFrame>
    );
  const plotHeight = height - margin.top - margin.bottom;
  const plotWidth = viewWidth - margin.left - margin.right;
  const max = niceMax(Math.max(...series.flatMap((s) => s.points.map((p) => p.value))));
  const step = labels.length > 1 ? plotWidth / (labels.length - 1) : 0;
  const xOf = (i: number) => margin.left + (labels.length > 1 ? step * i : plotWidth / 2);
  const yOf = (v: number) => margin.top + plotHeight - (Math.max(0, v) / max) * plotHeight;
  // Label every n-th point so long ranges stay legible.
  const every = Math.max(1, Math.ceil(labels.length / 8));
  return (
    <ChartFrame title={title} testId={testId}>
      <svg
        viewBox={`0 0 ${viewWidth} ${height}`}
        width="100%"
        role="img"
        aria-labelledby={titleId}
        style={{ color: token.colorTextSecondary, display: 'block' }}
      >
        <title id={titleId}>{typeof title === 'string' ? title : '折线图'}</title>
        <ValueAxis max={max} plotHeight={plotHeight} colour={token.colorBorderSecondary} />
        {labels.map((label, i) =>
          i % every === 0 ? (
            <text
              key={label}
              x={xOf(i)}
              y={height - margin.bottom + 16}
              fontSize={11}
              textAnchor="middle"
              fill="currentColor"
            >
              {shortLabel(label, labels.length > 1 ? step * every : plotWidth)}
            </text>
          ) : null,
        )}
        {series.map((s, si) => {
          const colour = palette[si % palette.length];
          const path = s.points
            .map((p, i) => `${i === 0 ? 'M' : 'L'}${xOf(i).toFixed(1)},${yOf(p.value).toFixed(1)}`)
            .join(' ');
          return (
            <g key={s.name}>
              <path d={path} fill="none" stroke={colour} strokeWidth={2} />
              {s.points.map((p, i) => (
                <circle key={i} cx={xOf(i)} cy={yOf(p.value)} r={3} fill={colour}>
                  <title>{`${s.name} ${p.label}：${p.value}${unit ?? ''}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      {series.length > 1 ? (
        <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap', marginTop: 4 }}>
          {series.map((s, si) => (
            <span key={s.name} style={{ display: 'inline-flex', alignItems: 'center', gap: 6 }}>
              <span
                style={{
                  width: 12,
                  height: 3,
                  background: palette[si % palette.length],
                  display: 'inline-block',
                }}
              />
              <Typography.Text type="secondary">{s.name}</Typography.Text>
            </span>
          ))}
        </div>
      ) : null}
      <FiguresTable series={series} unit={unit} />
    </ChartFrame>
  );
}
