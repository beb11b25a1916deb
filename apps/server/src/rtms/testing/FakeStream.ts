import type { MediaStreamKind, MediaStreamState } from '@roomcast/protocol';
import type { AppLike, AppLookup, MediaConnection, SignalingObserver, StreamLike, StreamLookup } from '../ports.js';

/**
 * A stand-in for the egress's MediaStream in the sockets' tests, until the real one lands: it
 * carries what it is told to and records who attached, so tests push media by hand. The
 * end-to-end tests with real media use the real MediaStream.
 */
export class FakeStream implements StreamLike {
  readonly connections: MediaConnection[] = [];
  readonly observers: SignalingObserver[] = [];
  ended = false;
  readonly participants: Array<{ userId: number; userName: string; state: MediaStreamState }> = [];
  transcriptAvailable: boolean;
  readonly #carries: ReadonlySet<MediaStreamKind>;

  constructor(
    readonly id: string,
    readonly appId: string,
    readonly roomName: string,
    carries: MediaStreamKind[] = ['audio'],
    options: { transcriptAvailable?: boolean } = {},
  ) {
    this.#carries = new Set(carries);
    this.transcriptAvailable = options.transcriptAvailable ?? true;
  }

  info() {
    return {
      audio: this.#carries.has('audio') ? { codec: 'pcm_s16le', sample_rate: 16000, channels: 1 } : null,
      video: this.#carries.has('video') ? { codec: 'h264' } : null,
      transcript: this.#carries.has('transcript'),
    };
  }

  mediaParams(): Record<string, unknown> {
    return { audio: this.info().audio };
  }

  sessions(): Array<{ userId: number; userName: string; state: MediaStreamState }> {
    return [...this.participants];
  }

  attachMedia(connection: MediaConnection): () => void {
    this.connections.push(connection);
    return () => this.connections.splice(this.connections.indexOf(connection) >>> 0, 1);
  }

  attachSignaling(observer: SignalingObserver): () => void {
    this.observers.push(observer);
    return () => this.observers.splice(this.observers.indexOf(observer) >>> 0, 1);
  }
}

export function streamLookup(streams: FakeStream[]): StreamLookup {
  return { get: (id) => streams.find((s) => s.id === id) };
}

export function appLookup(apps: AppLike[]): AppLookup {
  return { byId: (id) => apps.find((a) => a.id === id), all: () => apps };
}
