import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  MediaStreamClient,
  type AudioData,
  type ConnectOptions,
  type ConnectResult,
} from '@roomcast/media-stream-client';
import { TranscriptWriter } from './TranscriptWriter.js';
import { WavWriter, type WavFormat } from './WavWriter.js';

export type Log = (message: string) => void;

export interface StreamRecordingOptions {
  outDir: string;
  connect: Omit<ConnectOptions, 'mediaTypes'>;
  log: Log;
}

/** Only letters, digits, `_` and `-` reach the file system: user names are anyone's input. */
export function sanitizeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 64) || 'unknown';
}

/** `media_params.audio` → the WAV format, or undefined when the audio is not PCM (Opus is not written). */
export function wavFormatOf(result: ConnectResult | undefined): WavFormat | undefined {
  const audio = result?.mediaParams.audio as Record<string, unknown> | undefined;
  if (!audio || (audio.codec !== undefined && audio.codec !== 'pcm_s16le')) return undefined;
  const rate = audio.sample_rate;
  const channels = typeof audio.channels === 'number' ? audio.channels : 1;
  return { sampleRate: rate === 48000 ? 48000 : 16000, channels };
}

/**
 * One media stream recorded to `<outDir>/<stream_id>/`: one WAV per participant
 * (`<user_id>-<user_name>.wav`) and `transcript.txt`. Ends, with its files finished, when the
 * stream stops, when `stop()` is called, or when the connection is lost for good.
 */
export class StreamRecording {
  readonly dir: string;
  /** Settles once every file is finished. */
  readonly done: Promise<void>;
  readonly #writers = new Map<number, WavWriter>();
  readonly #transcript: TranscriptWriter;
  #client: MediaStreamClient | undefined;
  #stopped = false;
  #warnedOpus = false;
  #finished = false;

  constructor(readonly options: StreamRecordingOptions) {
    this.dir = join(options.outDir, sanitizeFileName(options.connect.streamId));
    this.#transcript = new TranscriptWriter(join(this.dir, 'transcript.txt'));
    this.done = this.#run();
  }

  /** Closes the connection; `done` settles once the files are finished. */
  stop(): Promise<void> {
    this.#stopped = true;
    this.#client?.close().catch(() => undefined);
    return this.done;
  }

  async #run(): Promise<void> {
    const { log } = this.options;
    try {
      await mkdir(this.dir, { recursive: true });
      // Without a recognizer the server grants the audio alone and says so in media_params.
      const { closed } = await this.#connect(['audio', 'transcript']);
      const { reason, error } = await closed;
      log(`stream ${this.options.connect.streamId} ended: ${reason}${error ? ` (${error.message})` : ''}`);
    } catch (error) {
      log(`stream ${this.options.connect.streamId} could not be recorded: ${(error as Error).message}`);
    } finally {
      await this.#finishFiles();
    }
  }

  /** Connects; `closed` settles when the client ends (wrapped: an async function would wait for it). */
  async #connect(mediaTypes: ConnectOptions['mediaTypes']): Promise<{ closed: Promise<{ reason: string; error?: Error }> }> {
    const client = new MediaStreamClient();
    this.#client = client;
    const closed = new Promise<{ reason: string; error?: Error }>((resolve) => client.once('close', resolve));
    client.on('audio', (frame) => this.#onAudio(client, frame));
    client.on('transcript', (segment) => {
      if (!this.#finished) this.#transcript.write(segment);
    });
    client.on('reconnecting', ({ attempt, cause }) => this.options.log(`reconnecting (attempt ${attempt}): ${cause.message}`));
    client.on('reconnected', () => this.options.log(`reconnected to ${this.options.connect.streamId}`));
    client.on('streamState', ({ state, reason }) => this.options.log(`stream state ${state}${reason ? ` (${reason})` : ''}`));
    const { mediaParams } = await client.connect({ ...this.options.connect, mediaTypes });
    if (mediaParams.transcript_unavailable) this.options.log('the server has no speech recognizer: audio only');
    // stop() may have come while the handshake ran.
    if (this.#stopped) await client.close();
    return { closed };
  }

  #onAudio(client: MediaStreamClient, frame: AudioData): void {
    if (this.#finished) return;
    let writer = this.#writers.get(frame.userId);
    if (!writer) {
      const format = wavFormatOf(client.connection);
      if (!format) {
        if (!this.#warnedOpus) this.options.log('audio is not pcm_s16le: not written (ask for pcm_s16le when starting the stream)');
        this.#warnedOpus = true;
        return;
      }
      const name = sanitizeFileName(frame.userName || (frame.userId === 0 ? 'mix' : 'unknown'));
      writer = new WavWriter(join(this.dir, `${frame.userId}-${name}.wav`), format);
      this.#writers.set(frame.userId, writer);
    }
    writer.write(frame.data);
  }

  async #finishFiles(): Promise<void> {
    this.#finished = true;
    const results = await Promise.allSettled([...[...this.#writers.values()].map((w) => w.close()), this.#transcript.close()]);
    for (const result of results) if (result.status === 'rejected') this.options.log(`a file could not be finished: ${String(result.reason)}`);
  }
}
