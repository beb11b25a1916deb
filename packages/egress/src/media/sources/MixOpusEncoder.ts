import { opusEncoderArgs } from '../../args/mediaStreamArgs.js';
import { RestartPolicy } from '../../composite/RestartPolicy.js';
import { FfmpegProcess } from '../../ffmpeg/FfmpegProcess.js';
import { isOpusHeader, OggPacketReader } from './OggPacketReader.js';

/** PCM waiting in FFmpeg's stdin beyond this is dropped: an encoder that stalls must not grow memory. */
const MAX_PENDING_BYTES = 64 * 1024;

/**
 * The mix's Opus encoder: 20 ms of PCM in on stdin, one Opus packet out per 20 ms. Restarted with
 * backoff if it dies; PCM written meanwhile is dropped (the app hears a gap, never a burst).
 */
export class MixOpusEncoder {
  readonly #policy = new RestartPolicy({ initialDelayMs: 500, maxDelayMs: 30_000, healthyAfterMs: 30_000, jitter: 0.2 });
  #ffmpeg: FfmpegProcess | undefined;
  #startedAt = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #starting: Promise<void> | undefined;
  #closed = false;

  constructor(
    readonly sampleRate: number,
    readonly onPacket: (packet: Buffer) => void,
    readonly onError: (error: unknown) => void = () => {},
  ) {
    this.#start();
  }

  get pid(): number | undefined {
    return this.#ffmpeg?.running ? this.#ffmpeg.pid : undefined;
  }

  write(pcm: Buffer): void {
    const ffmpeg = this.#ffmpeg;
    if (!ffmpeg?.running || this.#closed) return;
    const stdin = ffmpeg.stdin;
    if (stdin.writableLength > MAX_PENDING_BYTES) return;
    stdin.write(pcm);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    await this.#starting;
    await this.#ffmpeg?.stop(1000);
  }

  #start(): void {
    this.#starting = this.#spawn()
      .catch((error: unknown) => {
        this.onError(error);
        this.#scheduleRestart();
      })
      .finally(() => (this.#starting = undefined));
  }

  async #spawn(): Promise<void> {
    const ffmpeg = await FfmpegProcess.spawn(opusEncoderArgs(this.sampleRate), { pipes: { stdin: true, stdout: true } });
    if (this.#closed) {
      await ffmpeg.stop(1000);
      return;
    }
    this.#ffmpeg = ffmpeg;
    this.#startedAt = Date.now();
    const reader = new OggPacketReader((packet) => {
      if (!this.#closed && !isOpusHeader(packet)) this.onPacket(packet);
    });
    ffmpeg.stdout.on('data', (chunk: Buffer) => reader.push(chunk));
    ffmpeg.once('exit', (exit) => {
      if (exit.expected || this.#closed) return;
      this.onError(new Error(`the mix's Opus encoder died: ${exit.stderr.slice(-3).join(' | ')}`));
      this.#scheduleRestart();
    });
  }

  #scheduleRestart(): void {
    if (this.#closed) return;
    const delay = this.#policy.onExit(Date.now() - this.#startedAt) ?? 0;
    this.#retryTimer = setTimeout(() => !this.#closed && this.#start(), delay);
  }
}
