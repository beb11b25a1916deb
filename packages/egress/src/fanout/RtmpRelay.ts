import { AppError, backoffDelay, type LiveStreamActor, type RtmpBroadcastInfo, type RtmpStatus } from '@roomcast/protocol';
import { TypedEmitter } from '@roomcast/sfu';
import { redactStreamKey, relayArgs, relayOptionsText, relayTarget, type RelayTarget, type RtmpsTls } from '../args/relayArgs.js';
import type { DestinationPolicy, EgressLog } from '../destinations/DestinationPolicy.js';
import { unlinkedFileWith } from '../destinations/optionsFile.js';
import { RELAY_FAILURES, type RelayFailure, relayFailureOf } from '../destinations/relayFailure.js';
import { type FfmpegExit, FfmpegProcess } from '../ffmpeg/FfmpegProcess.js';
import { CoalescingWriter } from './CoalescingWriter.js';
import type { FlvFanout } from './FlvFanout.js';

export interface RtmpRelayOptions {
  name: string;
  streamUrl: string;
  streamKey?: string;
  /** Who asked for this destination (default: the server itself). */
  startedBy?: LiveStreamActor;
  /** Reconnect attempts before giving up (`failed`). */
  maxRetries: number;
  retryBaseMs: number;
  /** Bytes queued for a destination that does not read them before it counts as stalled. */
  stallBytes: number;
  /** A destination silent for this long (handshake or writes) counts as stalled. */
  ioTimeoutMs: number;
  tls: RtmpsTls;
  /** Where a destination may be; checked (and the address pinned) before every connection. */
  destinations: DestinationPolicy;
  /** Why a destination failed, in detail and redacted, for operators (users see a fixed phrase). */
  log?: EgressLog;
}

/** What every destination of a server shares: retry, stall, TLS and destination policy, the log. */
export type RelayPolicy = Omit<RtmpRelayOptions, 'name' | 'streamUrl' | 'streamKey' | 'startedBy'>;

export type RelayEventType = 'started' | 'updated' | 'stopped' | 'failed';

export interface RtmpRelayEvents extends Record<string, unknown[]> {
  /** started: first time live; updated: status/retries changed; stopped: by request; failed: gave up. */
  event: [type: RelayEventType, info: RtmpBroadcastInfo];
}

/** Who stops a destination when nobody asked: the room closed, the server stopped, the composite ended. */
export const SYSTEM_ACTOR: LiveStreamActor = { type: 'system', identity: null };

/**
 * The relay's input is written at most this often (CoalescingWriter): one write per burst of the
 * encoder's output instead of one per read, each of which wakes the relay's FFmpeg.
 */
export const RELAY_WRITE_WINDOW_MS = 25;

/** A connection that stayed up this long resets the attempt counter. */
const HEALTHY_AFTER_MS = 30_000;

/**
 * One destination: an FFmpeg copy relay fed from the fan-out. A relay that is refused, dropped or
 * stalls is restarted with backoff while the others stream on. The stream key is never in FFmpeg's
 * command line (it reads it from fd 3), a status, an error or a log.
 */
