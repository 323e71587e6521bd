/** API shapes of the identity module; each schema and its type share one name. */
import { z } from 'zod';

export const LoginRequest = z.object({
  username: z.string().trim().min(1, '请输入用户名').max(64),
  password: z.string().min(1, '请输入密码').max(256),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const SessionUser = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  roles: z.array(z.string()),
  permissions: z.array(z.string()),
  mustChangePassword: z.boolean(),
});

export const SessionResponse = z.object({ user: SessionUser, csrfToken: z.string() });
export type SessionResponse = z.infer<typeof SessionResponse>;
