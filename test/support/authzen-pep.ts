/**
 * A policy enforcement point written only from the AuthZEN texts: Authorization API 1.0 (metadata
 * §11, evaluation §6, evaluations §7, resource search §8 with opaque page tokens, HTTPS binding §12)
 * and the access-request profile draft (requestable denial §5, submission §7, task status §8,
 * re-evaluation §9). It knows nothing of aperture but the one thing the spec leaves to the PDP:
 * how a subject is proven (the token it forwards in `subject.properties.token`).
 */

export interface Entity {
  type: string;
  id: string;
  properties?: Record<string, unknown>;
}
export interface Action {
  name: string;
  properties?: Record<string, unknown>;
}
export interface Decision {
  decision: boolean;
  context?: Record<string, unknown>;
}
export interface EvaluationRequest {
  subject: Entity;
  action: Action;
  resource: Entity;
  context?: Record<string, unknown>;
}
export interface PdpMetadata {
  policy_decision_point: string;
  access_evaluation_endpoint: string;
  access_evaluations_endpoint?: string;
  search_resource_endpoint?: string;
  access_request_endpoint?: string;
  capabilities?: string[];
}
export interface Task {
  id: string;
  status: string;
  status_endpoint: string;
  expires_at?: string;
  display?: { title?: string; description?: string };
}
export interface TaskAnswer {
  task: Task;
  result?: { mode: string; approval?: { id: string; approved_at?: string; approved_until: string } };
}

/** A transport-level failure (§12.1.2): not a decision. */
export class PdpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`PDP answered ${status}: ${JSON.stringify(body)}`);
  }
}

export class AuthzenPep {
  private constructor(
    readonly metadata: PdpMetadata,
    private readonly authorization: string,
  ) {}

  /** Discovers the PDP (§11.2: GET the well-known document, check its identifier, §11.2.3). */
  static async discover(pdp: string, clientId: string, clientSecret: string): Promise<AuthzenPep> {
    const response = await fetch(`${pdp}/.well-known/authzen-configuration`);
    if (response.status !== 200) throw new PdpError(response.status, await response.text());
    const metadata = (await response.json()) as PdpMetadata;
    if (metadata.policy_decision_point !== pdp)
      throw new Error('policy_decision_point does not match the PDP');
    const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString(
      'base64',
    );
    return new AuthzenPep(metadata, `Basic ${basic}`);
  }

  evaluate(request: EvaluationRequest): Promise<Decision> {
    return this.post<Decision>(this.metadata.access_evaluation_endpoint, request);
  }

  evaluations(request: Record<string, unknown>): Promise<{ evaluations: Decision[] }> {
    return this.post(this.required('access_evaluations_endpoint'), request);
  }

  /** Every result of a resource search, following `next_token` until it is empty (§8.3). */
  async searchResources(
    subject: Entity,
    action: Action,
    type: string,
    limit?: number,
  ): Promise<{ results: Entity[]; pages: number }> {
    const results: Entity[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page: Record<string, unknown> = {
        ...(limit !== undefined ? { limit } : {}),
        ...(token ? { token } : {}),
      };
      const answer = await this.post<{ results: Entity[]; page?: { next_token: string } }>(
        this.required('search_resource_endpoint'),
        { subject, action, resource: { type }, ...(Object.keys(page).length > 0 ? { page } : {}) },
      );
      results.push(...answer.results);
      pages++;
      token = answer.page?.next_token || undefined;
    } while (token);
    return { results, pages };
  }

  /**
   * Files an access request for a requestable denial (profile §7): refuses to when the denial is
   * not requestable (§13), echoes the binding material unchanged, posts to the denial's endpoint.
   */
  async requestAccess(
    denied: EvaluationRequest,
    decision: Decision,
    augmentations: { context?: Record<string, unknown>; requested_access?: Record<string, unknown> },
    idempotencyKey?: string,
  ): Promise<{ status: number; answer: TaskAnswer; location: string | null }> {
    const offer = decision.context?.access_request as
      | { endpoint?: string; expires_at: string; binding_token?: string; template?: string }
      | undefined;
    if (decision.decision || !offer) throw new Error('the denial is not requestable');
    const endpoint = offer.endpoint ?? this.required('access_request_endpoint');
    const body = {
      subject: denied.subject,
      resource: denied.resource,
      action: denied.action,
      context: { ...denied.context, ...augmentations.context },
      ...(augmentations.requested_access ? { requested_access: augmentations.requested_access } : {}),
      denial: {
        expires_at: offer.expires_at,
        ...(decision.context?.evaluation_id ? { evaluation_id: decision.context.evaluation_id } : {}),
        ...(decision.context?.evaluated_at ? { evaluated_at: decision.context.evaluated_at } : {}),
        ...(decision.context?.reason ? { reason: decision.context.reason } : {}),
        ...(offer.binding_token ? { binding_token: offer.binding_token } : {}),
        ...(offer.template ? { template: offer.template } : {}),
      },
    };
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        authorization: this.authorization,
        'content-type': 'application/json',
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (response.status !== 201 && response.status !== 202) throw new PdpError(response.status, answer);
    // §7: a Location header, when present, equals task.status_endpoint (which stays authoritative).
    return {
      status: response.status,
      answer: answer as TaskAnswer,
      location: response.headers.get('location'),
    };
  }

  /** The task's current state (profile §8). */
  async taskStatus(task: Task): Promise<TaskAnswer> {
    const response = await fetch(task.status_endpoint, { headers: { authorization: this.authorization } });
    const answer = await response.json();
    if (response.status !== 200) throw new PdpError(response.status, answer);
    return answer as TaskAnswer;
  }

  /** Re-evaluation after approval (profile §9): the same request with the approval in context. */
  reevaluate(denied: EvaluationRequest, result: NonNullable<TaskAnswer['result']>): Promise<Decision> {
    if (result.mode !== 'reevaluate' || !result.approval)
      throw new Error('unknown completion mode: not approved');
    return this.evaluate({ ...denied, context: { ...denied.context, approval: result.approval } });
  }

  private required(parameter: keyof PdpMetadata): string {
    const url = this.metadata[parameter];
    if (typeof url !== 'string') throw new Error(`the PDP does not offer ${parameter}`);
    return url;
  }

  private async post<T>(url: string, body: unknown): Promise<T> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: this.authorization, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (response.status !== 200) throw new PdpError(response.status, answer);
    return answer as T;
  }
}
