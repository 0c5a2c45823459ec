import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AccessRequest, Grant } from '../../generated/prisma/client.ts';
import type { AgentViewer } from '../identity/viewer.ts';
import { ApertureError } from '../shared/errors.ts';
import { type AuthzenAnswer, AuthzenRequestError } from './authzen-answers.ts';
import type { AuthzenModules } from './authzen-modules.ts';
import { authzenPaths } from './authzen-paths.ts';
import { actionSchema, resourceSchema, subjectSchema } from './authzen-schemas.ts';
import { catalogPath } from './decide-access.ts';
import type { DenialBinding } from './denial-binding.ts';
import { parseRequest } from './parse-request.ts';
import { type EvaluationCall, subjectAudit, subjectReader } from './subject-reader.ts';

const problem = (name: string) => `urn:openid:authzen:access-request:error:${name}`;

const denialSchema = z.looseObject({
  binding_token: z.string().max(8192).optional(),
  evaluation_id: z.string().max(200).optional(),
  expires_at: z.iso.datetime({
    offset: true,
    error: 'denial.expires_at is required: echo context.access_request.expires_at (an RFC 3339 timestamp)',
  }),
  reason: z.string().max(200).optional(),
  template: z.string().max(200).optional(),
});

const submissionSchema = z.looseObject({
  subject: subjectSchema,
  resource: resourceSchema.optional(),
  action: actionSchema.optional(),
  items: z
    .array(z.looseObject({ resource: resourceSchema, action: actionSchema, denial: denialSchema.optional() }))
    .min(1)
    .max(50, 'at most 50 items in one access request')
    .optional(),
  context: z.record(z.string(), z.unknown()).optional(),
  denial: denialSchema.optional(),
  requested_access: z
    .looseObject({
      requested_until: z.iso
        .datetime({ offset: true, error: 'requested_access.requested_until must be an RFC 3339 timestamp' })
        .optional(),
    })
    .optional(),
});

const justificationSchema = z
  .string({ error: 'context.justification (or business_justification) is required: why the person needs it' })
  .trim()
  .min(10, 'context.justification must say why in at least 10 characters')
  .max(2000, 'context.justification is at most 2000 characters');

/**
 * POST /access/v1/requests (access-request profile §7): files aperture's own access request for a
 * requestable denial. The subject is verified from its forwarded delegation token and every item
 * must carry the binding token of a denial this PDP issued to that same person, chain and intent,
 * for that resource and action, still fresh. The request is then the one an agent files itself:
 * rules decide at once (201, with the approval) or approvers do (202, pending).
 */
export async function submitAccessRequest(
  modules: AuthzenModules,
  call: EvaluationCall,
  body: unknown,
  idempotencyKey: string | null,
): Promise<AuthzenAnswer> {
  const submission = parseRequest(submissionSchema, body);
  if (idempotencyKey !== null && !/^[\x21-\x7e]{1,200}$/.test(idempotencyKey)) {
    throw new AuthzenRequestError(
      400,
      'the Idempotency-Key header must be 1 to 200 visible ASCII characters',
    );
  }
  const items = submissionItems(submission);
  // The subject first: a retry is answered only for a subject that still holds.
  const subject = await subjectReader(modules, call, submission.subject);
  if (!subject.ok) throw new AuthzenRequestError(403, subject.message);
  const { viewer } = subject;
  if (viewer.kind !== 'agent') {
    throw new AuthzenRequestError(
      400,
      'access requests are filed for an agent: forward its delegation token',
      problem('not_requestable'),
    );
  }
  try {
    return await fileForDenials(modules, call, viewer, submission, items, idempotencyKey);
  } catch (error) {
    if (error instanceof AuthzenRequestError) {
      const audit = subjectAudit(viewer);
      modules.auditBatcher.enqueue({
        type: 'authzen.request-refused',
        actor: audit.actor,
        intent: audit.intent,
        subject: { kind: 'pep-client', id: call.pep.id },
        payload: {
          requestId: call.requestId,
          pepClientId: call.pep.clientId,
          ...audit.tokenPayload,
          status: error.status,
          reason: error.message,
          ...(error.problemType ? { problem: error.problemType } : {}),
        },
      });
    }
    throw error;
  }
}

