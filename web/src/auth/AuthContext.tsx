import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, call, configureClient, isApiError, setCsrfToken } from '../api/client';
import type { MeResponse as Me, MfaChallengeResponse as MfaChallenge } from '../api/model';
import type { Right } from '../api/vocabulary';
import { type Locale, useI18n } from '../i18n/context';
import { installOffline, startOfflineSession, wipeOfflineData } from '../offline/session';

export interface Auth {
  /** null: not signed in. */
  me: Me | null;
  /** 'loading' until the first /auth/me answer; 'failed' when the server could not be asked. */
  status: 'loading' | 'ready' | 'failed';
  /** Signs in, or answers the challenge of the second step (then call completeSignIn). */
  signIn: (username: string, password: string) => Promise<Me | MfaChallenge>;
  completeSignIn: (challenge: string, code: string) => Promise<Me>;
  signOut: () => Promise<void>;
  refresh: () => Promise<void>;
  /** Switches the page's language and, when signed in, remembers it as the user's setting (answers are worded in it). */
  chooseLocale: (locale: Locale) => Promise<void>;
  /** Whether the user holds the right somewhere (for navigation); actions on an object use canAt. */
  can: (right: Right) => boolean;
  /**
   * Whether the user holds the right where the object lies: at an area path ("/1/5/23/"), an area
   * detail (its ancestors give the path) or an area id the user is assigned to. Unknown: false.
   */
  canAt: (right: Right, where: AreaPlace) => boolean;
}

/** Where an object lies, as the API tells it. */
export type AreaPlace =
  string | number | { id: number; ancestors: ReadonlyArray<{ id: number }> } | null | undefined;

/** "/1/5/23/" from an area detail: ids from the top down. */
export function pathOf(area: { id: number; ancestors: ReadonlyArray<{ id: number }> }): string {
  return `/${[...area.ancestors.map((a) => a.id), area.id].join('/')}/`;
}

/** The rule of the server's scope.can: a grant holding the right at a prefix of the path. */
export function holdsAt(me: Me | null, right: Right, where: AreaPlace): boolean {
  if (!me || where === null || where === undefined) return false;
  const grants = me.grants ?? [];
  if (typeof where === 'number') return grants.some((g) => g.areaId === where && g.rights.includes(right));
  const path = typeof where === 'string' ? where : pathOf(where);
  return grants.some((g) => path.startsWith(g.areaPath) && g.rights.includes(right));
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMeState] = useState<Me | null>(null);
  const [status, setStatus] = useState<Auth['status']>('loading');

  const setMe = useCallback((next: Me | null) => {
    setCsrfToken(next?.csrfToken ?? null);
    setMeState(next);
  }, []);

  const { setLocale } = useI18n();
  /** A session's user: the page speaks the language the user chose, on any device. */
  const adopt = useCallback(
    (next: Me) => {
      setMe(next);
      setLocale(next.locale);
      // The offline key, the user kept for an offline start, the service worker, the outbox sent.
      void startOfflineSession(next);
    },
    [setMe, setLocale],
  );

  const refresh = useCallback(async () => {
    try {
      adopt(await call(api.GET('/api/auth/me')));
      setStatus('ready');
    } catch (error) {
      if (isApiError(error) && error.status === 401) {
        await wipeOfflineData();
        setMe(null);
        setStatus('ready');
      } else {
        setStatus('failed');
      }
    }
  }, [adopt, setMe]);

  useEffect(() => {
    installOffline();
    configureClient({
      // The server no longer knows this session: nothing of the user stays on the phone.
      onUnauthorized: () => {
        void wipeOfflineData();
        setMe(null);
      },
      onPasswordChangeRequired: () =>
        setMeState((current) => (current ? { ...current, mustChangePassword: true } : current)),
      onMfaEnrolmentRequired: () =>
        setMeState((current) => (current ? { ...current, mfaEnrolmentRequired: true } : current)),
    });
    void refresh();
  }, [refresh, setMe]);

  const signIn = useCallback(
    async (username: string, password: string) => {
      const answer = await call(api.POST('/api/auth/login', { body: { username, password } }));
      if ('mfaRequired' in answer) return answer;
      adopt(answer);
      setStatus('ready');
      return answer;
    },
    [adopt],
  );

  const completeSignIn = useCallback(
    async (challenge: string, code: string) => {
      const signedIn = await call(api.POST('/api/auth/login/mfa', { body: { challenge, code } }));
      adopt(signedIn);
      setStatus('ready');
      return signedIn;
    },
    [adopt],
  );

  const signOut = useCallback(async () => {
    try {
      await call(api.POST('/api/auth/logout'));
    } finally {
      // Lists, queued writes and the key go with the session, even when the server was not reached.
      await wipeOfflineData();
      setMe(null);
    }
  }, [setMe]);

  const chooseLocale = useCallback(
    async (next: Locale) => {
      setLocale(next);
      if (me) setMe(await call(api.PATCH('/api/auth/me', { body: { locale: next } })));
    },
    [me, setLocale, setMe],
  );

  const value = useMemo<Auth>(
    () => ({
      me,
      status,
      signIn,
      completeSignIn,
      signOut,
      refresh,
      chooseLocale,
      can: (right) => me?.rights.includes(right) ?? false,
      canAt: (right, where) => holdsAt(me, right, where),
    }),
    [me, status, signIn, completeSignIn, signOut, refresh, chooseLocale],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** The session where there is one: parts shared with the public pages (the language switch) work without it. */
export function useOptionalAuth(): Auth | null {
  return useContext(AuthContext);
}

export function useAuth(): Auth {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth needs an <AuthProvider> above it');
  return value;
}
