// The signed-in user, the CSRF token and the session's state, loaded from GET /api/v1/auth/me
// when the console opens and replaced on login / logout / password change.
//
// The server tells the console about the session in two ways: in every session answer
// (`restriction`, `locked`) and in problem codes on any call — 401 `auth.required` (the
// session ended: back to the login page, remembering where the user was), 423
// `auth.session_locked` (the screen is locked: the lock overlay), 403
// `auth.password_change_required` / `auth.second_factor_setup_required` (a forced page).
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { useNavigate } from 'react-router';
import { ApiError, sessionChanged, setCsrfToken, setSessionHandlers } from '../api/client';
import { authApi } from '../api/endpoints';
import type { Restriction, Session, User } from '../api/types';

export type AuthStatus = 'loading' | 'anonymous' | 'authenticated' | 'error';

export interface AuthState {
  status: AuthStatus;
  user: User | null;
  /** What the user must do before anything else; null when nothing. */
  restriction: Restriction;
  /** The screen is locked (IAM-08). */
  locked: boolean;
  /**
   * Changes when the pages should load again: after an unlock, if data failed to load while
   * the screen was locked (a reload of a locked page, say).
   */
  generation: number;
  /** Why /me failed other than "not signed in" (server down, …). */
  loadError: ApiError | null;
  /** Signs in; a 401 `auth.second_factor_required` asks for `totp`. */
  login: (username: string, password: string, totp?: string) => Promise<Session>;
  logout: () => Promise<void>;
  /** Takes a session answer (password change, TOTP confirmation) as the current state. */
  applySession: (s: Session) => void;
  lock: () => Promise<void>;
  unlock: (password: string) => Promise<void>;
  reload: () => void;
  can: (permission: string) => boolean;
}

const AuthContext = createContext<AuthState | null>(null);

/** Pages a user is sent to, never sensible targets to come back to. */
const NOT_TARGETS = ['/login', '/password-change', '/totp-setup'];

/** Where to go back to after login: same-origin paths only, never the login page itself. */
export function safeRedirect(target: string | null | undefined): string {
  if (!target || !target.startsWith('/') || target.startsWith('//')) return '/';
  if (
    NOT_TARGETS.some(
      (p) => target === p || target.startsWith(`${p}?`) || target.startsWith(`${p}/`),
    )
  )
    return '/';
  return target;
}

function withRedirect(path: string, current: string): string {
  const back = safeRedirect(current);
  return back === '/' ? path : `${path}?redirect=${encodeURIComponent(back)}`;
}

export function loginPathFor(current: string): string {
  return withRedirect('/login', current);
}

/** The forced page for a restriction, remembering where the user was going. */
export function restrictionPathFor(
  restriction: 'password_change' | 'second_factor_setup',
  current: string,
) {
  return withRedirect(
    restriction === 'password_change' ? '/password-change' : '/totp-setup',
    current,
  );
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const [status, setStatus] = useState<AuthStatus>('loading');
  const [user, setUser] = useState<User | null>(null);
  const [restriction, setRestriction] = useState<Restriction>(null);
  const [locked, setLocked] = useState(false);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [generation, setGeneration] = useState(0);
  // Reads refused while locked: the pages that made them have nothing to show.
  const missedReads = useRef(0);

  const applySession = useCallback((s: Session) => {
    sessionChanged();
    setCsrfToken(s.csrfToken);
    setUser(s.user);
    setRestriction(s.restriction);
    setLocked(s.locked);
    setLoadError(null);
    setStatus('authenticated');
  }, []);

  const signOutLocally = useCallback(() => {
    sessionChanged();
    setCsrfToken(null);
    setUser(null);
    setRestriction(null);
    setLocked(false);
    setStatus('anonymous');
  }, []);

  useEffect(() => {
    let cancelled = false;
    authApi.me().then(
      (s) => {
        if (!cancelled) applySession(s);
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
  }, [attempt, applySession]);

  useEffect(() => {
    setSessionHandlers({
      unauthorized: () => {
        signOutLocally();
        const here = window.location.pathname + window.location.search;
        if (!window.location.pathname.startsWith('/login'))
          void navigate(loginPathFor(here), { replace: true });
      },
      locked: (_e, method, stale) => {
        if (stale) {
          // Sent while locked, answered after the unlock: the page missed its data.
          if (method === 'GET') setGeneration((g) => g + 1);
          return;
        }
        if (method === 'GET') missedReads.current += 1;
        setLocked(true);
      },
      restricted: (r) => setRestriction(r),
    });
    return () => setSessionHandlers({});
  }, [navigate, signOutLocally]);

  // Coming back to the tab: the session may have ended (idle timeout) or been locked in
  // another tab; ask the server rather than wait for the next click to fail.
  useEffect(() => {
    if (status !== 'authenticated') return;
    const onVisible = () => {
      if (document.visibilityState !== 'visible') return;
      authApi.me().then(applySession, (e: unknown) => {
        if (e instanceof ApiError && e.status === 401) {
          signOutLocally();
          const here = window.location.pathname + window.location.search;
          void navigate(loginPathFor(here), { replace: true });
        }
      });
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [status, applySession, signOutLocally, navigate]);

  const login = useCallback(
    async (username: string, password: string, totp?: string) => {
      const s = await authApi.login(username, password, totp);
      applySession(s);
      return s;
    },
    [applySession],
  );

  const logout = useCallback(async () => {
    try {
      await authApi.logout();
    } finally {
      signOutLocally();
    }
  }, [signOutLocally]);

  const lock = useCallback(async () => {
    await authApi.lock();
    setLocked(true);
  }, []);

  const unlock = useCallback(
    async (password: string) => {
      try {
        await authApi.unlock(password);
        sessionChanged();
      } catch (e) {
        // Too many wrong passwords: the server ended the session.
        if (e instanceof ApiError && e.code === 'auth.locked') signOutLocally();
        throw e;
      }
      setLocked(false);
      if (missedReads.current > 0) {
        missedReads.current = 0;
        setGeneration((g) => g + 1);
      }
    },
    [signOutLocally],
  );

  const value = useMemo<AuthState>(
    () => ({
      status,
      user,
      restriction,
      locked,
      generation,
      loadError,
      login,
      logout,
      applySession,
      lock,
      unlock,
      reload: () => {
        setStatus('loading');
        setAttempt((n) => n + 1);
      },
      can: (permission: string) =>
        !!user && (user.permissions.includes(permission) || user.permissions.includes('*')),
    }),
    [
      status,
      user,
      restriction,
      locked,
      generation,
      loadError,
      login,
      logout,
      applySession,
      lock,
      unlock,
    ],
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
