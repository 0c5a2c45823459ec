import { type DocumentNode, Kind, parse } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ViewerAuthenticator } from '../identity/authenticator.ts';
import { TokenRefusedError } from '../identity/token-refusal.ts';
import type { HumanViewer, Viewer } from '../identity/viewer.ts';
import type { Logger } from '../logging/logger.ts';
import { requestIdHeader } from '../server/request-id.ts';
import { maskError } from './errors.ts';

/** Root fields anyone may ask for without a token (a liveness probe has none). */
const publicRootFields = new Set(['health', '__typename']);

/** Anonymous documents are small: a health probe. Parsing more for a caller we do not know is waste. */
const maxAnonymousTokens = 200;

/** The console's CSRF header (src/console names it too; peers do not import each other). */
const csrfHeader = 'x-aperture-csrf';

/**
 * A browser session (the console's cookie, with its CSRF header) as the other way in. Only for
 * people: a session is only ever made for a person signing in (see src/console).
 */
export interface SessionAuthenticator {
  /** Whether the `Cookie` header presents a session. */
  presentsSession(cookieHeader: string | null | undefined): boolean;
  /**
   * The session's person; TokenRefusedError when it has ended, the CSRF header does not match, or
   * the request names a host the console is not reached by. Counts as use of the session.
   */
  authenticate(presented: PresentedSession): Promise<HumanViewer>;
  /** The same checks for a stream it opened, without counting as use (a stream keeps no session alive). */
  recheck(presented: PresentedSession): Promise<HumanViewer>;
}

/** What a request presents of a session: its `Cookie`, CSRF and `Host` headers. */
export interface PresentedSession {
  cookie: string | null;
  csrf: string | null;
  host: string | null;
}

/** What `request` presents of a console session. */
export function presentedSession(request: Request): PresentedSession {
  return {
    cookie: request.headers.get('cookie'),
    csrf: request.headers.get(csrfHeader),
    host: request.headers.get('host'),
  };
}

/**
 * Whether a request is served by its session rather than a bearer token: an `Authorization`
 * header always wins (agents and scripts are unchanged by the console).
 */
export function servedBySession(
  sessions: SessionAuthenticator | undefined,
  authorization: string | null | undefined,
  cookie: string | null | undefined,
): sessions is SessionAuthenticator {
  return sessions !== undefined && !authorization && sessions.presentsSession(cookie);
}

/**
 * Authenticates every GraphQL request before its document is parsed or validated, so a caller
 * without a valid token learns nothing about the schema, not even from validation messages
 * ("Cannot query field ..."). A refused token is one INFO line (request id and reason code, never
 * the token) and UNAUTHENTICATED for the caller; an anonymous caller may only ask for `health`.
 * Without a bearer token, the console's session cookie (with its CSRF header) authenticates a person.
 * The viewer is kept for the context factory (see `authenticatedViewer`).
 */
export function useAuthentication(
  authenticator: ViewerAuthenticator,
  logger: Logger,
  sessions?: SessionAuthenticator,
): Plugin {
  return {
    async onParams({ request, params, setResult }) {
      const requestId = request.headers.get(requestIdHeader) ?? undefined;
      const authorization = request.headers.get('authorization');
      const cookie = request.headers.get('cookie');
      const bySession = servedBySession(sessions, authorization, cookie);
      const refuse = (error: TokenRefusedError) => {
        logger.info(
          { requestId, reason: error.reason },
          bySession ? 'console session refused' : 'bearer token refused',
        );
        setResult({ errors: [maskError(error)] });
      };
      let viewer: Viewer;
      try {
        viewer =
          bySession && sessions
            ? await sessions.authenticate(presentedSession(request))
            : await authenticator.authenticate(authorization);
      } catch (error) {
        if (error instanceof TokenRefusedError) return refuse(error);
        throw error;
      }
      if (viewer.kind === 'anonymous' && !isPublicDocument(params.query)) {
        return refuse(
          new TokenRefusedError(
            'anonymous',
            'authentication is required: send Authorization: Bearer <token>',
          ),
        );
      }
      viewers.set(request, viewer);
    },
  };
}

const viewers = new WeakMap<Request, Viewer>();

/** The viewer `useAuthentication` decided for this request. */
export function authenticatedViewer(request: Request): Viewer {
  const viewer = viewers.get(request);
  // Only reachable if the plugin were removed: fail closed rather than serve an unchecked caller.
  if (!viewer) throw new TokenRefusedError('anonymous', 'authentication is required');
  return viewer;
}

/** Whether every operation of the document selects only public root fields (no fragments at the root). */
function isPublicDocument(query: string | undefined): boolean {
  if (!query) return false;
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: maxAnonymousTokens, noLocation: true });
  } catch {
    return false;
  }
  return document.definitions.every(
    (definition) =>
      definition.kind === Kind.OPERATION_DEFINITION &&
      definition.operation === 'query' &&
      definition.selectionSet.selections.every(
        (selection) => selection.kind === Kind.FIELD && publicRootFields.has(selection.name.value),
      ),
  );
}