export class RtmpRelay extends TypedEmitter<RtmpRelayEvents> {
  #status: RtmpStatus = 'starting';
  #startedAt: Date | null = null;
  #liveSince = 0;
  #error: RelayFailure | null = null;
  #retries = 0;
  #everLive = false;
  #ffmpeg: FfmpegProcess | undefined;
  #writer: CoalescingWriter | undefined;
  #unsubscribe: (() => void) | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #stopping = false;
  #stoppedAt: Date | null = null;
  #stoppedBy: LiveStreamActor | null = null;

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
      started_by: this.options.startedBy ?? SYSTEM_ACTOR,
      stopped_by: this.#stoppedBy,
      stopped_at: this.#stoppedAt?.toISOString() ?? null,
    };
  }

  start(): void {
    this.#connectOwned();
  }

  /** Stops it for good; `by` is who asked (reported as `stopped_by`, unless it had already failed). */
  async stop(by: LiveStreamActor = SYSTEM_ACTOR): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    if (this.#status !== 'failed') {
      this.#stoppedBy = by;
      this.#stoppedAt = new Date();
    }
    clearTimeout(this.#retryTimer);
    this.#unsubscribe?.();
    // The last bytes reach the destination before FFmpeg's input ends.
    this.#writer?.flush();
    await this.#ffmpeg?.finish(1500);
    if (this.#status !== 'failed') this.#set('stopped', 'stopped');
  }

  /** #connect handles its own failures; this is the owner of anything it did not foresee. */
  #connectOwned(): void {
    this.#connect().catch((error: unknown) => this.#onFailure(RELAY_FAILURES.startFailed, error));
  }

  async #connect(): Promise<void> {
    if (this.#stopping) return;
    let target: RelayTarget;
    try {
      const address = await this.options.destinations.resolve(this.options.streamUrl);
      target = relayTarget(this.options.streamUrl, this.options.streamKey, address);
    } catch (error) {
      const refused = error instanceof AppError && error.code === 'destination_not_allowed';
      return this.#onFailure(refused ? RELAY_FAILURES.notAllowed : RELAY_FAILURES.startFailed, error);
    }
    if (this.#stopping) return;
    let ffmpeg: FfmpegProcess;
    try {
      ffmpeg = await this.#spawn(target);
    } catch (error) {
      return this.#onFailure(RELAY_FAILURES.startFailed, error);
    }
    this.#ffmpeg = ffmpeg;
    if (this.#stopping) return void (await ffmpeg.stop());
    let stalled = false;
    const writer = new CoalescingWriter(ffmpeg.stdin, RELAY_WRITE_WINDOW_MS);
    this.#writer = writer;
    this.#unsubscribe = this.fanout.add({
      write: (bytes) => {
        if (writer.pendingBytes > this.options.stallBytes) {
          // The destination stopped reading: drop it and reconnect instead of buffering forever.
          stalled = true;
          void ffmpeg.stop(500); // never rejects; the exit handler reports it
          return false;
        }
        writer.write(bytes);
        return true;
      },
    });
    ffmpeg.stdout.setEncoding('utf8').on('data', (text: string) => {
      if (/total_size=[1-9]/.test(text) && this.#status !== 'live') this.#onLive();
    });
    ffmpeg.once('exit', (exit) => this.#onExit(exit, stalled));
  }

  /** FFmpeg with only scheme://host:port in its argv; app, key and tcUrl from an unlinked file on fd 3. */
  async #spawn(target: RelayTarget): Promise<FfmpegProcess> {
    const file = await unlinkedFileWith(relayOptionsText(target.options));
    try {
      const args = relayArgs(target.connectUrl, { ...this.options, verifyHost: target.verifyHost });
      return await FfmpegProcess.spawn(args, { pipes: { stdin: true, stdout: true }, files: [file.fd] });
    } finally {
      await file.close();
    }
  }

  #onLive(): void {
    this.#liveSince = Date.now();
    this.#startedAt ??= new Date();
    this.#error = null;
    const first = !this.#everLive;
    this.#everLive = true;
    this.#set('live', first ? 'started' : 'updated');
  }

  #onExit(exit: FfmpegExit, stalled: boolean): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#writer?.discard();
    this.#writer = undefined;
    if (this.#stopping) return;
    if (this.#status === 'live' && Date.now() - this.#liveSince > HEALTHY_AFTER_MS) this.#retries = 0;
    const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
    this.#onFailure(relayFailureOf(exit, stalled), `FFmpeg ${how}:\n${exit.stderr.slice(-8).join('\n')}`);
  }

  /** Users see `failure`; the operator's log gets `detail` (an error or FFmpeg's words), redacted. */
  #onFailure(failure: RelayFailure, detail: unknown): void {
    if (this.#stopping) return;
    this.#error = failure;
    const text = detail instanceof Error ? detail.message : String(detail);
    this.options.log?.warn(
      { broadcast: this.options.name, retries: this.#retries, reason: failure },
      `RTMP destination "${this.options.name}": ${failure}. ${redactStreamKey(text, this.options.streamKey)}`,
    );
    if (this.#retries >= this.options.maxRetries) {
      this.#set('failed', 'failed');
      return;
    }
    this.#retries++;
    this.#set('retrying', 'updated');
    const delay = backoffDelay(this.#retries - 1, { initialDelayMs: this.options.retryBaseMs, maxDelayMs: 30_000, factor: 2, jitter: 0.1 });
    this.#retryTimer = setTimeout(() => this.#connectOwned(), delay);
  }

  #set(status: RtmpStatus, event: RelayEventType): void {
    this.#status = status;
    if (status === 'failed') this.#stoppedAt ??= new Date();
    this.safeEmit('event', event, this.info());
  }
}
