/**
 * The closed set of error kinds every module throws, and their RFC 9457 problem+json form.
 * A module throws `new AppError('invalid', 'unit.credit_code_invalid', '统一社会信用代码校验码错误')`;
 * the HTTP layer maps the kind to a status. Internal details never reach the client.
 */

export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'deadline_passed'
  | 'locked'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

const statusOf: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  deadline_passed: 409,
  locked: 423,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

const titleOf: Record<ErrorKind, string> = {
  invalid: '请求内容有误',
  unauthenticated: '身份验证未通过',
  forbidden: '没有权限',
  not_found: '未找到',
  conflict: '与现有数据冲突',
  deadline_passed: '已超过办理期限',
  locked: '已被锁定',
  rate_limited: '请求过于频繁',
  unavailable: '服务暂不可用',
  internal: '服务器内部错误',
};

/** One problem with one field of the request, e.g. `{ path: 'creditCode', message: '…' }`. */
export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  /** Stable machine-readable code, e.g. `unit.credit_code_invalid`. */
  readonly code: string;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    kind: ErrorKind,
    code: string,
    detail: string,
    extra: { errors?: FieldError[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(detail, { cause: extra.cause });
    this.name = 'AppError';
    this.kind = kind;
    this.code = code;
    this.errors = extra.errors;
    this.headers = extra.headers;
  }

  get status(): number {
    return statusOf[this.kind];
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

/** The problem+json body for an AppError. */
export function toProblem(error: AppError, instance?: string, requestId?: string): Problem {
  return {
    type: `urn:mzhub:problem:${error.code}`,
    title: titleOf[error.kind],
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
  };
}

/** Shorthands for the common cases. */
export const invalid = (code: string, detail: string, errors?: FieldError[]) =>
  new AppError('invalid', code, detail, errors ? { errors } : {});
export const notFound = (code: string, detail: string) => new AppError('not_found', code, detail);
export const forbidden = (code: string, detail: string) => new AppError('forbidden', code, detail);
export const conflict = (code: string, detail: string) => new AppError('conflict', code, detail);
