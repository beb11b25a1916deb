import { backoffDelay, type BackoffPolicy } from '@roomcast/protocol';
import { type FfmpegExit, FfmpegProcess } from '../../ffmpeg/FfmpegProcess.js';
import { AsrMetadataParser, isTranscriptLine } from './asrMetadata.js';
import { FeedTimeline } from './FeedTimeline.js';
import { BYTES_PER_MS, type RecognizerSession, type RecognizerSessionOptions, safeCall } from './Recognizer.js';
import { levelDbfs, DEFAULT_SPEECH_THRESHOLD_DBFS } from './speechEnergy.js';
import { SpeechOnsets } from './SpeechOnsets.js';

/** Audio FFmpeg may be behind by before writes are dropped: a slow recognizer must not grow memory. */
const MAX_BACKLOG_BYTES = 5000 * BYTES_PER_MS;
/** Written on close: pocketsphinx ends an utterance only after ~0.5 s of silence, then emits it. */
const FLUSH_SILENCE_BYTES = 1200 * BYTES_PER_MS;
/**
 * How long close() lets FFmpeg work through what it was given. Pocketsphinx can fall seconds behind
 * on a busy machine (measured: over 3 s for 4 s of speech at a load of 25 on 2 cores), and a
 * SIGTERM before it catches up loses the last words.
 */
const CLOSE_DRAIN_MS = 15_000;
const RESPAWN: BackoffPolicy = { initialDelayMs: 1000, maxDelayMs: 30_000, factor: 2, jitter: 0.2 };
/** A process that ran this long was healthy: the next failure starts the backoff over. */
const HEALTHY_MS = 60_000;

export interface PocketsphinxSessionOptions extends RecognizerSessionOptions {
  args: string[];
  binary?: string;
}

interface Running {
  ffmpeg: FfmpegProcess;
  timeline: FeedTimeline;
  startedAt: number;
}

/**
 * One participant's pocketsphinx recognizer: an FFmpeg `asr` process fed on stdin. If FFmpeg dies,
 * onError says so and a new one starts after a backoff (the audio in between is lost, its time
 * still counts). Segment times are session ms: see FeedTimeline.
 */
export class PocketsphinxSession implements RecognizerSession {
  readonly #options: PocketsphinxSessionOptions;
  readonly #onsets = new SpeechOnsets();
  /** Session time: every byte written counts, fed or not. */
  #writtenMs = 0;
  #previousEndMs = 0;
  #running: Running | undefined;
  /** Written while FFmpeg starts (copies), fed once it runs. */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #pendingTimeline: FeedTimeline | undefined;
  #starting: Promise<void> | undefined;
  #respawnTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  #closing = false;
  #closed: Promise<void> | undefined;
  /** Set once close() is done: no callback after it. */
  #silent = false;

  constructor(options: PocketsphinxSessionOptions) {
    this.#options = options;
    this.#start();
  }

  write(pcm: Buffer): void {
    if (this.#closing) return;
    const ms = pcm.length / BYTES_PER_MS;
    this.#onsets.observe(this.#writtenMs, levelDbfs(pcm) >= DEFAULT_SPEECH_THRESHOLD_DBFS);
    this.#writtenMs += ms;
    const running = this.#running;
    if (running) {
      const stdin = running.ffmpeg.stdin;
      if (stdin.writableLength > MAX_BACKLOG_BYTES) {
        running.timeline.dropped(ms);
        return;
      }
      // A copy: the caller may reuse its buffer before the pipe has taken it.
      stdin.write(Buffer.from(pcm));
      running.timeline.fed(ms);
    } else if (this.#pendingTimeline && this.#pendingBytes + pcm.length <= MAX_BACKLOG_BYTES) {
      this.#pending.push(Buffer.from(pcm));
      this.#pendingBytes += pcm.length;
      this.#pendingTimeline.fed(ms);
    } else {
      this.#pendingTimeline?.dropped(ms);
      // No process and none starting (between a crash and the respawn): the time passes, unheard.
    }
  }

  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    this.#closing = true;
    clearTimeout(this.#respawnTimer);
    await this.#starting;
    const running = this.#running;
    if (running?.ffmpeg.running) {
      // Silence ends the utterance in progress, so its segment arrives before FFmpeg exits.
      running.ffmpeg.stdin.write(Buffer.alloc(FLUSH_SILENCE_BYTES));
      await running.ffmpeg.finish(CLOSE_DRAIN_MS);
    }
    this.#running = undefined;
    this.#silent = true;
  }

  #start(): void {
    this.#pendingTimeline = new FeedTimeline(this.#writtenMs);
    // The owner of the spawn: #spawn reports its own failures, this catch only guards a bug.
    this.#starting = this.#spawn().catch((error: unknown) => this.#report(error as Error));
  }

  async #spawn(): Promise<void> {
    let ffmpeg: FfmpegProcess;
    try {
      ffmpeg = await FfmpegProcess.spawn(this.#options.args, {
        binary: this.#options.binary,
        pipes: { stdin: true },
        stderrLines: 30,
      });
    } catch (error) {
      this.#pendingTimeline = undefined;
      this.#dropPending();
      this.#onFailure(new Error(`speech recognizer could not start: ${(error as Error).message}`));
      return;
    }
    // Even when closing meanwhile: close() flushes and finishes it like any running process.
    const timeline = this.#pendingTimeline ?? new FeedTimeline(this.#writtenMs);
    this.#pendingTimeline = undefined;
    const running: Running = { ffmpeg, timeline, startedAt: Date.now() };
    this.#running = running;
    const parser = new AsrMetadataParser();
    ffmpeg.on('stderrLine', (line) => {
      const result = parser.push(line);
      if (result) this.#onResult(result.text, result.ptsTime, timeline);
    });
    ffmpeg.once('exit', (exit) => this.#onExit(running, exit));
    for (const chunk of this.#pending) ffmpeg.stdin.write(chunk);
    this.#dropPending();
  }

  #dropPending(): void {
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  #onResult(text: string, ptsTime: number, timeline: FeedTimeline): void {
    const end = Math.max(this.#previousEndMs, Math.round(timeline.toSessionMs(ptsTime * 1000)));
    const onset = this.#onsets.firstBetween(this.#previousEndMs, end);
    const start = Math.round(onset ?? this.#previousEndMs);
    this.#previousEndMs = end;
    // An empty hypothesis: noise that pocketsphinx took for speech and heard no word in.
    if (!text || this.#silent) return;
    safeCall(this.#options.onSegment, { text, start, end, final: true });
  }

  #onExit(running: Running, exit: FfmpegExit): void {
    if (this.#running === running) this.#running = undefined;
    if (exit.expected || this.#closing) return;
    if (Date.now() - running.startedAt >= HEALTHY_MS) this.#failures = 0;
    this.#onFailure(new Error(`speech recognizer stopped: ${describeExit(exit)}`));
  }

  #onFailure(error: Error): void {
    this.#report(error);
    if (this.#closing) return;
    const delay = backoffDelay(this.#failures++, RESPAWN);
    this.#respawnTimer = setTimeout(() => {
      if (!this.#closing) this.#start();
    }, delay);
  }

  #report(error: Error): void {
    if (!this.#silent) safeCall(this.#options.onError, error);
  }
}

/** Like describeFfmpegExit, without the lines that hold what someone said. */
function describeExit(exit: FfmpegExit): string {
  const how = exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const tail = exit.stderr.filter((line) => !isTranscriptLine(line)).slice(-3).join(' | ');
  return tail ? `FFmpeg ${how}: ${tail}` : `FFmpeg ${how}`;
}
