/**
 * Working-day calendar (工作日历) of mainland China for deadlines: weekends and public holidays
 * are off, adjusted weekend days (调休上班) are worked. Built-in data comes from the State
 * Council notices; overrides (from the database) add a new year's notice or correct a day.
 */
import { BUILTIN } from './builtin.ts';
import type { BuiltinDay } from './builtin.ts';
import { isoOfEpochDay, toEpochDay, weekdayOfEpochDay } from './dates.ts';
import type { DateInput } from './dates.ts';

/** A day set by a notice the built-in data does not have yet, or a correction. */
export interface CalendarOverride {
  /** 'YYYY-MM-DD' (Shanghai date). */
  date: string;
  /** 'holiday' = day off (放假), 'workday' = day worked (上班, e.g. an adjusted Sunday). */
  kind: 'holiday' | 'workday';
  /** Festival or reason, e.g. 春节. */
  name: string;
}

/** How a day counts: a plain weekday, a plain weekend day, a holiday, or a weekend day worked. */
export type DayKind = 'workday' | 'weekend' | 'holiday' | 'adjusted_workday';

export interface DayInfo {
  date: string;
  working: boolean;
  kind: DayKind;
  /** Festival name for holidays and adjusted working days (and any overridden day). */
  name?: string;
}

export interface WorkingCalendar {
  /** Whether staff work on that date. */
  isWorkingDay(date: DateInput): boolean;
  /**
   * The date on which n working days have passed, counting from the day after `start`:
   * the n-th working day strictly after `start` (so the day a request is filed never counts,
   * whether or not it is a working day). n = 0 returns `start`; a negative n counts back to
   * the |n|-th working day strictly before `start`.
   */
  addWorkingDays(start: DateInput, n: number): string;
  /**
   * Number of working days in (a, b] — after a, up to and including b. Negative when b is
   * before a (minus the count in (b, a]). Inverse of addWorkingDays:
   * workingDaysBetween(d, addWorkingDays(d, n)) === n.
   */
  workingDaysBetween(a: DateInput, b: DateInput): number;
  /** The first working day strictly after `date` (= addWorkingDays(date, 1)). */
  nextWorkingDay(date: DateInput): string;
  /** How the day counts and why. */
  dayInfo(date: DateInput): DayInfo;
  /**
   * Years whose holiday arrangements are known (built-in data plus years named by overrides).
   * For any other year only weekends are off: callers should warn "缺少某年节假日安排".
   */
  coverage(): number[];
  /** Years between the two dates (inclusive) that coverage() lacks. */
  missingYears(from: DateInput, to: DateInput): number[];
}

// A deadline is weeks or months away; a count this large means a unit mistake upstream.
const MAX_STEPS = 100_000;

/**
 * Creates a calendar from the built-in notices plus `overrides`, which win over built-in
 * data for their dates (a later override for the same date wins over an earlier one).
 * Dates are Shanghai calendar dates: a Date is converted to its date in UTC+8.
 * Throws RangeError for an override with a malformed date or kind.
 * @example
 * const cal = createWorkingCalendar();
 * cal.addWorkingDays('2026-09-18', 3) // '2026-09-22' (Sun 09-20 is an adjusted working day)
 * cal.workingDaysBetween('2026-09-18', '2026-09-22') // 3
 */
export function createWorkingCalendar(
  overrides: readonly CalendarOverride[] = [],
): WorkingCalendar {
  const own = new Map<number, BuiltinDay>();
  const overrideYears = new Set<number>();
  for (const o of overrides) {
    if (o.kind !== 'holiday' && o.kind !== 'workday') {
      throw new RangeError(`calendar override ${o.date}: kind must be holiday or workday`);
    }
    const day = toEpochDay(o.date);
    own.set(day, {
      kind: o.kind,
      name: o.name.trim() || (o.kind === 'holiday' ? '节假日' : '调休上班'),
    });
    overrideYears.add(Number(o.date.slice(0, 4)));
  }
  const years = [...new Set([...BUILTIN.years, ...overrideYears])].sort((a, b) => a - b);
  const covered = new Set(years);

  function info(day: number): DayInfo {
    const date = isoOfEpochDay(day);
    const entry = own.get(day) ?? BUILTIN.days.get(day);
    const wd = weekdayOfEpochDay(day);
    const weekend = wd === 0 || wd === 6;
    if (entry?.kind === 'holiday')
      return { date, working: false, kind: 'holiday', name: entry.name };
    if (entry?.kind === 'workday') {
      return {
        date,
        working: true,
        kind: weekend ? 'adjusted_workday' : 'workday',
        name: entry.name,
      };
    }
    return weekend
      ? { date, working: false, kind: 'weekend' }
      : { date, working: true, kind: 'workday' };
  }

  // Hot path of the day-by-day loops: no object is built per day.
  function working(day: number): boolean {
    const entry = own.get(day) ?? BUILTIN.days.get(day);
    if (entry) return entry.kind === 'workday';
    const wd = weekdayOfEpochDay(day);
    return wd !== 0 && wd !== 6;
  }

  function add(start: number, n: number): number {
    if (!Number.isInteger(n) || Math.abs(n) > MAX_STEPS) {
      throw new RangeError(`working-day count must be an integer within ±${MAX_STEPS}: ${n}`);
    }
    const step = n < 0 ? -1 : 1;
    let day = start;
    for (let left = Math.abs(n); left > 0;) {
      day += step;
      if (working(day)) left--;
    }
    return day;
  }

  function between(a: number, b: number): number {
    if (Math.abs(b - a) > MAX_STEPS * 2) throw new RangeError('date range too long');
    if (b < a) return -between(b, a);
    let count = 0;
    for (let day = a + 1; day <= b; day++) if (working(day)) count++;
    return count;
  }

  return {
    isWorkingDay: (date) => working(toEpochDay(date)),
    addWorkingDays: (start, n) => isoOfEpochDay(add(toEpochDay(start), n)),
    workingDaysBetween: (a, b) => between(toEpochDay(a), toEpochDay(b)),
    nextWorkingDay: (date) => isoOfEpochDay(add(toEpochDay(date), 1)),
    dayInfo: (date) => info(toEpochDay(date)),
    coverage: () => years.slice(),
    missingYears(from, to) {
      const [a, b] = [isoOfEpochDay(toEpochDay(from)), isoOfEpochDay(toEpochDay(to))].sort();
      const missing: number[] = [];
      for (let y = Number(a!.slice(0, 4)); y <= Number(b!.slice(0, 4)); y++) {
        if (!covered.has(y)) missing.push(y);
      }
      return missing;
    },
  };
}
