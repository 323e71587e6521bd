export { createWorkingCalendar } from './working-calendar.ts';
export type { CalendarOverride, DayInfo, DayKind, WorkingCalendar } from './working-calendar.ts';
export { isoOfEpochDay, shanghaiEpochDay, toEpochDay, weekdayOfEpochDay } from './dates.ts';
export type { DateInput } from './dates.ts';
