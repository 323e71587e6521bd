/** API shapes of the identity module; each schema and its type share one name. */
import { z } from 'zod';
import { allRoles, type Role } from './permissions.ts';
import { SecurityPolicy } from './policy.ts';

export const LoginRequest = z.object({
  username: z.string().trim().min(1, '请输入用户名').max(64),
  password: z.string().min(1, '请输入密码').max(256),
  totp: z.string().trim().max(10).optional(),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const SessionUser = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  kind: z.enum(['platform', 'unit_admin', 'business']),
  roles: z.array(z.string()),
  permissions: z.array(z.string()),
  mustChangePassword: z.boolean(),
  secondFactorEnabled: z.boolean(),
});

export const SessionResponse = z.object({
  user: SessionUser,
  csrfToken: z.string().nullable(),
  /** What the session must do before anything else: change the password, enrol a second factor. */
  restriction: z.enum(['password_change', 'second_factor_setup']).nullable(),
  locked: z.boolean(),
});
export type SessionResponse = z.infer<typeof SessionResponse>;

export const PasswordChangeRequest = z.object({
  currentPassword: z.string().min(1, '请输入当前密码').max(256),
  newPassword: z.string().max(256),
});

export const TotpSetupResponse = z.object({ secret: z.string(), otpauthUrl: z.string() });
export const TotpConfirmRequest = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, '动态口令为 6 位数字'),
});
export const UnlockRequest = z.object({ password: z.string().min(1, '请输入密码').max(256) });

export const ApiTokenCreate = z.object({
  name: z.string().trim().min(1, '请填写令牌用途').max(100),
  days: z.number().int().min(1).max(365).default(90),
});
export const ApiToken = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export const ApiTokenCreated = ApiToken.pick({
  id: true,
  name: true,
  createdAt: true,
  expiresAt: true,
}).extend({
  token: z.string(),
});

const RoleName = z.enum(allRoles as [Role, ...Role[]], { error: '未知的角色' });

export const Account = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  office: z.string().nullable(),
  kind: z.enum(['platform', 'unit_admin', 'business']),
  roles: z.array(z.string()),
  status: z.enum(['active', 'disabled']),
  citizenIdMasked: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  secondFactorEnabled: z.boolean(),
  lastLoginAt: z.string().nullable(),
  passwordChangedAt: z.string().nullable(),
  disabledAt: z.string().nullable(),
  disabledReason: z.string().nullable(),
  lockedUntil: z.string().nullable(),
  createdAt: z.string(),
});

export const AccountCreate = z.object({
  username: z
    .string()
    .trim()
    .regex(
      /^[a-z][a-z0-9_.-]{2,31}$/,
      '用户名为 3–32 位小写字母、数字、下划线、点或连字符，以字母开头',
    ),
  displayName: z.string().trim().min(2, '请填写真实姓名').max(30),
  citizenId: z.string().trim().min(1, '请填写公民身份号码').max(18),
  phone: z.string().trim().min(1, '请填写联系电话').max(20),
  unitId: z.string().min(1, '请选择单位'),
  office: z.string().trim().max(50).nullable().optional(),
  roles: z.array(RoleName).min(1, '至少分配一个角色'),
});

export const AccountPatch = z.object({
  displayName: z.string().trim().min(2).max(30).optional(),
  office: z.string().trim().max(50).nullable().optional(),
  roles: z.array(RoleName).optional(),
});

export const AccountCreated = z.object({ account: Account, initialPassword: z.string() });
export const AccountStatusChange = z.object({
  reason: z.string().trim().min(2, '请填写原因').max(200),
});
export const ResetPasswordResult = z.object({ initialPassword: z.string() });

export const HandoverRequest = z.object({
  kind: z.enum(['post_change', 'departure'], {
    error: '交接类型应为 post_change（岗位变动）或 departure（离岗）',
  }),
  handedToUserId: z.string().nullable().optional(),
  items: z.string().trim().min(2, '请填写交接内容（资料、设备、账号权限等）').max(2000),
  witnessId: z.string().min(1, '请选择见证的安全审计员'),
  note: z.string().max(500).optional(),
});
export const Handover = z.object({
  id: z.string(),
  kind: z.enum(['post_change', 'departure']),
  items: z.string(),
  note: z.string().nullable(),
  recordedAt: z.string(),
  handedTo: z.string().nullable(),
  witness: z.string(),
  recordedBy: z.string(),
});

export const AccountListQuery = z.object({
  q: z.string().trim().max(50).optional(),
  status: z.enum(['active', 'disabled']).optional(),
  unitId: z.string().max(64).optional(),
});

export const AccountReview = z.object({
  period: z.string(),
  generatedAt: z.string(),
  dormantDays: z.number(),
  total: z.number(),
  toRemove: z.number(),
  items: z.array(Account.extend({ removalReasons: z.array(z.string()) })),
});
export const AccountReviewQuery = z.object({ unitId: z.string().max(64).optional() });

export const Witness = z.object({ id: z.string(), displayName: z.string(), unitName: z.string() });

export { SecurityPolicy };
export const RoleInfo = z.object({
  role: z.string(),
  name: z.string(),
  kind: z.string(),
  permissions: z.array(z.string()),
});
