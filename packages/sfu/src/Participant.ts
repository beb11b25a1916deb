import type { types as ms } from 'mediasoup';
import { AppError, type Capability, CapabilitySchema, type ParticipantInfo, type Role, type TrackSource } from '@roomcast/protocol';
import type { NotificationData, NotificationMethod } from '@roomcast/protocol';
import { TypedEmitter } from './TypedEmitter.js';

/** Sends a signaling notification to this participant's client (a no-op for server-side publishers). */
export type Notifier = <M extends NotificationMethod>(method: M, data: NotificationData<M>) => void;

export interface ParticipantOptions {
  id: string;
  identity: string;
  name: string;
  role: Role;
  /** Explicit capabilities from the token; when absent the role's defaults apply. */
  capabilities?: Capability[];
  notify: Notifier;
  /** A hidden participant (the web layout's recorder) only subscribes: it is not listed, announced, or shown in layouts. */
  hidden?: boolean;
}

export interface PublishedTrack {
  producer: ms.Producer;
  source: TrackSource;
}

export interface ParticipantEvents extends Record<string, unknown[]> {
  /** The participant's media went silent (ICE disconnected / DTLS failed) past the grace period. */
  mediaTimeout: [];
  closed: [];
}

/** What each role may do when neither its token nor its room's type says otherwise. */
export const ROLE_CAPABILITIES: Record<Role, readonly Capability[]> = {
  moderator: CapabilitySchema.options,
  participant: ['publish', 'subscribe'],
  viewer: ['subscribe'],
};

/** A member of a room and everything it owns: transports, producers, consumers. */
export class Participant extends TypedEmitter<ParticipantEvents> {
  readonly id: string;
  readonly identity: string;
  readonly name: string;
  readonly role: Role;
  readonly hidden: boolean;
  readonly joinedAt = new Date();
  readonly notify: Notifier;
  readonly transports = new Map<string, ms.Transport>();
  readonly producers = new Map<string, PublishedTrack>();
  readonly consumers = new Map<string, ms.Consumer>();
  /** Producers a consumer is being made of right now: a second concurrent consume of one is skipped. */
  readonly consuming = new Set<string>();
  /** WebRTC transports created over the session, per direction (limited; see ParticipantLimits). */
  readonly transportsCreated = { send: 0, recv: 0 };
  /** Producers being created right now, by kind and source (one of each at a time). */
  readonly #producing = new Set<string>();
  readonly #capabilities: ReadonlySet<Capability>;
  rtpCapabilities: ms.RtpCapabilities | undefined;
  joined = false;
  #closed = false;

  constructor(options: ParticipantOptions) {
    super();
    this.id = options.id;
    this.identity = options.identity;
    this.name = options.name;
    this.role = options.role;
    this.notify = options.notify;
    this.hidden = options.hidden === true;
    // A viewer never publishes, whatever its token's capabilities say.
    const granted = this.hidden ? (['subscribe'] as const) : (options.capabilities ?? ROLE_CAPABILITIES[options.role]);
    this.#capabilities = new Set(options.role === 'viewer' ? granted.filter((c) => c !== 'publish') : granted);
  }

  get closed(): boolean {
    return this.#closed;
  }

  can(capability: Capability): boolean {
    return this.#capabilities.has(capability);
  }

  assertCan(capability: Capability): void {
    if (!this.can(capability)) {
      throw new AppError('forbidden', `your token does not allow "${capability}"`);
    }
  }

  /** The transport this participant receives on: the first WebRTC/plain transport marked for receiving. */
  get recvTransport(): ms.Transport | undefined {
    for (const transport of this.transports.values()) {
      if ((transport.appData as { direction?: string }).direction === 'recv') return transport;
    }
    return undefined;
  }

  /** Whether consumers can be made for it: it joined, told its capabilities and has a receive transport. */
  get canConsume(): boolean {
    return this.joined && !!this.rtpCapabilities && !!this.recvTransport && this.can('subscribe');
  }

  transport(id: string): ms.Transport {
    const transport = this.transports.get(id);
    if (!transport) throw new AppError('transport_not_found', `no transport ${id}`);
    return transport;
  }

  producer(id: string): PublishedTrack {
    const track = this.producers.get(id);
    if (!track) throw new AppError('producer_not_found', `no producer ${id}`);
    return track;
  }

  /**
   * Claims the right to create one producer of this kind and source, checked before the worker is
   * asked (so concurrent requests count too): one camera, one microphone, one screen, one screen
   * audio, `max` in all. `release()` once the producer exists (it then counts in `producers`) or failed.
   */
  reserveProducer(kind: ms.MediaKind, source: TrackSource, max: number): { release(): void } {
    const key = `${kind}:${source}`;
    const taken = [...this.producers.values()].some(({ producer, source: s }) => producer.kind === kind && s === source);
    if (taken || this.#producing.has(key)) throw new AppError('conflict', `a ${source} ${kind} track is already published`);
    if (this.producers.size + this.#producing.size >= max) throw new AppError('limit_exceeded', `at most ${max} tracks per participant`);
    this.#producing.add(key);
    return { release: () => void this.#producing.delete(key) };
  }

  consumer(id: string): ms.Consumer {
    const consumer = this.consumers.get(id);
    if (!consumer) throw new AppError('consumer_not_found', `no consumer ${id}`);
    return consumer;
  }

  info(): ParticipantInfo {
    return {
      id: this.id,
      identity: this.identity,
      name: this.name,
      role: this.role,
      joined_at: this.joinedAt.toISOString(),
      producers: [...this.producers.values()].map(({ producer, source }) => ({
        id: producer.id,
        kind: producer.kind,
        source,
        paused: producer.paused,
      })),
    };
  }

  /** Closes every transport, which in mediasoup closes their producers and consumers too. Safe twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
    this.consuming.clear();
    this.safeEmit('closed');
    this.removeAllListeners();
  }
}
