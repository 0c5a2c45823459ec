import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { ApiError } from './api-error.ts';
import type { ConsoleSession } from './session.ts';

interface SessionContextValue extends ConsoleSession {
  /** Rethrows the error; an UNAUTHENTICATED one first sends the person back to sign-in. */
  onUnauthenticated(error: unknown): never;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({
  session,
  onSignedOut,
  children,
}: {
  session: ConsoleSession;
  /** The session ended on the server (expired, signed out elsewhere, person deactivated). */
  onSignedOut: () => void;
  children: ReactNode;
}) {
  const value = useMemo<SessionContextValue>(
    () => ({
      ...session,
      onUnauthenticated(error: unknown): never {
        if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') onSignedOut();
        throw error;
      },
    }),
    [session, onSignedOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a signed-in console');
  return value;
}
