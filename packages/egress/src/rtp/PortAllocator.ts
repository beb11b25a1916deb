import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';

/**
 * Hands out even/odd UDP port pairs (RTP, RTCP) on loopback for FFmpeg to receive on, from a
 * configured range, skipping ports something else holds.
 */
export class PortAllocator {
  readonly #used = new Set<number>();
  #next: number;

  constructor(
    readonly min: number,
    readonly max: number,
  ) {
    this.#next = min + (min % 2);
  }

  async allocate(): Promise<number> {
    const pairs = Math.floor((this.max - this.min) / 2);
    for (let i = 0; i < pairs; i++) {
      const port = this.#advance();
      if (this.#used.has(port)) continue;
      if ((await isFree(port)) && (await isFree(port + 1))) {
        this.#used.add(port);
        return port;
      }
    }
    throw new Error(`no free UDP port pair in ${this.min}-${this.max}`);
  }

  release(port: number): void {
    this.#used.delete(port);
  }

  #advance(): number {
    const port = this.#next;
    this.#next += 2;
    if (this.#next + 1 > this.max) this.#next = this.min + (this.min % 2);
    return port;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/**
 * Waits until some process has bound UDP `port` on loopback, by reading /proc/net/udp: FFmpeg says
 * nothing when its RTP socket is ready, and RTP sent before that is lost (keyframe included).
 */
export async function waitForUdpListener(port: number, timeoutMs: number, isCancelled: () => boolean = () => false): Promise<boolean> {
  const needle = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !isCancelled()) {
    const table = await readFile('/proc/net/udp', 'utf8').catch(() => '');
    if (table.split('\n').some((line) => line.trim().split(/\s+/)[1]?.endsWith(needle.trim()))) return true;
    await new Promise((r) => setTimeout(r, 15));
  }
  return false;
}
