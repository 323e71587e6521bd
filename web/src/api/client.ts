// A small fetch wrapper for the mzhub API: JSON in and out, the session cookie on the same
// origin, the CSRF token on every state-changing request, and RFC 9457 problem+json errors
// turned into ApiError (whose Chinese `detail` is what the user sees).

export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: FieldError[];
  requestId?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly type: string;
  readonly errors: FieldError[];
  readonly requestId: string | undefined;

  constructor(status: number, problem: Problem) {
    const title = problem.title ?? defaultTitle(status);
    const detail = problem.detail ?? title;
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem.code ?? (status === 0 ? 'network.unreachable' : `http.${status}`);
    this.title = title;
    this.detail = detail;
    this.type = problem.type ?? 'about:blank';
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    this.requestId = problem.requestId;
  }

  /** The text to show the user: the server's Chinese detail, else its title. */
  get userMessage(): string {
    return this.detail || this.title;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** The message to show for any error thrown by an API call or by code around it. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.userMessage;
  if (e instanceof Error && e.message) return e.message;
  return '操作失败，请稍后重试';
}

function defaultTitle(status: number): string {
  if (status === 0) return '无法连接服务器，请检查网络后重试';
  if (status === 400) return '请求内容有误';
  if (status === 401) return '身份验证未通过';
  if (status === 403) return '没有权限';
  if (status === 404) return '未找到';
  if (status === 409) return '与现有数据冲突';
  if (status === 413) return '内容过大';
  if (status === 423) return '已锁定';
  if (status === 429) return '请求过于频繁，请稍后再试';
  if (status >= 500) return '服务器暂时无法处理请求，请稍后重试';
  return `请求失败（${status}）`;
}

// ---- session state shared with the auth provider -------------------------------------

let csrfToken: string | null = null;

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What the auth provider does when an answer says the session changed state. */
export interface SessionHandlers {
  /** 401 `auth.required`: the session ended (idle timeout, logout elsewhere) or never existed. */
  unauthorized?: (e: ApiError) => void;
  /**
   * 423 `auth.session_locked`: the screen was locked (here or in another tab). `stale` when
   * the request was sent before the session last changed (an unlock): the answer describes
   * the session as it was then.
   */
  locked?: (e: ApiError, method: Method, stale: boolean) => void;
  /** 403 `auth.password_change_required` / `auth.second_factor_setup_required`. */
  restricted?: (restriction: 'password_change' | 'second_factor_setup', e: ApiError) => void;
}

let handlers: SessionHandlers = {};

/** Counts changes of the session (sign-in, unlock, sign-out); each request notes the count. */
let epoch = 0;

/**
 * Marks a change of the session's state: answers to requests sent before it (a 423 from
 * before the unlock, a 401 of the previous session) no longer describe the session.
 */
export function sessionChanged(): void {
  epoch += 1;
}

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function setSessionHandlers(h: SessionHandlers): void {
  handlers = h;
}

// ---- requests -------------------------------------------------------------------------

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Sent as is (a file upload) instead of a JSON `body`, with `contentType`. */
  rawBody?: Blob;
  contentType?: string;
  signal?: AbortSignal;
  /** Set false where a 401 is an expected answer (login, the first /me). */
  redirectOnUnauthorized?: boolean;
}

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function send(method: Method, path: string, opts: RequestOptions, accept: string) {
  const headers: Record<string, string> = { accept };
  if (opts.rawBody !== undefined)
    headers['content-type'] = opts.contentType ?? 'application/octet-stream';
  else if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  try {
    return await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body:
        opts.rawBody !== undefined
          ? opts.rawBody
          : opts.body === undefined
            ? null
            : JSON.stringify(opts.body),
      signal: opts.signal ?? null,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, {});
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The error for a failed answer, after telling the auth provider about session changes. */
function failure(
  status: number,
  data: unknown,
  opts: RequestOptions,
  method: Method,
  sentIn: number,
): ApiError {
  const problem: Problem = isObject(data) ? data : {};
  const err = new ApiError(status, problem);
  const stale = sentIn !== epoch;
  if (status === 423 && err.code === 'auth.session_locked') {
    handlers.locked?.(err, method, stale);
  } else if (stale) {
    // About a session that has changed since: nothing to tell the provider.
  } else if (
    status === 401 &&
    err.code === 'auth.required' &&
    opts.redirectOnUnauthorized !== false
  ) {
    handlers.unauthorized?.(err);
  } else if (status === 403 && err.code === 'auth.password_change_required') {
    handlers.restricted?.('password_change', err);
  } else if (status === 403 && err.code === 'auth.second_factor_setup_required') {
    handlers.restricted?.('second_factor_setup', err);
  }
  return err;
}

export async function request<T>(
  method: Method,
  path: string,
  opts: RequestOptions = {},
): Promise<T> {
  const sentIn = epoch;
  const res = await send(method, path, opts, 'application/json, application/problem+json');
  if (res.status === 204) return undefined as T;
  const data = parseJson(await res.text());
  if (!res.ok) throw failure(res.status, data, opts, method, sentIn);
  return data as T;
}

/** The file name of a `content-disposition` header (RFC 6266 / 5987), if any. */
export function fileNameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(disposition);
  return plain?.[1]?.trim() ?? null;
}

