import { defineConfig } from 'vite';

const source = (pkg: string): string => decodeURIComponent(new URL(`../../packages/${pkg}/src/index.ts`, import.meta.url).pathname);

/**
 * The workspace packages resolve to their TypeScript sources, so the demo builds (and `vite` dev
 * serves) without building them first. `base: './'` keeps asset URLs relative, so the server may
 * mount the page at `/` or under a prefix.
 */
export default defineConfig({
  base: './',
  resolve: {
    alias: {
      '@roomcast/client': source('client'),
      '@roomcast/protocol': source('protocol'),
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: {
    // `vite` dev: signaling and the REST API are the Roomcast server's (default port 3000).
    proxy: { '/ws': { target: 'ws://127.0.0.1:3000', ws: true }, '/v1': 'http://127.0.0.1:3000' },
  },
});
