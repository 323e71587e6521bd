// The signed-in user and the CSRF token, loaded from GET /api/v1/auth/me when the console
// opens and replaced on login / logout. A 401 `auth.required` from any call sends the user
// back to the login page, remembering where they were.
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import { useNavigate } from 'react-router';
import { ApiError, setCsrfToken, setUnauthorizedHandler } from '../api/client';
import { authApi } from '../api/endpoints';
import type { User } from '../api/types';

export type AuthStatus = 'loading' | 'anonymous' | 'authenticated' | 'error';

export interface AuthState {
  status: AuthStatus;
  user: User | null;
  /** Why /me failed other than "not signed in" (server down, …). */
  loadError: ApiError | null;
  login: (username: string, password: string) => Promise<User>;
  logout: () => Promise<void>;
  reload: () => void;
  can: (permission: string) => boolean;
}

const AuthContext = createContext<AuthState | null>(null);

/** Where to go back to after login: same-origin paths only, never the login page itself. */
export function safeRedirect(target: string | null | undefined): string {
  if (!target || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/login'))
    return '/';
  return target;
}

export function loginPathFor(current: string): string {
  const back = safeRedirect(current);
  return back === '/' ? '/login' : `/login?redirect=${encodeURIComponent(back)}`;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const [status, setStatus] = useState<AuthStatus>('loading');
  const [user, setUser] = useState<User | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);

  const signOutLocally = useCallback(() => {
    setCsrfToken(null);
    setUser(null);
    setStatus('anonymous');
  }, []);

  useEffect(() => {
    let cancelled = false;
    authApi.me().then(
      (s) => {
        if (cancelled) return;
        setCsrfToken(s.csrfToken);
        setUser(s.user);
        setLoadError(null);
        setStatus('authenticated');
      },
      (e: unknown) => {
        if (cancelled) return;
        setCsrfToken(null);
        setUser(null);
        if (e instanceof ApiError && e.status === 401) {
          setLoadError(null);
          setStatus('anonymous');
        } else {
          setLoadError(e instanceof ApiError ? e : new ApiError(0, {}));
          setStatus('error');
        }
      },
    );
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      signOutLocally();
      const here = window.location.pathname + window.location.search;
      if (!window.location.pathname.startsWith('/login'))
        void navigate(loginPathFor(here), { replace: true });
    });
    return () => setUnauthorizedHandler(null);
  }, [navigate, signOutLocally]);

  const login = useCallback(async (username: string, password: string) => {
    const s = await authApi.login(username, password);
    setCsrfToken(s.csrfToken);
    setUser(s.user);
    setLoadError(null);
    setStatus('authenticated');
    return s.user;
  }, []);

  const logout = useCallback(async () => {
    try {
      await authApi.logout();
    } finally {
      signOutLocally();
    }
  }, [signOutLocally]);

  const value = useMemo<AuthState>(
    () => ({
      status,
      user,
      loadError,
      login,
      logout,
      reload: () => {
        setStatus('loading');
        setAttempt((n) => n + 1);
      },
      can: (permission: string) =>
        !!user && (user.permissions.includes(permission) || user.permissions.includes('*')),
    }),
    [status, user, loadError, login, logout],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>');
  return ctx;
}

/** The signed-in user; only for pages rendered inside <RequireAuth>. */
export function useUser(): User {
  const { user } = useAuth();
  if (!user) throw new Error('useUser outside an authenticated page');
  return user;
}
