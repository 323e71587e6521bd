/** API shapes of the working-day calendar (工作日历). */
import { z } from 'zod';

const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine(
    (v) =>
      !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
      new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
    '日期不存在',
  );

export const CalendarQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100) });

export const CalendarDay = z.object({
  date: z.string(),
  kind: z.enum(['holiday', 'adjusted_workday']),
  name: z.string(),
  source: z.enum(['builtin', 'override']),
});

export const CalendarYear = z.object({
  year: z.number(),
  covered: z.boolean(),
  days: z.array(CalendarDay),
});
export type CalendarYear = z.infer<typeof CalendarYear>;

export const CalendarOverrideCreate = z.object({
  date: IsoDate,
  kind: z.enum(['holiday', 'workday'], { error: '类型应为 holiday（放假）或 workday（调休上班）' }),
  name: z.string().trim().min(1, '请填写节日名称').max(50),
  notice: z.string().trim().max(200).optional(),
});
export type CalendarOverrideCreate = z.infer<typeof CalendarOverrideCreate>;

export const CalendarOverride = CalendarOverrideCreate.extend({
  notice: z.string().nullable(),
  createdAt: z.string(),
});

export const AddWorkingDaysQuery = z.object({
  from: IsoDate,
  days: z.coerce.number().int().min(0).max(3650),
});
export const AddWorkingDaysResult = z.object({
  from: z.string(),
  days: z.number(),
  due: z.string(),
});
export const DateParam = z.object({ date: IsoDate });
