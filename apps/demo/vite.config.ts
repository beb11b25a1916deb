import { defineConfig, type Plugin } from 'vite';

const source = (pkg: string): string => decodeURIComponent(new URL(`../../packages/${pkg}/src/index.ts`, import.meta.url).pathname);
const page = (path: string): string => decodeURIComponent(new URL(path, import.meta.url).pathname);

/** `vite` dev: `/watch/<id>` is the watch page, as the server's route makes it (apps/server/src/routes/watch.ts). */
const watchRoute: Plugin = {
  name: 'roomcast-watch-route',
  configureServer(server) {
    server.middlewares.use((request, _response, next) => {
      if (request.url && /^\/watch\/[^/?]+\/?(\?.*)?$/.test(request.url)) request.url = '/watch/index.html';
      next();
    });
  },
};

/**
 * The workspace packages resolve to their TypeScript sources, so the demo builds (and `vite` dev
 * serves) without building them first. `base: './'` keeps asset URLs relative, so the server may
 * mount the page at `/` or under a prefix. Two pages: the meeting (`index.html`) and the audience's
 * watch page (`watch/index.html`, served for `/watch/:id`: its `../assets/` URLs resolve from there).
 */
export default defineConfig({
  base: './',
  resolve: {
    alias: {
      '@roomcast/client': source('client'),
      '@roomcast/protocol': source('protocol'),
    },
  },
  plugins: [watchRoute],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // hls.js is one ~580 kB chunk of its own, loaded only when a player starts.
    chunkSizeWarningLimit: 700,
    rollupOptions: { input: { main: page('./index.html'), watch: page('./watch/index.html'), layoutGrid: page('./layouts/grid.html'), layoutSample: page('./layouts/sample.html') } },
  },
  server: {
    // `vite` dev: signaling, the REST API and HLS playback are the Roomcast server's (default port 3000).
    proxy: { '/ws': { target: 'ws://127.0.0.1:3000', ws: true }, '/v1': 'http://127.0.0.1:3000', '/hls': 'http://127.0.0.1:3000' },
  },
});
