import type { LayoutSpec, LiveStreamActor, Quality, RtmpBroadcastInfo } from '@roomcast/protocol';
import { AppError } from '@roomcast/protocol';
import { type RoomView, TypedEmitter } from '@roomcast/sfu';
import { type RelayEventType, type RelayPolicy, RtmpRelay } from '../fanout/RtmpRelay.js';
import type { PortAllocator } from '../rtp/PortAllocator.js';
import { Compositor, type CompositorOptions } from './Compositor.js';
import { ENCODER_RESTARTED, type EncoderSupervisor } from './EncoderSupervisor.js';
import type { X264Tuning } from '../args/encoderArgs.js';
import { type EncodeLease, Encodes } from './Encodes.js';
import { qualityPreset } from './presets.js';
import type { RestartPolicyOptions } from './RestartPolicy.js';

export interface CompositeEgressOptions extends Pick<CompositorOptions, 'destinations' | 'assets' | 'onLayoutWarning' | 'webLayout'> {
  room: RoomView;
  layout: LayoutSpec;
  quality: Quality;
  ports: PortAllocator;
  background: string;
  placeholderColor: string;
  fontFile?: string;
  relay: RelayPolicy;
  x264?: X264Tuning;
  maxTiles?: number;
  maxDecoders?: number;
  encoderRestart?: RestartPolicyOptions;
}

export interface CompositeEgressEvents extends Record<string, unknown[]> {
  relay: [type: RelayEventType, info: RtmpBroadcastInfo];
  /** The encoder crashed and was replaced; every destination stayed connected. */
  encoderRestarted: [reason: string];
  /** The top encoder died too often: every destination of this composite is gone. */
  failed: [reason: string];
  /** A lower encode (an HLS rung) died too often: the outputs reading it are gone, the rest go on. */
  encodeFailed: [quality: Quality, reason: string];
}

/** Counters of one composite, for metrics. */
export interface CompositeStats {
  droppedFrames: number;
  encoderRestarts: number;
  decoderRestarts: number;
}

/** Adds one composite's counters to a total. */
export function addStats(total: CompositeStats, more: CompositeStats): void {
  total.droppedFrames += more.droppedFrames;
  total.encoderRestarts += more.encoderRestarts;
  total.decoderRestarts += more.decoderRestarts;
}

/**
 * One room mixed once at one quality (its top), encoded once per quality (Encodes: the top one,
 * which RTMP relays read, and lower ones scaled from it for HLS renditions), and every RTMP
 * destination it feeds.
 */
export class CompositeEgress extends TypedEmitter<CompositeEgressEvents> {
  readonly relays = new Map<string, RtmpRelay>();
  readonly startedAt = performance.now();
  #stopped = false;

  private constructor(
    readonly options: CompositeEgressOptions,
    readonly compositor: Compositor,
    readonly encodes: Encodes,
  ) {
    super();
    // The top encode's restarts and failure are the relays' (they read it); a lower one's are its outputs' only.
    encodes.on('restarted', (quality) => {
      if (quality === this.quality) this.safeEmit('encoderRestarted', ENCODER_RESTARTED);
    });
    encodes.on('failed', (quality, reason) => {
      if (this.#stopped) return;
      if (quality === this.quality) this.safeEmit('failed', reason);
      else this.safeEmit('encodeFailed', quality, reason);
    });
  }

  static async start(options: CompositeEgressOptions): Promise<CompositeEgress> {
    const preset = qualityPreset(options.quality);
    const encodes = await Encodes.start({ top: options.quality, x264: options.x264, restart: options.encoderRestart });
    const compositor = new Compositor({ ...options, preset }, encodes);
    // Inputs start once the encoder has produced its first frame, or after a second at most.
    compositor.start(Promise.race([encodes.top.firstOutput, new Promise((r) => setTimeout(r, 1000))]));
    return new CompositeEgress(options, compositor, encodes);
  }

  /** The top encode: the composite's own quality, read by every RTMP relay. */
  get encoder(): EncoderSupervisor {
    return this.encodes.top;
  }

  /** The encode of `quality` for an output (started if needed); refused (409) above the top or in the other orientation. */
  encodeFor(quality: Quality): Promise<EncodeLease> {
    return this.encodes.acquire(quality);
  }

  get quality(): Quality {
    return this.options.quality;
  }

  get layout(): LayoutSpec {
    return this.compositor.layout;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** True when it has destinations and every one of them has given up: nothing is left to feed. */
  get allDestinationsFailed(): boolean {
    const relays = [...this.relays.values()];
    return relays.length > 0 && relays.every((relay) => relay.status === 'failed');
  }

  stats(): CompositeStats {
    return { droppedFrames: this.encodes.droppedFrames, encoderRestarts: this.encodes.restarts, decoderRestarts: this.compositor.decoderStats().restarts };
  }

  addDestination(name: string, streamUrl: string, streamKey?: string, startedBy?: LiveStreamActor): RtmpRelay {
    if (this.#stopped) throw new AppError('conflict', 'this broadcast has ended');
    if (this.relays.has(name)) throw new AppError('conflict', `a broadcast named "${name}" already exists in this room`);
    const relay = new RtmpRelay({ name, streamUrl, streamKey, startedBy, ...this.options.relay }, this.encoder.fanout);
    relay.on('event', (type, info) => this.safeEmit('relay', type, info));
    this.relays.set(name, relay);
    relay.start();
    return relay;
  }

  async removeDestination(name: string, by?: LiveStreamActor): Promise<void> {
    const relay = this.relays.get(name);
    if (!relay) throw new AppError('egress_not_found', `no broadcast named "${name}" in this room`);
    this.relays.delete(name);
    await relay.stop(by);
  }

  /** Every output of the composite sees the change from the next frame; no destination reconnects. */
  setLayout(layout: LayoutSpec): void {
    this.compositor.setLayout(layout);
  }

  /** Stops every destination, then the decoders and every encode. Safe twice. */
  async stop(by?: LiveStreamActor): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await Promise.all([...this.relays.values()].map((relay) => relay.stop(by)));
    this.relays.clear();
    await this.compositor.stop();
    await this.options.webLayout?.stop?.();
    await this.encodes.stop();
  }
}