async function fileForDenials(
  modules: AuthzenModules,
  call: EvaluationCall,
  viewer: AgentViewer,
  submission: z.infer<typeof submissionSchema>,
  items: Item[],
  idempotencyKey: string | null,
): Promise<AuthzenAnswer> {
  const evaluationIds: string[] = [];
  for (const item of items) {
    const binding = await boundDenial(modules, call, item.denial);
    freshDenial(binding, item.denial.expires_at);
    const agents = viewer.chain.map((agent) => agent.id);
    const matches =
      binding.pepClientId === call.pep.id &&
      binding.humanId === viewer.human.id &&
      binding.intent === viewer.intent &&
      binding.chain.length === agents.length &&
      binding.chain.every((id, hop) => id === agents[hop]) &&
      binding.resource.type === item.resource.type &&
      binding.resource.id === item.resource.id &&
      binding.action === item.action.name &&
      (item.denial.evaluation_id === undefined || item.denial.evaluation_id === binding.evaluationId);
    if (!matches) {
      throw new AuthzenRequestError(
        400,
        `the denial bound to ${item.resource.type} ${item.resource.id} was not issued for this client, subject, resource and action`,
        problem('invalid_denial_binding'),
      );
    }
    evaluationIds.push(binding.evaluationId);
  }
  const justification = justificationSchema.safeParse(
    submission.context?.justification ?? submission.context?.business_justification,
  );
  if (!justification.success) throw new AuthzenRequestError(400, justification.error.issues[0]!.message);
  const until = submission.requested_access?.requested_until;
  const seconds = until ? Math.floor((Date.parse(until) - Date.now()) / 1000) : null;
  if (seconds !== null && seconds <= 0) {
    throw new AuthzenRequestError(400, 'requested_access.requested_until is in the past');
  }
  // What makes two submissions the same: the body without the subject's token (a refreshed token
  // is the same request) and the subject it proved.
  const { token: _token, ...subjectProperties } = submission.subject.properties;
  const bodyHash = createHash('sha256')
    .update(
      canonicalJson({
        body: { ...submission, subject: { ...submission.subject, properties: subjectProperties } },
        verified: [viewer.human.id, viewer.chain.map((agent) => agent.id), viewer.intent],
      }),
    )
    .digest('base64url');
  const reservation = await modules.requests.pepTasks.reserve({
    pepClientId: call.pep.id,
    idempotencyKey,
    bodyHash,
    items: submission.items
      ? items.map(({ resource, action }) => ({
          resource: { type: resource.type, id: resource.id },
          action: { name: action.name },
        }))
      : null,
    evaluationIds,
  });
  if (reservation.kind === 'key-reused') {
    throw new AuthzenRequestError(
      409,
      'this Idempotency-Key was used for another submission',
      problem('duplicate_request'),
    );
  }
  if (reservation.kind !== 'reserved') {
    const { task } = reservation;
    if (task.pepClientId !== call.pep.id) {
      throw new AuthzenRequestError(
        400,
        'this denial was already used to file a request',
        problem('invalid_denial_binding'),
      );
    }
    if (!task.requestId) {
      throw new AuthzenRequestError(
        409,
        'the same submission is being filed now: ask for it again in a moment',
      );
    }
    // The same answer as the first time (201 or 202 with its Location), as a retry expects.
    return accessRequestTask(modules, call, task.requestId, true);
  }
  let filed: Awaited<ReturnType<AuthzenModules['requests']['request']>>;
  try {
    filed = await modules.requests.request(viewer, {
      paths: items.map((item) => catalogPath(item.resource).path),
      tier: 'READ',
      justification: justification.data,
      ...(seconds !== null ? { duration: seconds } : {}),
    });
  } catch (error) {
    await modules.requests.pepTasks.release(reservation.taskId);
    throw refusedRequest(error);
  }
  await modules.requests.pepTasks.bind(reservation.taskId, filed.request.id);
  return accessRequestTask(modules, call, filed.request.id, true);
}

/** GET /access/v1/requests/<task id> (§8): the task of a request this PEP client filed. */
export async function accessRequestTask(
  modules: AuthzenModules,
  call: EvaluationCall,
  taskId: string,
  justSubmitted = false,
): Promise<AuthzenAnswer> {
  const view = await modules.requests.pepTasks.of(call.pep.id, taskId);
  if (!view)
    throw new AuthzenRequestError(
      404,
      `no task ${taskId.slice(0, 100)} of this client`,
      problem('unknown_task'),
    );
  const status = taskStatus(view.request);
  const statusEndpoint = `${call.origin}${authzenPaths.requests}/${view.request.id}`;
  const result = status === 'approved' && view.grant ? approvalResult(view.grant) : null;
  // A bundle is one request and one grant: every item shares its status and result (§7.2).
  const items = Array.isArray(view.task.items)
    ? (view.task.items as Record<string, unknown>[]).map((item) => ({
        ...item,
        status,
        ...(result ? { result } : {}),
      }))
    : null;
  const body = {
    task: {
      id: view.request.id,
      status,
      status_endpoint: statusEndpoint,
      ...(status === 'pending' ? { expires_at: view.request.expiresAt.toISOString() } : {}),
      ...(status === 'denied' && view.request.decisionReason
        ? { display: { title: 'Access request denied', description: view.request.decisionReason } }
        : {}),
      ...(items ? { items } : {}),
    },
    ...(result ? { result } : {}),
  };
  const created = justSubmitted && status !== 'pending';
  return {
    status: justSubmitted ? (created ? 201 : 202) : 200,
    body,
    ...(justSubmitted ? { headers: { location: statusEndpoint } } : {}),
  };
}

