import cliProgress from 'cli-progress';
import type { ImportProgress } from '../catalog/import/apply-catalog-snapshot.ts';

/** A progress bar on stderr when it is a terminal; silent otherwise (logs and CI stay clean). */
export function progressReporter(): { report(progress: ImportProgress): void; stop(): void } {
  if (!process.stderr.isTTY) return { report() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: '{phase} [{bar}] {value}/{total}',
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let phase: string | undefined;
  return {
    report(progress) {
      if (progress.phase !== phase) {
        if (phase !== undefined) bar.stop();
        phase = progress.phase;
        bar.start(Math.max(progress.total, 1), progress.done, { phase: phase.padEnd(18) });
      }
      bar.setTotal(Math.max(progress.total, 1));
      bar.update(progress.done, { phase: phase.padEnd(18) });
    },
    stop() {
      if (phase !== undefined) bar.stop();
    },
  };
}
