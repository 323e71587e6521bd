/**
 * Built-in holiday arrangements (节假日安排) from the `chinese-days` package's data: public
 * holidays (放假) and adjusted working days (调休上班) of each State Council notice, 2004 onward.
 * Only the data file is used: the package's own API parses dates in the server's local time
 * zone and cannot merge our database overrides.
 */
import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { toEpochDay } from './dates.ts';

export interface BuiltinDay {
  kind: 'holiday' | 'workday';
  /** Festival name in Chinese, e.g. 春节, 国庆节. */
  name: string;
}

// chinese-days stores "English,中文,days" and shortens a few names; use the notices' names.
const OFFICIAL_NAMES: Readonly<Record<string, string>> = {
  清明: '清明节',
  端午: '端午节',
  中秋: '中秋节',
};

function festival(value: string): string {
  const zh = value.split(',')[1]?.trim() ?? '';
  return OFFICIAL_NAMES[zh] ?? (zh || '节假日');
}

function build(): { days: ReadonlyMap<number, BuiltinDay>; years: readonly number[] } {
  const days = new Map<number, BuiltinDay>();
  const years = new Set<number>();
  const holidays = data.holidays as Readonly<Record<string, string>>;
  const workdays = data.workdays as Readonly<Record<string, string>>;
  for (const [date, value] of Object.entries(holidays)) {
    days.set(toEpochDay(date), { kind: 'holiday', name: festival(value) });
    years.add(Number(date.slice(0, 4)));
  }
  for (const [date, value] of Object.entries(workdays)) {
    days.set(toEpochDay(date), { kind: 'workday', name: festival(value) });
  }
  return { days, years: [...years].sort((a, b) => a - b) };
}

/** Built-in days keyed by epoch day, and the years the data covers. */
export const BUILTIN = build();
