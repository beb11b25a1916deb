import type { WebhookEvent } from '@roomcast/protocol';
import type { RecorderConfig } from './config.js';
import { StreamRecording, type Log } from './StreamRecording.js';

/** Starts a StreamRecording per `media_stream.started`, stops it on `media_stream.stopped`. */
export class Recorder {
  readonly #recordings = new Map<string, StreamRecording>();

  constructor(
    readonly config: RecorderConfig,
    readonly log: Log,
  ) {}

  /** The recording of a stream while it runs (for tests and status pages). */
  recording(streamId: string): StreamRecording | undefined {
    return this.#recordings.get(streamId);
  }

  handle(event: WebhookEvent): void {
    const streamId = typeof event.data.stream_id === 'string' ? event.data.stream_id : undefined;
    if (!streamId) return;
    if (event.type === 'media_stream.started') this.#start(event, streamId);
    else if (event.type === 'media_stream.stopped') this.#recordings.get(streamId)?.stop().catch(() => undefined);
  }

  /** Stops every recording; resolves when their files are finished. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#recordings.values()].map((recording) => recording.stop()));
  }

  #start(event: WebhookEvent, streamId: string): void {
    const { server_urls: serverUrl, room_id: roomId } = event.data;
    if (this.#recordings.has(streamId)) return; // a repeat delivery, or a restart we already follow
    if (typeof serverUrl !== 'string' || !/^wss?:\/\//.test(serverUrl) || typeof roomId !== 'string') {
      this.log(`media_stream.started ${event.id} without a ws(s) server_urls or room_id: ignored`);
      return;
    }
    const { clientId, clientSecret, outDir, reconnectWindowMs } = this.config;
    const recording = new StreamRecording({
      outDir,
      log: this.log,
      connect: { serverUrl, roomId, streamId, clientId, clientSecret, reconnect: { windowMs: reconnectWindowMs } },
    });
    this.#recordings.set(streamId, recording);
    this.log(`recording stream ${streamId} of room ${roomId} into ${recording.dir}`);
    // The entry goes when the recording is over (done does not reject: StreamRecording logs its failures).
    const forget = (): void => void this.#recordings.delete(streamId);
    recording.done.then(forget, forget);
  }
}
