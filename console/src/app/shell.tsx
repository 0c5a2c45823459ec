import { Suspense } from 'react';
import { ErrorBoundary } from 'react-error-boundary';
import { Link, Route, Switch, useLocation } from 'wouter';
import { useSession } from '../api/session-context.tsx';
import { Loading } from '../ui/status.tsx';
import { PageFailed } from './page-failed.tsx';
import { consoleRoutes } from './routes.tsx';

/** The signed-in console: who is signed in, the menu, and the page. */
export function Shell({ onSignOut }: { onSignOut: () => void }) {
  const { person, roles } = useSession();
  const [location] = useLocation();
  const routes = consoleRoutes.filter((route) => roles.governance || !route.governance);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">aperture</span>
        <div className="who">
          <span className="who-name">{person.name}</span>
          <span className="who-role">
            {roles.governance ? 'Governance lead' : (person.title ?? 'Member')}
          </span>
          <button type="button" className="button button-quiet" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <nav className="menu" aria-label="Console">
        <ul>
          {routes.map((route) => (
            <li key={route.path}>
              <Link href={route.path} aria-current={location === route.path ? 'page' : undefined}>
                {route.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="main">
        {/* A page that throws (or whose code did not download) leaves the menu working; another page starts afresh. */}
        <ErrorBoundary FallbackComponent={PageFailed} resetKeys={[location]}>
          <Suspense fallback={<Loading what="the page" />}>
            <Switch>
              {consoleRoutes.map((route) => (
                <Route key={route.path} path={route.path} component={route.page} />
              ))}
              <Route>
                <p>There is no such page. Choose one from the menu.</p>
              </Route>
            </Switch>
          </Suspense>
        </ErrorBoundary>
      </main>
    </div>
  );
}
