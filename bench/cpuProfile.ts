import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * Optional (BENCH_CPU_PROFILE=1): a V8 CPU profile of this process's main thread during one
 * steady-state window, written as a .cpuprofile (open it in Chrome DevTools or speedscope).
 * Profiling itself costs CPU, so a profiled window's figures run a little high.
 */
export async function startCpuProfile(): Promise<(file: string) => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async (file) => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}
