/**
 * Calendar dates as whole days, in Asia/Shanghai (UTC+8, no daylight saving since 1991).
 * Working with an integer "epoch day" (days since 1970-01-01) keeps date arithmetic free of
 * time zones and of the server's TZ setting.
 */

/** A calendar date: 'YYYY-MM-DD' or a Date (taken as the Shanghai date of that instant). */
export type DateInput = Date | string;

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Whether y-m-d is a real Gregorian date (month 1–12, day within the month).
 * @example isRealDate(2024, 2, 29) // true
 * @example isRealDate(2025, 2, 29) // false
 */
export function isRealDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= daysInMonth(y, m);
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * Epoch day of a proleptic Gregorian date (H. Hinnant's days_from_civil).
 * @example epochDayOf(1970, 1, 1) // 0
 */
export function epochDayOf(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/**
 * 'YYYY-MM-DD' of an epoch day (inverse of epochDayOf).
 * @example isoOfEpochDay(20_454) // '2026-01-01'
 */
export function isoOfEpochDay(day: number): string {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/**
 * Epoch day of the Shanghai calendar date at a given instant (ms since the epoch).
 * @example shanghaiEpochDay(Date.parse('2025-12-31T16:00:00Z')) // epoch day of 2026-01-01
 */
export function shanghaiEpochDay(ms: number): number {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/**
 * Epoch day of a date input; throws RangeError for a malformed string or an invalid Date,
 * since a wrong date in a deadline computation must not pass silently.
 * @example toEpochDay('2026-02-15') === toEpochDay(new Date('2026-02-14T16:00:00Z')) // true
 */
export function toEpochDay(input: DateInput): number {
  if (input instanceof Date) {
    const ms = input.getTime();
    if (Number.isNaN(ms)) throw new RangeError('Invalid Date');
    return shanghaiEpochDay(ms);
  }
  const m = ISO_DATE.exec(input);
  const y = m ? Number(m[1]) : 0;
  const mo = m ? Number(m[2]) : 0;
  const d = m ? Number(m[3]) : 0;
  if (!m || !isRealDate(y, mo, d)) throw new RangeError(`not a YYYY-MM-DD date: ${input}`);
  return epochDayOf(y, mo, d);
}

/**
 * Day of the week of an epoch day, 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday).
 * @example weekdayOfEpochDay(0) // 4
 */
export function weekdayOfEpochDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}
