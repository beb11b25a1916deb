import { defineConfig } from 'vitest/config';
import root from '../vitest.config.js';

/**
 * Vitest only as a TypeScript runner for the benchmark (the `@roomcast/*` aliases, no build step):
 * no reporter output, console not intercepted, so stdout carries only the benchmark's JSON.
 */
export default defineConfig({
  resolve: root.resolve,
  test: {
    include: ['bench/egress.ts', 'bench/soak.ts', 'bench/hls.ts', 'bench/hlsCpu.ts', 'bench/avOffset.ts', 'bench/mediaStreams.ts', 'bench/webLayout.ts', 'bench/sfu.ts', 'bench/egressProcess.ts'],
    reporters: [{}],
    disableConsoleIntercept: true,
    testTimeout: 0,
    hookTimeout: 0,
  },
});
