import {
  AppError,
  type EgressState,
  type Layout,
  type Quality,
  type StartRtmpBroadcastsBody,
  type WebhookEventType,
} from '@roomcast/protocol';
import { type Room, type Sfu, TypedEmitter } from '@roomcast/sfu';
import { CompositeEgress } from './composite/CompositeEgress.js';
import { DEFAULT_QUALITY } from './composite/presets.js';
import { drawtextSupport } from './ffmpeg/drawtextSupport.js';
import { ffmpegPath } from './ffmpeg/ffmpegPath.js';
import { PortAllocator } from './rtp/PortAllocator.js';
import type { X264Tuning } from './args/encoderArgs.js';
import type { RelayPolicy } from './fanout/RtmpRelay.js';

export interface EgressServiceOptions {
  /** UDP ports where FFmpeg decoders receive RTP from mediasoup (loopback only). */
  rtpPorts: { min: number; max: number };
  maxDestinationsPerRoom: number;
  maxDestinationsPerServer: number;
  maxComposites: number;
  background: string;
  placeholderColor: string;
  relay: RelayPolicy;
  x264?: X264Tuning;
}

export interface EgressServiceEvents extends Record<string, unknown[]> {
  /** A room's egress changed: push it to the room and webhooks. */
  event: [room: Room, type: WebhookEventType, data: Record<string, unknown>];
  state: [room: Room, state: EgressState];
}

/**
 * Turns rooms into outside streams: at most one composite per room, feeding any number of named
 * RTMP(S) destinations. Validates requests before changing anything, keeps `room.egress` current,
 * and stops a room's egress when the room closes.
 */
export class EgressService extends TypedEmitter<EgressServiceEvents> {
  readonly composites = new Map<string, CompositeEgress>();
  readonly #ports: PortAllocator;
  readonly #starting = new Map<string, Promise<CompositeEgress>>();

