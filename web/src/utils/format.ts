// Display helpers. All dates and times are shown in Asia/Shanghai whatever the browser's zone.
import type { DivisionChange, DivisionLevel, UnitType } from '../api/types';

export const TIME_ZONE = 'Asia/Shanghai';

const dateTimeFmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

const partsFmt = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** `2026-01-05 09:30:00` for an ISO 8601 timestamp, in Beijing time. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = Object.fromEntries(dateTimeFmt.formatToParts(d).map((x) => [x.type, x.value]));
  const hour = p.hour === '24' ? '00' : p.hour;
  return `${p.year}-${p.month}-${p.day} ${hour}:${p.minute}:${p.second}`;
}

/** The calendar date (YYYY-MM-DD) of an instant in Beijing time; today by default. */
export function shanghaiDate(at: Date = new Date()): string {
  return partsFmt.format(at);
}

const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

/** Weekday (0 = Sunday) of a calendar date `YYYY-MM-DD`. */
export function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)).getUTCDay();
}

/** `2026年1月5日 星期一`. */
export function formatLongDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日 ${WEEKDAYS[weekdayOf(date)]}`;
}

export const unitTypeLabels: Record<UnitType, string> = {
  agency: '行政机关',
  institution: '事业单位',
  enterprise: '受委托企业',
  other: '其他',
};

export const unitTypeColors: Record<UnitType, string> = {
  agency: 'blue',
  institution: 'cyan',
  enterprise: 'gold',
  other: 'default',
};

export const divisionLevelLabels: Record<DivisionLevel, string> = {
  province: '省级',
  city: '地级',
  county: '县级',
  township: '乡级',
  village: '村级',
};

export const divisionChangeLabels: Record<DivisionChange['change'], string> = {
  added: '新增',
  renamed: '更名',
  retired: '撤销',
  restored: '恢复',
};

export const engineLabels: Record<string, string> = {
  sqlite: 'SQLite（嵌入式）',
  postgres: 'PostgreSQL',
};

/** Characters allowed in a 统一社会信用代码 (GB 32100: digits and capitals without I O Z S V). */
const CREDIT_CODE_RE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

/**
 * A quick client-side check of a credit code's form (18 characters of the right alphabet).
 * The server checks the check digit and is authoritative.
 */
export function creditCodeFormatError(value: string): string | null {
  if (value.length !== 18) return `统一社会信用代码应为 18 位，当前为 ${value.length} 位`;
  if (!CREDIT_CODE_RE.test(value))
    return '统一社会信用代码只能包含数字和大写字母（不含 I、O、Z、S、V）';
  return null;
}
