import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface HlsPlayerPage {
  /** A page on its own origin (another port than the Roomcast server: playback goes through CORS). */
  url(masterUrl: string): string;
  close(): Promise<void>;
}

/**
 * Serves a tiny page that plays `?src=<master URL>` with hls.js in low-latency mode, muted so
 * autoplay is allowed. The page exposes `window.player = {hls, video, errors}` for the test.
 */
export async function startHlsPlayerPage(): Promise<HlsPlayerPage> {
  const require = createRequire(import.meta.url);
  const hlsJs = await readFile(join(dirname(require.resolve('hls.js/package.json')), 'dist', 'hls.min.js'));
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/hls.min.js') return void response.writeHead(200, { 'content-type': 'text/javascript' }).end(hlsJs);
    if (path === '/') return void response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: (masterUrl) => `http://127.0.0.1:${port}/?src=${encodeURIComponent(masterUrl)}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const PAGE = `<!doctype html>
<html><body>
<video id="video" muted autoplay playsinline></video>
<script src="/hls.min.js"></script>
<script>
  const video = document.getElementById('video');
  const errors = [];
  const hls = new Hls({ lowLatencyMode: true });
  hls.on(Hls.Events.ERROR, (_event, data) => errors.push((data.fatal ? 'fatal ' : '') + data.details));
  hls.loadSource(new URLSearchParams(location.search).get('src'));
  hls.attachMedia(video);
  hls.on(Hls.Events.MANIFEST_PARSED, () => video.play().catch((error) => errors.push('play: ' + error.message)));
  window.player = { hls, video, errors };
</script>
</body></html>`;
