/**
 * What the bench made, undone in reverse order: on success, on a thrown error, and on Ctrl-C or
 * SIGTERM (a bench stopped half-way must not leave databases or cluster-wide roles behind).
 */
export class CleanupStack {
  private readonly steps: { label: string; undo: () => Promise<unknown> }[] = [];
  private running: Promise<void> | null = null;

  constructor() {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        console.error(`${signal}: cleaning up`);
        void this.run().finally(() => process.exit(130));
      });
    }
  }

  push(label: string, undo: () => Promise<unknown>): void {
    this.steps.push({ label, undo });
  }

  /** Runs every step once (later ones first), reporting a step that fails and going on. */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const { label, undo } of this.steps.reverse()) {
        try {
          await undo();
        } catch (error) {
          console.error(`cleanup: ${label} failed: ${(error as Error).message}`);
          process.exitCode = 2;
        }
      }
    })();
    return this.running;
  }
}
