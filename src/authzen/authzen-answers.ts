import type http from 'node:http';

/** An HTTP answer of the AuthZEN door, before it is written. */
export interface AuthzenAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** application/problem+json (RFC 9457) for the access-request profile's errors. */
  problem?: boolean;
}

/** A transport-level error (§12.1.2): the status and a message; never a decision. */
export class AuthzenRequestError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 410 | 413 | 429,
    message: string,
    /** The access-request profile's problem type (`urn:openid:authzen:access-request:error:*`). */
    readonly problemType?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AuthzenRequestError';
  }

  answer(): AuthzenAnswer {
    if (this.problemType) {
      return {
        status: this.status,
        problem: true,
        body: {
          type: this.problemType,
          title: problemTitles[this.status] ?? 'Error',
          status: this.status,
          detail: this.message,
        },
      };
    }
    return {
      status: this.status,
      body: { error: errorCodes[this.status] ?? 'error', message: this.message },
      headers: {
        ...(this.status === 401 ? { 'www-authenticate': 'Basic realm="aperture authzen"' } : {}),
        ...this.headers,
      },
    };
  }
}

const errorCodes: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  410: 'gone',
  413: 'too_large',
  429: 'too_many_requests',
};

const problemTitles: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
};

export function writeAnswer(response: http.ServerResponse, answer: AuthzenAnswer): void {
  response.writeHead(answer.status, {
    'content-type': answer.problem ? 'application/problem+json' : 'application/json',
    'cache-control': 'no-store',
    ...answer.headers,
  });
  response.end(JSON.stringify(answer.body));
}
