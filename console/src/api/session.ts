/** Who is signed in to the console, as `GET /console/api/session` answers (src/console on the server). */
export interface ConsoleSession {
  person: { name: string; email: string; title: string | null; department: string | null };
  roles: { governance: boolean };
  /** Sent back in `x-aperture-csrf` with every API call. */
  csrfToken: string;
}

export type SignInMethod = 'development' | 'oidc';

export type SessionState =
  | { signedIn: true; session: ConsoleSession; signInMethods: SignInMethod[] }
  | { signedIn: false; signInMethods: SignInMethod[] };

export const sessionPath = '/console/api/session';

export async function fetchSession(): Promise<SessionState> {
  const response = await fetch(sessionPath, { credentials: 'same-origin', cache: 'no-store' });
  const body = (await response.json()) as Partial<ConsoleSession> & { signInMethods?: SignInMethod[] };
  const signInMethods = body.signInMethods ?? [];
  if (response.status === 401 || !body.person || !body.csrfToken || !body.roles) {
    return { signedIn: false, signInMethods };
  }
  return {
    signedIn: true,
    session: { person: body.person, roles: body.roles, csrfToken: body.csrfToken },
    signInMethods,
  };
}

export interface DemoPerson {
  name: string;
  email: string;
  title: string | null;
  department: string | null;
  governance: boolean;
}

export async function fetchDemoPeople(): Promise<DemoPerson[]> {
  const response = await fetch('/console/api/dev/people', { credentials: 'same-origin' });
  if (!response.ok) return [];
  const body = (await response.json()) as { people?: DemoPerson[] };
  return body.people ?? [];
}

export async function signInAsDemoPerson(email: string): Promise<void> {
  const response = await fetch('/console/api/dev/sign-in', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    throw new Error(body.message ?? `sign-in failed (${response.status})`);
  }
}

export async function signOut(csrfToken: string): Promise<void> {
  await fetch('/console/api/sign-out', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'x-aperture-csrf': csrfToken, 'content-type': 'application/json' },
    body: '{}',
  });
}

/** Where the OpenID Connect sign-in starts (a full-page navigation to the identity provider). */
export function oidcSignInUrl(returnTo: string): string {
  return `/console/api/oidc/start?returnTo=${encodeURIComponent(returnTo)}`;
}
