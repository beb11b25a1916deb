import type { Category } from './tally.js';

/**
 * How many inputs each category gets by default (burst: how many bursts, each 30-260 messages).
 * About 12,800 inputs in all, so CI always runs more than 10,000.
 */
const DEFAULT_COUNTS: Record<Category, number> = {
  'rest-body': 3000,
  path: 1500,
  headers: 1500,
  'ws-token': 600,
  signaling: 4000,
  envelope: 800,
  binary: 200,
  burst: 8,
  oversize: 40,
  'bad-utf8': 60,
};
const DEFAULT_RUNS = 12_000;

export interface FuzzConfig {
  seed: number;
  /** True when FUZZ_SEED was given (a replay). */
  seedGiven: boolean;
  runs: number;
  counts: Record<Category, number>;
  /** The least number of inputs the run must reach: 10,000 at the default size. */
  minimumInputs: number;
}

/**
 * The seed of a run that names none: fixed, so CI is the same run every time and a red CI always
 * replays (explore with FUZZ_SEED=random, which prints the seed it picked).
 */
const DEFAULT_SEED = 20_261_130;

/**
 * FUZZ_SEED replays a run (the summary prints the seed) or, as `random`, picks a new one.
 * FUZZ_RUNS scales every category (12000 is the default size).
 */
export function fuzzConfig(env: NodeJS.ProcessEnv = process.env): FuzzConfig {
  const seedGiven = env.FUZZ_SEED !== undefined && env.FUZZ_SEED !== '' && env.FUZZ_SEED !== 'random';
  const seed = seedGiven ? Number.parseInt(env.FUZZ_SEED!, 10) : env.FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : DEFAULT_SEED;
  if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${env.FUZZ_SEED}`);
  const runs = env.FUZZ_RUNS ? Number.parseInt(env.FUZZ_RUNS, 10) : DEFAULT_RUNS;
  if (!(runs > 0)) throw new Error(`FUZZ_RUNS must be a positive integer, got ${env.FUZZ_RUNS}`);
  const counts = Object.fromEntries(
    Object.entries(DEFAULT_COUNTS).map(([category, n]) => [category, Math.max(1, Math.round((n * runs) / DEFAULT_RUNS))]),
  ) as Record<Category, number>;
  return { seed, seedGiven, runs, counts, minimumInputs: runs >= DEFAULT_RUNS ? 10_000 : 0 };
}
