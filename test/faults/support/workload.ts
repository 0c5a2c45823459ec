import type { FaultWorld } from './fault-world.ts';
import type { Replica } from './replica.ts';

/** People who file requests (approvers never approve their own); Bob's are denied by a rule. */
const requesters = [
  'ana@acme.test',
  'mark@acme.test',
  'dana@shop.example',
  'lee@shop.example',
  'bob@acme.test',
];
const approvers = Array.from(
  { length: 20 },
  (_, index) => `approver${String(index).padStart(2, '0')}@acme.test`,
);

const requestAccess = `mutation ($input: RequestAccessInput!) {
  requestAccess(input: $input) { duplicate request { id status grant { id expiresAt } } }
}`;
const approve = `mutation ($input: DecideAccessRequestInput!) {
  approveAccessRequest(input: $input) { id status grant { id expiresAt } }
}`;
const deny = `mutation ($input: DecideAccessRequestInput!) { denyAccessRequest(input: $input) { id status } }`;

export interface FiledRequest {
  id: string;
  status: string;
  replica: string;
}

/**
 * Traffic like a working day's, spread over the replicas a load balancer would pick: agents file
 * requests (routed to the approvers group, auto-approved with grants of a few seconds, or denied by
 * a rule), approvers decide the routed ones (sometimes two at once on two replicas), everything
 * recorded in the world's history. `routable` says which replicas take traffic now.
 */
export class Workload {
  /** Requests the service accepted: answered with an id. */
  readonly filed = new Map<string, FiledRequest>();
  /** Routed requests waiting for an approver's decision (retried until one is recorded). */
  private readonly pending: string[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private counter = 0;

  constructor(
    private readonly world: FaultWorld,
    private readonly routable: () => Replica[] = () => world.replicas.filter((replica) => replica.running),
    private readonly options: { agents: number; approvers: number; grantSeconds: number } = {
      agents: 3,
      approvers: 2,
      grantSeconds: 4,
    },
  ) {}

  /** How long the grants it asks for last. */
  get grantSeconds(): number {
    return this.options.grantSeconds;
  }

  start(): void {
    this.running = true;
    for (let index = 0; index < this.options.agents; index += 1) this.loops.push(this.agentLoop(index));
    for (let index = 0; index < this.options.approvers; index += 1) this.loops.push(this.approverLoop());
  }

  /** Stops the traffic and waits for the calls under way. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.loops = [];
  }

  /** Takes over another workload's requests still waiting for a decision. */
  adopt(other: Workload): void {
    this.pending.push(...other.pending.splice(0));
    for (const [id, filed] of other.filed) this.filed.set(id, filed);
  }

  /** Decides every routed request still waiting, through the replicas that take traffic. */
  async drain(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.length > 0) {
      if (Date.now() > deadline) throw new Error(`${this.pending.length} requests still undecided`);
      const requestId = this.pending.shift()!;
      if (!(await this.decide(requestId))) {
        this.pending.push(requestId);
        await sleep(100);
      }
    }
  }

  private async agentLoop(index: number): Promise<void> {
    while (this.running) {
      const replica = this.pick();
      if (!replica) {
        await sleep(50);
        continue;
      }
      this.counter += 1;
      const shortGrant = this.counter % 3 === 0;
      const email = shortGrant ? 'ana@acme.test' : requesters[(this.counter + index) % requesters.length]!;
      const taskId = `task-${index}-${this.counter}`;
      const token = await this.world.agentToken(email, { replica, taskId });
      if (!token) {
        await sleep(50);
        continue;
      }
      const input = shortGrant
        ? {
            paths: ['analytics.staging.stg_orders'],
            duration: `PT${this.options.grantSeconds}S`,
            justification: 'Order counts for the daily report',
          }
        : {
            paths: ['analytics.marts.customers'],
            duration: 'PT1H',
            justification: 'Churn analysis for the board',
          };
      const filed = await this.world.history.graphql<{
        requestAccess: { duplicate: boolean; request: { id: string; status: string } };
      }>(
        replica,
        'file',
        token,
        requestAccess,
        { input: { ...input, tier: 'READ', scope: 'TASK' } },
        { taskId },
      );
      const request = filed.data?.requestAccess.request;
      if (request) {
        this.filed.set(request.id, { id: request.id, status: request.status, replica: replica.name });
        if (request.status === 'PENDING' && !filed.data!.requestAccess.duplicate)
          this.pending.push(request.id);
      }
    }
  }

  private async approverLoop(): Promise<void> {
    while (this.running) {
      const requestId = this.pending.shift();
      if (!requestId) {
        await sleep(30);
        continue;
      }
      // Now and then two approvers click at once, on two replicas.
      const race = Math.random() < 0.25;
      const outcomes = await Promise.all(
        race ? [this.decide(requestId), this.decide(requestId)] : [this.decide(requestId)],
      );
      if (!outcomes.some(Boolean)) {
        this.pending.push(requestId);
        // Let timers and I/O run (no replica may be routable: decide() then answers at once).
        await sleep(50);
      }
    }
  }

  /** One approver's decision (one in ten a denial); true once the request is known to be decided. */
  private async decide(requestId: string): Promise<boolean> {
    const replica = this.pick();
    if (!replica) return false;
    const approver = approvers[Math.floor(Math.random() * approvers.length)]!;
    const denying = Math.random() < 0.1;
    const answer = await this.world.history.graphql<Record<string, { status: string }>>(
      replica,
      denying ? 'deny' : 'approve',
      await this.world.humanToken(approver),
      denying ? deny : approve,
      {
        input: denying
          ? { requestId, reason: 'Not for this quarter' }
          : { requestId, duration: `PT${this.options.grantSeconds}S` },
      },
      { requestId, approver },
    );
    if (answer.data) return true;
    // Someone else decided first: a calm refusal, and the request is decided.
    return answer.status === 200 && answer.errors?.[0]?.extensions?.code === 'CONFLICT';
  }

  private pick(): Replica | undefined {
    const replicas = this.routable();
    return replicas[Math.floor(Math.random() * replicas.length)];
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
