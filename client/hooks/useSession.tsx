/** The signed-in session for the whole client: who is signed in, their CSRF token, and sign-in / sign-out. */
import { createContext, use, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { fetchSession, postSignIn, postSignOut, type SessionAnswer, type SessionUser } from '../api/accounts';

/** What useSession gives a component. */
export interface Session {
  /** loading until GET /api/auth/me has answered (or failed, which counts as signed out). */
  status: 'loading' | 'ready';
  /** The signed-in user, or null. */
  user: SessionUser | null;
  /** CSRF token to send as X-CSRF-Token with every state-changing request; null when signed out. */
  csrfToken: string | null;
  /** Signs in; throws ApiError (401 sign_in_failed, 400 with field problems, 429…) on failure. */
  signIn(email: string, password: string): Promise<SessionUser>;
  /** Signs out (the cookie is cleared by the server) and forgets the user. */
  signOut(): Promise<void>;
  /** Adopts a session the API just started (e.g. after accepting an invite). */
  adopt(answer: SessionAnswer): void;
}

const SessionContext = createContext<Session | null>(null);

/** Provides the session to the app; reads GET /api/auth/me once on load. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<{ status: 'loading' | 'ready'; answer: SessionAnswer }>({
    status: 'loading',
    answer: { user: null, csrfToken: null },
  });

  useEffect(() => {
    let isCurrent = true;
    fetchSession()
      .then((answer) => isCurrent && setState({ status: 'ready', answer }))
      .catch(() => isCurrent && setState({ status: 'ready', answer: { user: null, csrfToken: null } }));
    return () => {
      isCurrent = false;
    };
  }, []);

  const adopt = useCallback((answer: SessionAnswer) => setState({ status: 'ready', answer }), []);

  const signIn = useCallback(async (email: string, password: string) => {
    const answer = await postSignIn(email, password);
    setState({ status: 'ready', answer });
    return answer.user as SessionUser;
  }, []);

  const csrfToken = state.answer.csrfToken;
  const signOut = useCallback(async () => {
    try {
      await postSignOut(csrfToken);
    } finally {
      setState({ status: 'ready', answer: { user: null, csrfToken: null } });
    }
  }, [csrfToken]);

  const value = useMemo<Session>(
    () => ({ status: state.status, user: state.answer.user, csrfToken, signIn, signOut, adopt }),
    [state, csrfToken, signIn, signOut, adopt],
  );
  return <SessionContext value={value}>{children}</SessionContext>;
}

/** The current session; must be used inside SessionProvider. */
export function useSession(): Session {
  const session = use(SessionContext);
  if (!session) throw new Error('useSession must be used inside <SessionProvider>');
  return session;
}
