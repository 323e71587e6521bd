// Display helpers. All dates and times are shown in Asia/Shanghai whatever the browser's zone.
import type {
  AccountKind,
  AuditResult,
  BatchStatus,
  DivisionChange,
  DivisionLevel,
  HandoverKind,
  UnitType,
} from '../api/types';

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

/** `2026-01-05` for an ISO 8601 timestamp, in Beijing time. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : shanghaiDate(d);
}

export const accountKindLabels: Record<AccountKind, string> = {
  platform: '平台管理账号',
  unit_admin: '单位管理员',
  business: '业务账号',
};

export const accountStatusLabels = { active: '启用', disabled: '停用' } as const;

export const handoverKindLabels: Record<HandoverKind, string> = {
  post_change: '岗位变动',
  departure: '离岗',
};

export const auditResultLabels: Record<AuditResult, string> = {
  success: '成功',
  failure: '失败',
  denied: '拒绝',
};

export const auditResultColors: Record<AuditResult, string> = {
  success: 'success',
  failure: 'error',
  denied: 'warning',
};

/** Chinese names of the audited actions (the server records codes). */
export const auditActionLabels: Record<string, string> = {
  'auth.login': '登录',
  'auth.logout': '退出登录',
  'auth.password_change': '修改密码',
  'auth.second_factor_enrol': '绑定动态口令',
  'auth.unlock': '解锁屏幕',
  'auth.api_token_create': '创建 API 令牌',
  'auth.api_token_revoke': '吊销 API 令牌',
  'access.denied': '越权访问被拒绝',
  'account.bootstrap': '初始化管理员账号',
  'account.create': '新建账号',
  'account.update': '修改账号',
  'account.reset_password': '重置密码',
  'account.disable': '停用账号',
  'account.enable': '启用账号',
  'account.unlock': '解除登录锁定',
  'account.handover': '工作交接',
  'policy.update': '修改安全策略',
  'unit.create': '新建单位',
  'unit.update': '修改单位',
  'division.import': '导入行政区划',
  'calendar.override_add': '录入节假日调整',
  'calendar.override_remove': '删除节假日调整',
  'batch.submit': '提交批量修改',
  'batch.apply': '执行批量修改',
  'batch.reject': '退回批量修改',
  'audit.export': '导出审计日志',
  'audit.archive': '归档审计日志',
};

/** Action families: a value ending in “.” matches every action that starts with it. */
export const auditActionGroups: { value: string; label: string }[] = [
  { value: 'auth.', label: '登录与认证（全部）' },
  { value: 'account.', label: '账号管理（全部）' },
  { value: 'unit.', label: '单位维护（全部）' },
  { value: 'batch.', label: '批量修改（全部）' },
  { value: 'audit.', label: '审计日志管理（全部）' },
];

export function auditActionLabel(action: string): string {
  return auditActionLabels[action] ?? action;
}

export const targetTypeLabels: Record<string, string> = {
  account: '账号',
  api_token: 'API 令牌',
  unit: '单位',
  units: '单位',
  division_import: '区划导入',
  calendar_day: '工作日历',
  batch_change: '批量修改申请',
  security_policy: '安全策略',
  audit_archive: '审计归档',
  resource: '数据资源',
};

export const historyMethodLabels: Record<string, string> = {
  form: '表单',
  import: '导入',
  batch: '批量',
  api: '接口',
  system: '系统',
};

/** Labels of a unit's stored columns, as the history reports them. */
export const unitFieldLabels: Record<string, string> = {
  id: '编号',
  name: '单位名称',
  credit_code: '统一社会信用代码',
  division_code: '所属行政区划',
  parent_unit_id: '上级单位',
  type: '单位类型',
  status: '状态',
  created_at: '创建时间',
  updated_at: '更新时间',
  version: '版本',
};

export const unitStatusLabels = { active: '启用', inactive: '停用' } as const;

export const batchStatusLabels: Record<BatchStatus, string> = {
  submitted: '待审批',
  applied: '已执行',
  rejected: '已退回',
  failed: '未执行',
};

export const batchStatusColors: Record<BatchStatus, string> = {
  submitted: 'processing',
  applied: 'success',
  rejected: 'default',
  failed: 'error',
};

const CITIZEN_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CITIZEN_CHECK = '10X98765432';

/**
 * A quick client-side check of a 公民身份号码 (GB 11643): 18 characters and the check
 * character. The server checks the division and birth date too and is authoritative.
 */
export function citizenIdFormatError(value: string): string | null {
  if (!/^\d{17}[\dX]$/.test(value)) return '公民身份号码应为 18 位，前 17 位为数字，末位为数字或 X';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(value[i]) * CITIZEN_WEIGHTS[i]!;
  if (CITIZEN_CHECK[sum % 11] !== value[17]) return '公民身份号码校验位不正确，请核对';
  return null;
}