/** Hands a blob to the browser as a download named `name`. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/**
 * Downloads an export (CSV, XLSX…) with the session cookie; a problem answer is thrown as
 * ApiError like any other call. Returns the file name used.
 */
export async function downloadFile(path: string, query: Query, fallbackName: string) {
  const sentIn = epoch;
  const res = await send('GET', path, { query }, '*/*');
  if (!res.ok) throw failure(res.status, parseJson(await res.text()), {}, 'GET', sentIn);
  const name = fileNameOf(res.headers.get('content-disposition')) ?? fallbackName;
  saveBlob(await res.blob(), name);
  return name;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const api = {
  get: <T>(path: string, query?: Query, opts: Omit<RequestOptions, 'query' | 'body'> = {}) =>
    request<T>('GET', path, { ...opts, query }),
  post: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('POST', path, { ...opts, body }),
  put: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('PUT', path, { ...opts, body }),
  patch: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('PATCH', path, { ...opts, body }),
  delete: <T>(path: string, opts: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('DELETE', path, opts),
  /** POSTs a file's bytes as the request body (`application/octet-stream` by default). */
  upload: <T>(path: string, file: Blob, query?: Query, contentType?: string) =>
    request<T>('POST', path, {
      rawBody: file,
      query,
      ...(contentType ? { contentType } : {}),
    }),
};

// ---- form helpers -----------------------------------------------------------------------

/**
 * The field name an error path refers to: `creditCode`, `/creditCode`, `body.creditCode`,
 * `body/creditCode` all name the form field `creditCode`; nested paths give an array name.
 */
export function fieldNameOf(path: string): (string | number)[] {
  const parts = path
    .replace(/^#?\/?/, '')
    .split(/[./]/)
    .filter((p) => p !== '');
  if (parts[0] === 'body') parts.shift();
  return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** The part of an antd FormInstance used here. */
interface FieldSetter<F extends string> {
  setFields(fields: { name: F; errors: string[] }[]): void;
}

/**
 * Shows an API error on a form: field errors under the fields the form has, the rest (or the
 * detail, when no field matched) through `notify`. Returns true when at least one field matched.
 */
export function applyFormErrors<F extends string>(
  form: FieldSetter<NoInfer<F>>,
  e: unknown,
  fieldNames: readonly F[],
  notify: (text: string) => void,
): boolean {
  if (!(e instanceof ApiError) || e.errors.length === 0) {
    notify(errorMessage(e));
    return false;
  }
  const byField = new Map<F, string[]>();
  const unmatched: string[] = [];
  for (const fe of e.errors) {
    const top = fieldNameOf(fe.path)[0];
    const field = fieldNames.find((f) => f === top);
    if (field !== undefined) byField.set(field, [...(byField.get(field) ?? []), fe.message]);
    else unmatched.push(fe.message);
  }
  if (byField.size > 0) form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  if (byField.size === 0) notify(e.userMessage);
  else if (unmatched.length > 0) notify(unmatched.join('；'));
  return byField.size > 0;
}
