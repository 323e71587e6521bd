/**
 * The security policy (安全策略) the security administrator sets: password rules, lockout,
 * session limits and which roles must use a second factor. One row in the database; the
 * defaults below apply until it is first saved.
 */
import { z } from 'zod';
import { allRoles, type Role } from './permissions.ts';

export const SecurityPolicy = z.object({
  passwordMinLength: z.number().int().min(8, '密码最短长度不得少于 8 位').max(64),
  passwordMaxAgeDays: z.number().int().min(1).max(90, '密码有效期不得超过 90 天（3 个月）'),
  passwordHistorySize: z.number().int().min(5, '至少记住最近 5 次密码').max(24),
  lockoutThreshold: z.number().int().min(3).max(10, '连续失败次数上限应为 3–10 次'),
  lockoutMinutes: z.number().int().min(5).max(1440),
  sessionIdleMinutes: z.number().int().min(1).max(120, '会话空闲超时不得超过 120 分钟'),
  dormantDays: z.number().int().min(30).max(365),
  secondFactorRoles: z.array(z.enum(allRoles as [Role, ...Role[]])),
});
export type SecurityPolicy = z.infer<typeof SecurityPolicy>;

export const defaultSecurityPolicy: SecurityPolicy = {
  passwordMinLength: 8,
  passwordMaxAgeDays: 90,
  passwordHistorySize: 5,
  lockoutThreshold: 5,
  lockoutMinutes: 30,
  sessionIdleMinutes: 30,
  dormantDays: 90,
  // The three administrators sign in with a second factor by default (the documents' USB-KEY).
  secondFactorRoles: ['account_admin', 'security_admin', 'auditor'],
};
