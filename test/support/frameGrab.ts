import { execFile, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { promisify } from 'node:util';
import { ffmpegPath } from '@roomcast/egress';

/** One decoded picture as RGB bytes. */
export interface RgbFrame {
  width: number;
  height: number;
  data: Buffer;
  at(x: number, y: number): [number, number, number];
}

/** Decodes the first picture a live URL (an RTMP stream on nginx) gives; FFmpeg is killed after `timeoutMs`. */
export function grabFrame(url: string, width: number, height: number, timeoutMs = 15_000): Promise<RgbFrame> {
  return new Promise((resolve, reject) => {
    const args = ['-hide_banner', '-loglevel', 'error', '-i', url, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
    const child = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      const data = Buffer.concat(chunks);
      if (data.length !== width * height * 3) return reject(new Error(`no ${width}x${height} frame from ${url}: ${stderr.slice(-300)}`));
      resolve({ width, height, data, at: (x, y) => [data[(y * width + x) * 3]!, data[(y * width + x) * 3 + 1]!, data[(y * width + x) * 3 + 2]!] });
    });
  });
}

/** Standard deviation of the picture's brightness: a flat page is near 0, a camera's test pattern is not. */
export function lumaSpread(frame: RgbFrame): number {
  let sum = 0;
  let squares = 0;
  const { data } = frame;
  const n = data.length / 3;
  for (let i = 0; i < data.length; i += 3) {
    const y = 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
    sum += y;
    squares += y * y;
  }
  return Math.sqrt(squares / n - (sum / n) ** 2);
}

/** True when every channel is within `tolerance` of the wanted colour (H.264 shifts colours a little). */
export function near(rgb: readonly number[], hex: string, tolerance = 40): boolean {
  const n = Number.parseInt(hex.slice(1), 16);
  const want = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  return rgb.every((c, i) => Math.abs(c - want[i]!) <= tolerance);
}

/** The first and last column of row `y` whose colour is not `background`, in [from, to). */
export function rowExtent(frame: RgbFrame, y: number, background: string): { first: number; last: number } | undefined {
  let first = -1;
  let last = -1;
  for (let x = 0; x < frame.width; x++) {
    if (near(frame.at(x, y), background)) continue;
    if (first === -1) first = x;
    last = x;
  }
  return first === -1 ? undefined : { first, last };
}

/** A one-colour PNG made by FFmpeg. */
export async function makePng(color: string, size: number): Promise<Buffer> {
  const args = ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `color=c=${color}:s=${size}x${size}`, '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', 'pipe:1'];
  const { stdout } = await promisify(execFile)(ffmpegPath(), args, { encoding: 'buffer', maxBuffer: 1 << 20 });
  return stdout;
}

/** Serves fixed bodies on 127.0.0.1, by path; counts requests. */
export async function startFileServer(files: Record<string, { type: string; body: Buffer }>): Promise<{ url: (path: string) => string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const file = files[request.url ?? ''];
    if (!file) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
