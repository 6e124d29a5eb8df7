import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, configureClient, isApiError, setCsrfToken } from '../api/client';
import type { Me, MfaChallenge, Right } from '../api/types';

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
  /** Whether the user holds the right somewhere; the server still checks each area. */
  can: (right: Right) => boolean;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMeState] = useState<Me | null>(null);
  const [status, setStatus] = useState<Auth['status']>('loading');

  const setMe = useCallback((next: Me | null) => {
    setCsrfToken(next?.csrfToken ?? null);
    setMeState(next);
  }, []);

  const refresh = useCallback(async () => {
    try {
      setMe(await api.auth.me());
      setStatus('ready');
    } catch (error) {
      if (isApiError(error) && error.status === 401) {
        setMe(null);
        setStatus('ready');
      } else {
        setStatus('failed');
      }
    }
  }, [setMe]);

  useEffect(() => {
    configureClient({
      onUnauthorized: () => setMe(null),
      onPasswordChangeRequired: () =>
        setMeState((current) => (current ? { ...current, mustChangePassword: true } : current)),
      onMfaEnrolmentRequired: () =>
        setMeState((current) => (current ? { ...current, mfaEnrolmentRequired: true } : current)),
    });
    void refresh();
  }, [refresh, setMe]);

  const signIn = useCallback(
    async (username: string, password: string) => {
      const answer = await api.auth.login(username, password);
      if ('mfaRequired' in answer) return answer;
      setMe(answer);
      setStatus('ready');
      return answer;
    },
    [setMe],
  );

  const completeSignIn = useCallback(
    async (challenge: string, code: string) => {
      const signedIn = await api.auth.loginMfa(challenge, code);
      setMe(signedIn);
      setStatus('ready');
      return signedIn;
    },
    [setMe],
  );

  const signOut = useCallback(async () => {
    try {
      await api.auth.logout();
    } finally {
      setMe(null);
    }
  }, [setMe]);

  const value = useMemo<Auth>(
    () => ({
      me,
      status,
      signIn,
      completeSignIn,
      signOut,
      refresh,
      can: (right) => me?.rights.includes(right) ?? false,
    }),
    [me, status, signIn, completeSignIn, signOut, refresh],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth needs an <AuthProvider> above it');
  return value;
}
