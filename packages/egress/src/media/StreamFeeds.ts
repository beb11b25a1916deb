import type { MediaStreamAudioOptions, MediaStreamVideoOptions } from '@roomcast/protocol';
import type { RoomView } from '@roomcast/sfu';
import type { PortAllocator } from '../rtp/PortAllocator.js';
import type { AudioSource, StartVideoFeed, TranscriptSegmentOut } from './feedPorts.js';
import type { RoomTranscriber } from './RoomTranscriber.js';
import type { AudioFrame, Closable, VideoFrame } from './types.js';

export interface StreamFeedsOptions {
  room: RoomView;
  ports: PortAllocator;
  audioSource: AudioSource;
  startVideoFeed: StartVideoFeed;
  /** The room's transcriber when this stream carries transcripts and a recognizer is available. */
  transcriber?: RoomTranscriber;
  audio: MediaStreamAudioOptions | null;
  video: Required<MediaStreamVideoOptions> | null;
  transcript: boolean;
  onAudio: (frame: AudioFrame) => void;
  onVideo: (frame: VideoFrame) => void;
  onTranscript: (participantId: string, segment: TranscriptSegmentOut) => void;
}

/**
 * The sources one stream reads while it runs: subscriptions to the room's audio (per participant
 * or mixed) and transcripts, and a video feed. Started when the stream starts or resumes, stopped
 * when it pauses or stops, so a paused stream costs nothing.
 */
export class StreamFeeds {
  readonly #unsubscribe: Array<() => void> = [];
  #video: Closable | undefined;
  #running = false;

  constructor(readonly options: StreamFeedsOptions) {}

  get running(): boolean {
    return this.#running;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const o = this.options;
    if (o.audio) {
      const format = { codec: o.audio.codec, sample_rate: o.audio.sample_rate };
      const subscribe = o.audio.per_participant ? o.audioSource.subscribe : o.audioSource.subscribeMix;
      this.#unsubscribe.push(subscribe.call(o.audioSource, format, o.onAudio));
    }
    if (o.transcript && o.transcriber) this.#unsubscribe.push(o.transcriber.subscribe(o.onTranscript));
    if (o.video) {
      const { codec, fps, width, source } = o.video;
      this.#video = o.startVideoFeed({ room: o.room, ports: o.ports, format: { codec, fps, width }, source, onFrame: o.onVideo });
    }
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    const closing: Array<Promise<void>> = [];
    if (this.#video) closing.push(this.#video.close());
    this.#video = undefined;
    await Promise.all(closing);
  }
}
