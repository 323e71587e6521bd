/** HTTP routes of the working-day calendar. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../server/app.ts';
import { auditContext } from '../../server/plugins/access.ts';
import {
  AddWorkingDaysQuery,
  AddWorkingDaysResult,
  CalendarOverride,
  CalendarOverrideCreate,
  CalendarQuery,
  CalendarYear,
  DateParam,
} from './schemas.ts';

export function registerCalendarRoutes(app: FastifyInstance, { calendar }: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['工作日历'];

  r.get(
    '/calendar',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: '某年的节假日与调休上班日',
        querystring: CalendarQuery,
        response: { 200: CalendarYear },
      },
    },
    async (request) => calendar.year(request.query.year),
  );

  r.get(
    '/calendar/add-working-days',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: '计算 N 个工作日后的日期（从次日起算）',
        querystring: AddWorkingDaysQuery,
        response: { 200: AddWorkingDaysResult },
      },
    },
    async (request) => calendar.addWorkingDays(request.query.from, request.query.days),
  );

  r.post(
    '/calendar/overrides',
    {
      config: { access: 'calendar.manage' },
      schema: {
        tags,
        summary: '录入节假日调整（国务院办公厅通知）',
        body: CalendarOverrideCreate,
        response: { 201: CalendarOverride },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await calendar.addOverride(request.body, auditContext(request))),
  );

  r.delete(
    '/calendar/overrides/:date',
    {
      config: { access: 'calendar.manage' },
      schema: {
        tags,
        summary: '删除一条节假日调整',
        params: DateParam,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await calendar.removeOverride(request.params.date, auditContext(request));
      return reply.status(204).send(null);
    },
  );
}
