import { QueryClient, QueryClientProvider, useQuery, useQueryClient } from '@tanstack/react-query';
import { StrictMode, useCallback } from 'react';
import { createRoot } from 'react-dom/client';
import { Router } from 'wouter';
import { ApiError } from './api/api-error.ts';
import { fetchSession, signOut } from './api/session.ts';
import { SessionProvider } from './api/session-context.tsx';
import { Shell } from './app/shell.tsx';
import { SignIn } from './app/sign-in.tsx';
import { ErrorNotice, Loading } from './ui/status.tsx';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    // A refusal is an answer, not a hiccup: only failures of the network are retried.
    queries: {
      retry: (count, error) => count < 2 && (!(error instanceof ApiError) || error.code === 'NETWORK'),
      staleTime: 5_000,
    },
  },
});

function Console() {
  const client = useQueryClient();
  const session = useQuery({
    queryKey: ['session'],
    queryFn: fetchSession,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const reload = useCallback(() => {
    client.clear();
    void client.invalidateQueries();
  }, [client]);
  if (session.error) return <ErrorNotice error={session.error} title="aperture cannot be reached" />;
  if (!session.data) return <Loading what="your session" />;
  if (!session.data.signedIn) return <SignIn methods={session.data.signInMethods} onSignedIn={reload} />;
  const { csrfToken } = session.data.session;
  return (
    <SessionProvider session={session.data.session} onSignedOut={reload}>
      <Shell onSignOut={() => void signOut(csrfToken).then(reload)} />
    </SessionProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <Router base="/console">
        <Console />
      </Router>
    </QueryClientProvider>
  </StrictMode>,
);
