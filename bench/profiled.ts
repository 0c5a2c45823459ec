import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

/**
 * A CPU profile of this process (the service; the load runs elsewhere) around `work`, when
 * BENCH_CPU_PROFILE names a file (.cpuprofile; summarize it with bench/cpu-profile-top.ts).
 */
export async function profiled<T>(what: string, work: () => Promise<T>): Promise<T> {
  const file = process.env.BENCH_CPU_PROFILE;
  if (!file) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
    session.disconnect();
    console.log(`CPU profile of ${what}: ${file}`);
  }
}
