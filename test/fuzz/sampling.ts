import fc from 'fast-check';

/*
 * Inputs are drawn with fast-check from the run's seed, in chunks so huge values never pile up in
 * memory. Each category (and chunk) gets its own seed derived from the run's: a failure replays
 * with the same FUZZ_SEED, and changing one category's count does not shift the others' inputs.
 */

const CHUNK = 50;

function derive(seed: number, label: string, chunk: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const ch of `${label}#${chunk}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h | 0;
}

/** `count` values of `arb`, generated a chunk at a time from `seed` and `label`. */
export function* draw<T>(arb: fc.Arbitrary<T>, seed: number, label: string, count: number): Generator<T> {
  for (let chunk = 0; chunk * CHUNK < count; chunk++) {
    const numRuns = Math.min(CHUNK, count - chunk * CHUNK);
    yield* fc.sample(arb, { seed: derive(seed, label, chunk), numRuns });
  }
}

/** Runs `work` over `items` in `lanes` parallel lanes, each taking the next item when it is free; `work` must not throw. */
export async function runPool<T>(items: Iterable<T>, lanes: number, work: (item: T, lane: number) => Promise<void>): Promise<void> {
  const iterator = items[Symbol.iterator]();
  const lane = async (id: number): Promise<void> => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) await work(next.value, id);
  };
  await Promise.all(Array.from({ length: lanes }, (_, id) => lane(id)));
}
