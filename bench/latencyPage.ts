import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CLOCK_BAND, CLOCK_BLOCKS } from '@roomcast/egress';

export interface LatencyPage {
  /** The player page for a master playlist, with or without hls.js's low-latency mode (parts). */
  url(masterUrl: string, lowLatency: boolean): string;
  close(): Promise<void>;
}

/**
 * A page that plays an HLS stream with hls.js and reads the clock barcode the synthetic publisher
 * burnt into the picture (packages/egress/src/synthetic/clockBarcode.ts) off the displayed frame:
 * `window.readFrame()` draws the current video frame on a canvas and returns the blocks' luma and
 * the page's wall clock at that moment. Node decodes the clock and takes the difference.
 */
export async function startLatencyPage(): Promise<LatencyPage> {
  const require = createRequire(import.meta.url);
  const hlsJs = await readFile(join(dirname(require.resolve('hls.js/package.json')), 'dist', 'hls.min.js'));
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/hls.min.js') return void response.writeHead(200, { 'content-type': 'text/javascript' }).end(hlsJs);
    if (path === '/') return void response.writeHead(200, { 'content-type': 'text/html' }).end(page());
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: (masterUrl, lowLatency) => `http://127.0.0.1:${port}/?src=${encodeURIComponent(masterUrl)}&ll=${lowLatency ? 1 : 0}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function page(): string {
  return `<!doctype html>
<html><body>
<video id="video" muted autoplay playsinline></video>
<canvas id="canvas" style="display:none"></canvas>
<script src="/hls.min.js"></script>
<script>
  const params = new URLSearchParams(location.search);
  const video = document.getElementById('video');
  const canvas = document.getElementById('canvas');
  const errors = [];
  const hls = new Hls({ lowLatencyMode: params.get('ll') === '1' });
  hls.on(Hls.Events.ERROR, (_event, data) => errors.push((data.fatal ? 'fatal ' : '') + data.details));
  hls.loadSource(params.get('src'));
  hls.attachMedia(video);
  hls.on(Hls.Events.MANIFEST_PARSED, () => video.play().catch((error) => errors.push('play: ' + error.message)));
  window.readFrame = () => {
    const width = video.videoWidth, height = video.videoHeight;
    if (!width || video.readyState < 2) return undefined;
    canvas.width = width; canvas.height = height;
    const context = canvas.getContext('2d', { willReadFrequently: true });
    context.drawImage(video, 0, 0, width, height);
    const row = Math.floor(height * ${CLOCK_BAND.heightFraction} / 2);
    const pixels = context.getImageData(0, row, width, 1).data;
    const luma = [];
    for (let i = 0; i < ${CLOCK_BLOCKS}; i++) {
      const x = Math.floor(((i + 0.5) * width) / ${CLOCK_BLOCKS}) * 4;
      luma.push(0.299 * pixels[x] + 0.587 * pixels[x + 1] + 0.114 * pixels[x + 2]);
    }
    return { luma, now: Date.now(), currentTime: video.currentTime, hlsLatency: hls.latency };
  };
  window.player = { hls, video, errors };
</script>
</body></html>`;
}