type Item = {
  resource: z.infer<typeof resourceSchema>;
  action: z.infer<typeof actionSchema>;
  denial: z.infer<typeof denialSchema>;
};

function submissionItems(submission: z.infer<typeof submissionSchema>): Item[] {
  const { items, resource, action, denial } = submission;
  if (items) {
    if (resource || action)
      throw new AuthzenRequestError(400, 'send items, or resource and action, not both');
    return items.map((item, index) => {
      const itemDenial = item.denial ?? denial;
      if (!itemDenial)
        throw new AuthzenRequestError(
          400,
          `items[${index}] has no denial binding`,
          problem('invalid_denial_binding'),
        );
      return { resource: item.resource, action: item.action, denial: itemDenial };
    });
  }
  if (!resource || !action) throw new AuthzenRequestError(400, 'resource and action are required (or items)');
  if (!denial)
    throw new AuthzenRequestError(
      400,
      'denial is required: echo the requestable denial',
      problem('invalid_denial_binding'),
    );
  return [{ resource, action, denial }];
}

async function boundDenial(
  modules: AuthzenModules,
  call: EvaluationCall,
  denial: Item['denial'],
): Promise<DenialBinding> {
  if (!denial.binding_token) {
    throw new AuthzenRequestError(
      400,
      'denial.binding_token is required: echo context.access_request.binding_token of the denial',
      problem('invalid_denial_binding'),
    );
  }
  const read = await modules.bindings.read(denial.binding_token, call.origin);
  if (!read.ok) {
    throw read.expired
      ? new AuthzenRequestError(410, read.message, problem('expired_denial'))
      : new AuthzenRequestError(400, read.message, problem('invalid_denial_binding'));
  }
  return read.binding;
}

/**
 * The freshness deadline is the earlier of the token's `exp` and the echoed `denial.expires_at`
 * (the profile's Binding Token Integrity). The token holds no other expiry, so its `exp` counts
 * only when it is no later than the echoed one, which is what the denial offered: an echo moved
 * earlier is not the denial's.
 */
function freshDenial(binding: DenialBinding, echoedExpiry: string): void {
  const echoed = Date.parse(echoedExpiry);
  const deadline = Math.min(echoed, binding.expiresAt.getTime());
  if (deadline <= Date.now()) {
    throw new AuthzenRequestError(
      410,
      'the requestable denial has expired: evaluate again',
      problem('expired_denial'),
    );
  }
  if (binding.expiresAt.getTime() > echoed) {
    throw new AuthzenRequestError(
      400,
      "denial.expires_at is not the denial's: echo context.access_request.expires_at unchanged",
      problem('invalid_denial_binding'),
    );
  }
}

/** The profile's canonical statuses for aperture's request states (§8.1.2). */
function taskStatus(request: AccessRequest): 'pending' | 'approved' | 'denied' | 'expired' | 'cancelled' {
  if (request.status === 'PENDING') return request.expiresAt <= new Date() ? 'expired' : 'pending';
  return request.status.toLowerCase() as 'approved' | 'denied' | 'expired' | 'cancelled';
}

/** Re-evaluation mode (§9): the approval is the grant; the PEP evaluates again with it in context. */
function approvalResult(grant: Grant) {
  return {
    mode: 'reevaluate',
    approval: {
      id: grant.id,
      approved_at: grant.createdAt.toISOString(),
      approved_until: grant.expiresAt.toISOString(),
    },
  };
}

/** The requests module's refusal in the door's terms (nothing was filed). */
function refusedRequest(error: unknown): unknown {
  if (!(error instanceof ApertureError)) return error;
  if (error.code === 'NOT_FOUND')
    return new AuthzenRequestError(400, error.message, problem('not_requestable'));
  if (error.code === 'CONFLICT')
    return new AuthzenRequestError(400, error.message, problem('not_requestable'));
  if (error.code === 'RATE_LIMITED') return new AuthzenRequestError(429, error.message);
  if (error.code === 'FORBIDDEN' || error.code === 'UNAUTHENTICATED')
    return new AuthzenRequestError(403, error.message);
  return new AuthzenRequestError(400, error.message);
}

/** JSON with object members sorted, so two equal submissions hash alike whatever their order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
