import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string): string => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests run against the packages' sources, so no build is needed before `vitest`.
const alias = {
  '@roomcast/protocol': src('protocol'),
  '@roomcast/sfu': src('sfu'),
  '@roomcast/egress': src('egress'),
  '@roomcast/client': src('client'),
  '@roomcast/server-sdk': src('server-sdk'),
  '@roomcast/media-stream-client/testing': fileURLToPath(new URL('./packages/media-stream-client/src/testing/index.ts', import.meta.url)),
  '@roomcast/media-stream-client': src('media-stream-client'),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'int',
          include: ['packages/*/src/**/*.int.test.ts', 'apps/*/src/**/*.int.test.ts'],
          // Real mediasoup workers and FFmpeg on 2 cores: one file at a time.
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e.test.ts'],
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
