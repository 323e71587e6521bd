// One typed function per API call the console makes.
import { api } from './client';
import type {
  CalendarOverrideInput,
  CalendarYear,
  Division,
  DivisionDetail,
  DivisionStats,
  DueDate,
  Health,
  Page,
  Session,
  Unit,
  UnitInput,
  UnitPatch,
  UnitType,
} from './types';

export const authApi = {
  login: (username: string, password: string) =>
    api.post<Session>(
      '/api/v1/auth/login',
      { username, password },
      { redirectOnUnauthorized: false },
    ),
  logout: () => api.post<void>('/api/v1/auth/logout'),
  me: () => api.get<Session>('/api/v1/auth/me', undefined, { redirectOnUnauthorized: false }),
};

export const healthApi = {
  get: () => api.get<Health>('/api/health'),
};

export const divisionApi = {
  children: (parent?: string | null, includeRetired = false, signal?: AbortSignal) =>
    api.get<{ items: Division[] }>(
      '/api/v1/divisions',
      { parent: parent ?? undefined, includeRetired: includeRetired ? 'true' : 'false' },
      signal ? { signal } : {},
    ),
  get: (code: string, signal?: AbortSignal) =>
    api.get<DivisionDetail>(
      `/api/v1/divisions/${encodeURIComponent(code)}`,
      undefined,
      signal ? { signal } : {},
    ),
  stats: () => api.get<DivisionStats>('/api/v1/divisions/stats'),
};

export interface UnitQuery {
  q?: string;
  divisionCode?: string;
  type?: UnitType;
  cursor?: string | null;
  limit?: number;
}

export const unitApi = {
  list: (query: UnitQuery, signal?: AbortSignal) =>
    api.get<Page<Unit>>('/api/v1/units', { ...query }, signal ? { signal } : {}),
  get: (id: string) => api.get<Unit>(`/api/v1/units/${encodeURIComponent(id)}`),
  create: (input: UnitInput) => api.post<Unit>('/api/v1/units', input),
  update: (id: string, patch: UnitPatch) =>
    api.patch<Unit>(`/api/v1/units/${encodeURIComponent(id)}`, patch),
};

export const calendarApi = {
  year: (year: number) => api.get<CalendarYear>('/api/v1/calendar', { year }),
  addOverride: (input: CalendarOverrideInput) =>
    api.post<unknown>('/api/v1/calendar/overrides', input),
  addWorkingDays: (from: string, days: number) =>
    api.get<DueDate>('/api/v1/calendar/add-working-days', { from, days }),
};
