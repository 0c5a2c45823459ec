import type { Replica } from './replica.ts';

/**
 * What a load balancer in front of the replicas does (HAProxy's `option httpchk GET /ready`): it
 * asks each replica's /ready every `intervalMs` and sends traffic only to those that answered 200.
 */
export class LoadBalancer {
  private readonly healthy = new Set<Replica>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private checking = false;

  constructor(
    private readonly replicas: Replica[],
    private readonly intervalMs = 200,
  ) {}

  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The replicas traffic goes to now. */
  routable = (): Replica[] => this.replicas.filter((replica) => this.healthy.has(replica));

  /** Resolves once `replica` is in (or out of) rotation. */
  async until(replica: Replica, inRotation: boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.healthy.has(replica) !== inRotation) {
      if (Date.now() > deadline)
        throw new Error(`${replica.name} is still ${inRotation ? 'out of' : 'in'} rotation`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    await Promise.all(
      this.replicas.map(async (replica) => {
        // An answer from a process that has since stopped says nothing about its successor.
        const pid = replica.pid;
        const ready = replica.running && (await replica.ready()).status === 200 && replica.pid === pid;
        if (ready) this.healthy.add(replica);
        else this.healthy.delete(replica);
      }),
    ).finally(() => {
      this.checking = false;
    });
  }
}
