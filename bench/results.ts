import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The 1, 5 and 15 minute load averages, two decimals: each benchmark records them at start and end. */
export const loadAverages = (): number[] => loadavg().map((n) => Number(n.toFixed(2)));

/**
 * A benchmark's result: to `bench/results/<name>-<time>.json` (git-ignored; chosen runs are
 * copied to bench/reference/) and to stdout, which carries only the JSON.
 */
export function saveResult(name: string, result: unknown, at: string = new Date().toISOString()): void {
  const json = JSON.stringify(result, null, 2);
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}${name}-${at.replace(/[:.]/g, '-')}.json`, `${json}\n`);
  process.stdout.write(`${json}\n`);
}
