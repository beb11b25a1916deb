import { type ChildProcess, spawn } from 'node:child_process';
import { ffmpegPath } from '@roomcast/egress';

/** In every reader's argument list, so its process is never counted as egress. */
export const READER_MARKER = 'roomcast-bench-reader';

/**
 * A player at an RTMP destination that reports when the first decoded video frame comes out.
 * Started before the broadcast: nginx-rtmp holds a player of a stream nobody publishes yet, and
 * a refused or dropped connection is simply retried until `timeoutMs`. FFmpeg decodes one frame
 * (single-threaded, so no frame-thread delay) and writes it raw to stdout; the first stdout
 * byte is the moment the frame was decoded. The reader then exits.
 */
export class FirstFrameReader {
  /** performance.now() of the first byte of the first decoded frame. */
  firstFrameAt: number | undefined;
  attempts = 0;
  lastError = '';
  readonly done: Promise<number | undefined>;
  #child: ChildProcess | undefined;
  #cancelled = false;

  constructor(
    readonly url: string,
    readonly timeoutMs = 20_000,
  ) {
    this.done = this.#run();
  }

  /** Kills the running FFmpeg (if any) and stops retrying; resolves when it has exited. */
  async cancel(): Promise<void> {
    this.#cancelled = true;
    this.#child?.kill('SIGKILL');
    await this.done;
  }

  async #run(): Promise<number | undefined> {
    const deadline = performance.now() + this.timeoutMs;
    while (!this.#cancelled && this.firstFrameAt === undefined && performance.now() < deadline) {
      this.attempts++;
      await this.#attempt(deadline - performance.now());
      if (this.firstFrameAt === undefined && !this.#cancelled) await new Promise((r) => setTimeout(r, 100));
    }
    return this.firstFrameAt;
  }

  #attempt(timeLeftMs: number): Promise<void> {
    return new Promise((resolve) => {
      const child = spawn(ffmpegPath(), readerArgs(this.url), { stdio: ['ignore', 'pipe', 'pipe'] });
      this.#child = child;
      const timer = setTimeout(() => child.kill('SIGKILL'), Math.max(0, timeLeftMs));
      child.stdout!.once('data', () => {
        this.firstFrameAt ??= performance.now();
      });
      child.stdout!.resume();
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (t: string) => (stderr = (stderr + t).slice(-400)));
      child.once('error', (e) => (this.lastError = e.message));
      child.once('close', () => {
        clearTimeout(timer);
        if (stderr.trim()) this.lastError = stderr.trim();
        this.#child = undefined;
        resolve();
      });
    });
  }
}

function readerArgs(url: string): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    // The audio stream may show up well before the video one: probing must not stop at the
    // first stream found (a tiny -analyzeduration does), so it ends when both have codec
    // parameters (-analyzeduration 0 would mean FFmpeg's default, 5 s). -fpsprobesize 0: no
    // waiting ~20 frames to guess the frame rate (1.3 s here). Packets read while probing are
    // kept (no +nobuffer), so the first keyframe is not thrown away.
    '-analyzeduration', '15000000', '-probesize', '10000000', '-fpsprobesize', '0',
    '-flags', 'low_delay', '-threads', '1',
    '-f', 'flv', '-i', url,
    '-map', '0:v:0', '-frames:v', '1',
    '-metadata', `comment=${READER_MARKER}`,
    '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1',
  ];
}
