import { backoffDelay, type RtmpBroadcastInfo, type RtmpStatus } from '@roomcast/protocol';
import { TypedEmitter } from '@roomcast/sfu';
import { destinationUrl, redactStreamKey, relayArgs, type RtmpsTls } from '../args/relayArgs.js';
import { describeFfmpegExit, type FfmpegExit, FfmpegProcess } from '../ffmpeg/FfmpegProcess.js';
import type { FlvFanout } from './FlvFanout.js';

export interface RtmpRelayOptions {
  name: string;
  streamUrl: string;
  streamKey?: string;
  /** Reconnect attempts before giving up (`failed`). */
  maxRetries: number;
  retryBaseMs: number;
  /** Bytes queued for a destination that does not read them before it counts as stalled. */
  stallBytes: number;
  /** A destination silent for this long (handshake or writes) counts as stalled. */
  ioTimeoutMs: number;
  tls: RtmpsTls;
}

/** What every destination of a server shares: retry, stall and TLS policy. */
export type RelayPolicy = Omit<RtmpRelayOptions, 'name' | 'streamUrl' | 'streamKey'>;

export type RelayEventType = 'started' | 'updated' | 'stopped' | 'failed';

export interface RtmpRelayEvents extends Record<string, unknown[]> {
  /** started: first time live; updated: status/retries changed; stopped: by request; failed: gave up. */
  event: [type: RelayEventType, info: RtmpBroadcastInfo];
}

/** A connection that stayed up this long resets the attempt counter. */
const HEALTHY_AFTER_MS = 30_000;

/**
 * One destination: an FFmpeg copy relay fed from the fan-out. A relay that is refused, dropped or
 * stalls is restarted with backoff while the others stream on; the stream key appears only in the
 * argument list FFmpeg gets, never in a status, an error or a log.
 */
export class RtmpRelay extends TypedEmitter<RtmpRelayEvents> {
  #status: RtmpStatus = 'starting';
  #startedAt: Date | null = null;
  #liveSince = 0;
  #error: string | null = null;
  #retries = 0;
  #everLive = false;
  #ffmpeg: FfmpegProcess | undefined;
  #unsubscribe: (() => void) | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #stopping = false;

  constructor(
    readonly options: RtmpRelayOptions,
    readonly fanout: FlvFanout,
  ) {
    super();
  }

  get name(): string {
    return this.options.name;
  }

  /** The relay FFmpeg's pid: a new one means the destination was reconnected. */
  get pid(): number | undefined {
    return this.#ffmpeg?.pid;
  }

  get status(): RtmpStatus {
    return this.#status;
  }

  info(): RtmpBroadcastInfo {
    return {
      name: this.options.name,
      status: this.#status,
      started_at: this.#startedAt?.toISOString() ?? null,
      error: this.#error,
      retries: this.#retries,
    };
  }

  start(): void {
    void this.#connect();
  }

  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    clearTimeout(this.#retryTimer);
    this.#unsubscribe?.();
    await this.#ffmpeg?.finish(1500);
    if (this.#status !== 'failed') this.#set('stopped', 'stopped');
  }

  async #connect(): Promise<void> {
    if (this.#stopping) return;
    const url = destinationUrl(this.options.streamUrl, this.options.streamKey);
    let ffmpeg: FfmpegProcess;
    try {
      ffmpeg = await FfmpegProcess.spawn(relayArgs(url, this.options), { pipes: { stdin: true, stdout: true } });
    } catch (error) {
      return this.#onFailure(`cannot start FFmpeg: ${(error as Error).message}`);
    }
    this.#ffmpeg = ffmpeg;
    if (this.#stopping) return void (await ffmpeg.stop());
    this.#unsubscribe = this.fanout.add({
      write: (bytes) => {
        if (ffmpeg.stdin.writableLength > this.options.stallBytes) {
          // The destination stopped reading: drop it and reconnect instead of buffering forever.
          void ffmpeg.stop(500);
          return false;
        }
        return ffmpeg.stdin.write(bytes);
      },
    });
    ffmpeg.stdout.setEncoding('utf8').on('data', (text: string) => {
      if (/total_size=[1-9]/.test(text) && this.#status !== 'live') this.#onLive();
    });
    ffmpeg.once('exit', (exit) => this.#onExit(exit));
  }

  #onLive(): void {
    this.#liveSince = Date.now();
    this.#startedAt ??= new Date();
    this.#error = null;
    const first = !this.#everLive;
    this.#everLive = true;
    this.#set('live', first ? 'started' : 'updated');
  }

  #onExit(exit: FfmpegExit): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (this.#stopping) return;
    if (this.#status === 'live' && Date.now() - this.#liveSince > HEALTHY_AFTER_MS) this.#retries = 0;
    const reason = exit.stderr.length ? describeFfmpegExit(exit) : 'the destination closed the connection';
    this.#onFailure(redactStreamKey(reason, this.options.streamKey));
  }

  #onFailure(reason: string): void {
    this.#error = reason.slice(0, 500);
    if (this.#retries >= this.options.maxRetries) {
      this.#set('failed', 'failed');
      return;
    }
    this.#retries++;
    this.#set('retrying', 'updated');
    const delay = backoffDelay(this.#retries - 1, { initialDelayMs: this.options.retryBaseMs, maxDelayMs: 30_000, factor: 2, jitter: 0.1 });
    this.#retryTimer = setTimeout(() => void this.#connect(), delay);
  }

  #set(status: RtmpStatus, event: RelayEventType): void {
    this.#status = status;
    this.safeEmit('event', event, this.info());
  }
}