  constructor(
    readonly sfu: Sfu,
    readonly options: EgressServiceOptions,
  ) {
    super();
    this.#ports = new PortAllocator(options.rtpPorts.min, options.rtpPorts.max);
    sfu.on('roomClosed', (room) => void this.#stopRoom(room));
    // Probing FFmpeg for drawtext spawns it twice: do it now, not on the first broadcast's clock.
    void drawtextSupport(ffmpegPath()).catch(() => undefined);
  }

  async startBroadcasts(roomName: string, body: StartRtmpBroadcastsBody): Promise<EgressState> {
    const room = this.sfu.room(roomName);
    const running = this.composites.get(roomName) ?? (await this.#starting.get(roomName));
    this.#validate(room, body, running);
    const composite = running ?? (await this.#startComposite(room, body.layout ?? 'grid', body.quality ?? DEFAULT_QUALITY));
    if (running && body.layout && body.layout !== running.layout) running.setLayout(body.layout);
    for (const destination of body.broadcasts) {
      await this.#forgetEnded(composite, destination.name);
      composite.addDestination(destination.name, destination.stream_url, destination.stream_key);
    }
    return this.#publishState(room);
  }

  async stopBroadcast(roomName: string, name: string): Promise<EgressState> {
    const room = this.sfu.room(roomName);
    const composite = this.composites.get(roomName);
    if (!composite?.relays.has(name)) throw new AppError('egress_not_found', `no broadcast named "${name}" in room ${roomName}`);
    await composite.removeDestination(name);
    if (composite.relays.size === 0) await this.#stopComposite(room, composite);
    return this.#publishState(room);
  }

  async stopAll(roomName: string): Promise<EgressState> {
    const room = this.sfu.room(roomName);
    const composite = this.composites.get(roomName);
    if (composite) await this.#stopComposite(room, composite);
    return this.#publishState(room);
  }

  /** Graceful shutdown: every broadcast is stopped cleanly. */
  async close(): Promise<void> {
    await Promise.all([...this.composites.values()].map((c) => c.stop()));
    this.composites.clear();
  }

  #validate(room: Room, body: StartRtmpBroadcastsBody, running: CompositeEgress | undefined): void {
    const names = body.broadcasts.map((b) => b.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) throw new AppError('conflict', `broadcast name "${duplicate}" is used twice in this request`);
    const live = [...(running?.relays.values() ?? [])].filter((r) => r.status !== 'failed' && r.status !== 'stopped');
    const taken = names.find((n) => live.some((r) => r.name === n));
    if (taken) throw new AppError('conflict', `a broadcast named "${taken}" already exists in room ${room.name}`);
    if (running && body.quality && body.quality !== running.quality) {
      throw new AppError('conflict', `room ${room.name} is already broadcasting at ${running.quality}; stop it first to change quality`);
    }
    if (live.length + names.length > this.options.maxDestinationsPerRoom) {
      throw new AppError('limit_exceeded', `at most ${this.options.maxDestinationsPerRoom} destinations per room`);
    }
    const serverWide = [...this.composites.values()].reduce((n, c) => n + c.relays.size, 0);
    if (serverWide + names.length > this.options.maxDestinationsPerServer) {
      throw new AppError('limit_exceeded', `this server sends at most ${this.options.maxDestinationsPerServer} broadcasts at once`);
    }
    if (!running && this.composites.size + this.#starting.size >= this.options.maxComposites) {
      throw new AppError('limit_exceeded', `this server composites at most ${this.options.maxComposites} rooms at once`);
    }
  }

  async #forgetEnded(composite: CompositeEgress, name: string): Promise<void> {
    const relay = composite.relays.get(name);
    if (relay && (relay.status === 'failed' || relay.status === 'stopped')) await composite.removeDestination(name);
  }

  async #startComposite(room: Room, layout: Layout, quality: Quality): Promise<CompositeEgress> {
    const starting = (async () => {
      const text = await drawtextSupport(ffmpegPath());
      return CompositeEgress.start({
        room,
        layout,
        quality,
        ports: this.#ports,
        background: this.options.background,
        placeholderColor: this.options.placeholderColor,
        fontFile: text.enabled ? text.fontFile : undefined,
        relay: this.options.relay,
        x264: this.options.x264,
      });
    })();
    this.#starting.set(room.name, starting);
    try {
      const composite = await starting;
      this.composites.set(room.name, composite);
      composite.on('relay', (type, info) => {
        this.safeEmit('event', room, `rtmp_broadcast.${type}`, { broadcast: info });
        this.#publishState(room);
      });
      composite.on('failed', (message) => void this.#onCompositeFailed(room, composite, message));
      return composite;
    } finally {
      this.#starting.delete(room.name);
    }
  }

  async #onCompositeFailed(room: Room, composite: CompositeEgress, message: string): Promise<void> {
    for (const relay of composite.relays.values()) {
      this.safeEmit('event', room, 'rtmp_broadcast.failed', { broadcast: { ...relay.info(), status: 'failed', error: message } });
    }
    await this.#stopComposite(room, composite);
    this.#publishState(room);
  }

  async #stopComposite(room: Room, composite: CompositeEgress): Promise<void> {
    if (this.composites.get(room.name) === composite) this.composites.delete(room.name);
    await composite.stop();
  }

  async #stopRoom(room: Room): Promise<void> {
    const composite = this.composites.get(room.name);
    if (composite) await this.#stopComposite(room, composite);
  }

  #publishState(room: Room): EgressState {
    const composite = this.composites.get(room.name);
    const rtmps = [...(composite?.relays.values() ?? [])].map((r) => r.info());
    room.egress = {
      ...room.egress,
      broadcasting: rtmps.some((r) => r.status !== 'failed' && r.status !== 'stopped'),
      layout: composite?.layout ?? null,
      quality: composite?.quality ?? null,
      rtmps,
    };
    if (!room.closed) this.safeEmit('state', room, room.egress);
    return room.egress;
  }
}
