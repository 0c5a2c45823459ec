import type http from 'node:http';
import { z } from 'zod';
import { readJsonBody } from '../../server/read-json-body.ts';
import { notFound, refuse, sendJson } from '../http/answers.ts';
import { type ConsoleApiContext, openSession } from './console-api-context.ts';

/** What a development sign-in's session says it came through. */
export const developmentSignIn = 'development';

const signInBody = z.object({ email: z.string().trim().min(1).max(320) }).strict();

/**
 * `GET /console/api/dev/people`: the active people of the company to pick from, in development
 * only (the development issuer signs for anyone: the same switch turns this on). 404 otherwise.
 */
export async function devPeopleRoute(
  context: ConsoleApiContext,
  _request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  if (!context.devSignIn) return notFound(response);
  const people = await context.prisma.person.findMany({
    where: { active: true },
    select: { name: true, email: true, title: true, department: true, groups: true },
    orderBy: [{ name: 'asc' }, { email: 'asc' }],
  });
  sendJson(response, 200, {
    people: people.map(({ groups, ...person }) => ({
      ...person,
      governance: groups.includes(context.governanceGroup),
    })),
  });
}

/**
 * `POST /console/api/dev/sign-in` `{ "email": ... }` (JSON only, so no other site's form can sign
 * a browser in): a session for an active person, in development only. 404 otherwise.
 */
export async function devSignInRoute(
  context: ConsoleApiContext,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  if (!context.devSignIn) return notFound(response);
  const body = await readJsonBody(request, 4_096);
  if (!body.ok) return refuse(response, body.status, 'INVALID_INPUT', body.reason);
  const parsed = signInBody.safeParse(body.body);
  if (!parsed.success) return refuse(response, 400, 'INVALID_INPUT', 'send {"email": "<a person\'s email>"}');
  const person = await context.people.person({ email: parsed.data.email });
  if (!person?.active) return refuse(response, 404, 'NOT_FOUND', 'no active person has this email');
  const cookie = await openSession(context, request, person, developmentSignIn);
  sendJson(response, 200, { signedIn: true }, [cookie]);
}
