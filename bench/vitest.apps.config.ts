import { defineConfig } from 'vitest/config';
import root from '../vitest.config.js';

/**
 * The apps of bench/mediaStreams.ts, in a child process of it (bench/appsProcess.ts spawns this):
 * vitest only as the TypeScript runner, as in bench/vitest.config.ts.
 */
export default defineConfig({
  resolve: root.resolve,
  test: {
    include: ['bench/mediaStreamApps.ts'],
    reporters: [{}],
    disableConsoleIntercept: true,
    testTimeout: 0,
    hookTimeout: 0,
  },
});
