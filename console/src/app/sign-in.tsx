import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { fetchDemoPeople, oidcSignInUrl, type SignInMethod, signInAsDemoPerson } from '../api/session.ts';
import { ErrorNotice, Loading } from '../ui/status.tsx';

/** What the OpenID Connect callback's `signInError` codes (src/console/routes/oidc-routes.ts) mean to a person. */
const signInErrors: Record<string, string> = {
  unknown_person: 'Your identity provider signed you in, but aperture knows no active person by that name.',
  email_domain_refused:
    'Your identity provider signed you in with an email address this console does not accept.',
  unverified_email:
    'Your identity provider says your email address is not verified. Verify it there, then try again.',
  no_identity_claim:
    'Your identity provider did not say who you are (no email or subject). Ask your administrator.',
  sign_in_expired: 'Signing in took too long or was started in another window. Try again.',
  provider_unavailable: 'Your identity provider cannot be reached right now. Try again in a moment.',
  provider_error: 'Your identity provider refused the sign-in. Try again, or ask your administrator.',
  invalid_response: 'Your identity provider answered in a way aperture cannot trust. Try again.',
  failed: 'Signing in did not complete. Try again.',
};

/** Sign-in: through the company's identity provider, or (development) as a person of the demo company. */
export function SignIn({ methods, onSignedIn }: { methods: SignInMethod[]; onSignedIn: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const errorCode = new URLSearchParams(window.location.search).get('signInError');
  useEffect(() => {
    document.title = 'Sign in · aperture';
    heading.current?.focus();
  }, []);
  return (
    <main className="sign-in" id="main">
      <h1 ref={heading} tabIndex={-1}>
        Sign in to aperture
      </h1>
      <p className="page-intro">
        See the agents acting for you, decide access requests, and govern what agents may know.
      </p>
      {errorCode ? (
        <div className="notice notice-error" role="alert">
          {signInErrors[errorCode] ?? signInErrors.failed}
        </div>
      ) : null}
      {methods.includes('oidc') ? (
        <a className="button button-primary" href={oidcSignInUrl(window.location.pathname)}>
          Sign in with your identity provider
        </a>
      ) : null}
      {methods.includes('development') ? <DemoSignIn onSignedIn={onSignedIn} /> : null}
      {methods.length === 0 ? (
        <p>
          No sign-in is configured. An operator sets <code>APERTURE_CONSOLE_OIDC</code> (see the README).
        </p>
      ) : null}
    </main>
  );
}

function DemoSignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const people = useQuery({ queryKey: ['demo-people'], queryFn: fetchDemoPeople });
  const [error, setError] = useState<Error | null>(null);
  if (people.isPending) return <Loading what="the demo company" />;
  return (
    <section className="demo-sign-in" aria-labelledby="demo-title">
      <h2 id="demo-title">Development: sign in as a person of the demo company</h2>
      {error ? <ErrorNotice error={error} /> : null}
      <ul className="people">
        {(people.data ?? []).map((person) => (
          <li key={person.email}>
            <button
              type="button"
              className="person"
              onClick={() => {
                setError(null);
                signInAsDemoPerson(person.email).then(onSignedIn, (caught: Error) => setError(caught));
              }}
            >
              <span className="person-name">{person.name}</span>
              <span className="person-title">
                {[person.title, person.department].filter(Boolean).join(', ')}
                {person.governance ? ' · governance' : ''}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
