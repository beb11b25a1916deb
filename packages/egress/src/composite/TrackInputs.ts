import type { RoomView } from '@roomcast/sfu';
import type { PortAllocator } from '../rtp/PortAllocator.js';
import { AudioTrackInput } from './AudioTrackInput.js';
import type { AudioMixer } from './AudioMixer.js';
import { DecoderGate } from './DecoderGate.js';
import type { YuvFrame } from './FrameCanvas.js';
import type { Tile } from './layout.js';
import { DEFAULT_LABELS, labelKey, type LabelStyle } from './labelStyle.js';
import { roomAudioProducers, roomProducers, type SubjectSource } from './roomSubjects.js';
import { VideoTrackInput } from './VideoTrackInput.js';

/** Decoders per composite unless configured: 16 tiles and 8 microphones. */
export const DEFAULT_MAX_DECODERS = 24;

interface VideoSlot {
  /** The decoder whose frames are shown. */
  current?: VideoTrackInput;
  /** A decoder at a new tile size, shown once it has a picture (then `current` is closed). */
  next?: VideoTrackInput;
  starting?: { width: number; height: number; labels: string };
}

/** How often running decoders are checked and the layout's wants asked for again (see #sweep). */
const SWEEP_MS = 2000;

export interface TrackInputsOptions {
  room: RoomView;
  ports: PortAllocator;
  mixer: AudioMixer;
  fontFile?: string;
  /** Producers decoded at once (video and audio); past it a tile shows its placeholder. */
  maxDecoders?: number;
  /** How often producers without a decoder are checked for RTP. */
  rtpPollMs?: number;
}

/**
 * The decoders a layout needs: one per shown video track at its tile size, one per microphone,
 * at most `maxDecoders`, and only for producers that receive RTP (see DecoderGate). When a tile
 * changes size a new decoder starts beside the old one, and the old one goes once the new one has
 * a picture, so a layout change never blanks a participant for long.
 */
export class TrackInputs {
  readonly #video = new Map<string, VideoSlot>();
  readonly #audio = new Map<string, AudioTrackInput | 'starting'>();
  /** Decoders starting or stopping: closeAll() waits for them, so none outlives the composite. */
  readonly #pending = new Set<Promise<void>>();
  readonly #gate: DecoderGate;
  readonly #maxDecoders: number;
  #closed = false;
  #lastTiles: Array<Tile<SubjectSource>> = [];
  #labelStyle: LabelStyle = DEFAULT_LABELS;
  readonly #sweepTimer: NodeJS.Timeout;

  constructor(readonly options: TrackInputsOptions) {
    this.#maxDecoders = options.maxDecoders ?? DEFAULT_MAX_DECODERS;
    this.#gate = new DecoderGate({
      bytesReceived: (producerId) => options.room.producerBytesReceived(producerId),
      onChange: () => this.update(this.#lastTiles),
      pollMs: options.rtpPollMs,
    });
    this.#sweepTimer = setInterval(() => this.#sweep(), SWEEP_MS);
  }

  /** Producers being decoded (or starting), video and audio. */
  get decoders(): number {
    return this.#video.size + this.#audio.size;
  }

  /** Decoders restarted after dying by themselves. */
  get restarts(): number {
    return this.#gate.restarts;
  }

  /** The layout's label style; decoders drawing another one are replaced (beside the old, as on a resize). */
  setLabelStyle(style: LabelStyle): void {
    this.#labelStyle = style;
  }

  update(tiles: Array<Tile<SubjectSource>>): void {
    if (this.#closed) return;
    this.#lastTiles = tiles;
    this.#gate.retain(new Set(roomProducers(this.options.room).keys()));
    const wanted = new Map<string, Tile<SubjectSource>>();
    for (const tile of tiles) if (tile.subject.videoProducerId) wanted.set(tile.subject.videoProducerId, tile);
    for (const [producerId, slot] of this.#video) {
      if (!wanted.has(producerId)) {
        this.#video.delete(producerId);
        this.#track(slot.current?.close());
        this.#track(slot.next?.close());
      }
    }
    this.#dropUnwantedAudio();
    for (const [producerId, tile] of wanted) this.#ensureVideo(producerId, tile);
    this.#startWantedAudio();
  }

  /** The newest picture for a tile, at the tile's size, if a decoder has one. */
  frameFor(tile: Tile<SubjectSource>): YuvFrame | undefined {
    const producerId = tile.subject.videoProducerId;
    if (!producerId) return undefined;
    const slot = this.#video.get(producerId);
    if (!slot) return undefined;
    if (slot.next?.latest) this.#promote(slot);
    const frame = slot.current?.latest;
    return frame && frame.width === tile.width && frame.height === tile.height ? frame : undefined;
  }

  async closeAll(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweepTimer);
    this.#gate.close();
    const closing: Array<Promise<void>> = [];
    for (const slot of this.#video.values()) closing.push(slot.current?.close() ?? Promise.resolve(), slot.next?.close() ?? Promise.resolve());
    for (const input of this.#audio.values()) if (input !== 'starting') closing.push(input.close());
    this.#video.clear();
    this.#audio.clear();
    await Promise.all(closing);
    // A decoder that finishes starting now sees #closed and closes itself, tracked here too.
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /**
   * Self-healing: a decoder whose process is gone is handled as an exit even if its exit event was
   * missed (a race between a crash and its start completing, say), and what the layout wants is
   * asked for again. An egress in production then never keeps a dead tile or a silent microphone.
   */
  #sweep(): void {
    if (this.#closed) return;
    for (const [producerId, input] of this.#audio) {
      if (input !== 'starting' && !input.running) this.#onAudioExit(producerId, input);
    }
    for (const [producerId, slot] of this.#video) {
      for (const input of [slot.current, slot.next]) if (input && !input.running) this.#onVideoExit(producerId, input);
    }
    this.update(this.#lastTiles);
  }

  #track(operation: Promise<void> | undefined): void {
    if (!operation) return;
    this.#pending.add(operation);
    const settled = () => void this.#pending.delete(operation);
    operation.then(settled, settled);
  }

  #promote(slot: VideoSlot): void {
    const old = slot.current;
    slot.current = slot.next;
    slot.next = undefined;
    this.#track(old?.close());
  }

  #ensureVideo(producerId: string, tile: Tile<SubjectSource>): void {
    let slot = this.#video.get(producerId);
    if (!slot) {
      // A new decoder: within the budget, and only for a producer that has RTP to decode.
      if (this.decoders >= this.#maxDecoders || !this.#gate.mayStart(producerId)) return;
      slot = {};
      this.#video.set(producerId, slot);
    }
    const labels = labelKey(this.#labelStyle);
    const sized = (input?: { width: number; height: number; labels: string }) =>
      input?.width === tile.width && input.height === tile.height && input.labels === labels;
    if (sized(slot.current && asStarted(slot.current)) && slot.current?.running) {
      if (slot.next) this.#track(slot.next.close());
      slot.next = undefined;
      return;
    }
    if (sized(slot.next && asStarted(slot.next)) || sized(slot.starting)) return;
    this.#track(this.#startVideo(producerId, slot, tile));
  }

  async #startVideo(producerId: string, slot: VideoSlot, tile: Tile<SubjectSource>): Promise<void> {
    const size = { width: tile.width, height: tile.height, labels: labelKey(this.#labelStyle) };
    const labelStyle = this.#labelStyle;
    slot.starting = size;
    try {
      const input = await VideoTrackInput.start({
        room: this.options.room,
        producerId,
        width: size.width,
        height: size.height,
        label: tile.subject.name,
        labelStyle,
        fontFile: this.options.fontFile,
        ports: this.options.ports,
        onExit: (exited) => this.#onVideoExit(producerId, exited),
      });
      const stillWanted = this.#video.get(producerId) === slot && slot.starting === size && !this.#closed;
      // Not wanted any more, or it died while starting (its exit has gone to the gate already).
      if (!stillWanted || !input.running) return void (await input.close());
      this.#gate.started(producerId);
      this.#track(slot.next?.close());
      if (slot.current) slot.next = input;
      else slot.current = input;
    } catch {
      // The producer closed while we subscribed (the next layout no longer shows it), or no port or
      // process could be had: either way, try again after a backoff if it is still shown.
      if (!this.#closed) this.#gate.exited(producerId);
    } finally {
      if (slot.starting === size) slot.starting = undefined;
      if (!slot.current && !slot.next && !slot.starting && this.#video.get(producerId) === slot) this.#video.delete(producerId);
    }
  }

  /** A decoder died on its own: its tile shows the placeholder until the gate lets a new one start. */
  #onVideoExit(producerId: string, input: VideoTrackInput): void {
    this.#track(input.close());
    const slot = this.#video.get(producerId);
    if (slot?.current === input) slot.current = undefined;
    if (slot?.next === input) slot.next = undefined;
    if (slot && !slot.current && !slot.next && !slot.starting) this.#video.delete(producerId);
    // Whatever the slot's state, the gate schedules the next look; the layout then decides.
    if (!this.#closed) this.#gate.exited(producerId);
  }

  #dropUnwantedAudio(): void {
    const wanted = new Set(roomAudioProducers(this.options.room));
    for (const [producerId, input] of this.#audio) {
      if (wanted.has(producerId)) continue;
      this.#audio.delete(producerId);
      this.options.mixer.remove(producerId);
      if (input !== 'starting') this.#track(input.close());
    }
  }

  /** Microphones after video: the budget left over after the tiles. */
  #startWantedAudio(): void {
    for (const producerId of roomAudioProducers(this.options.room)) {
      if (this.#audio.has(producerId)) continue;
      if (this.decoders >= this.#maxDecoders) return;
      if (this.#gate.mayStart(producerId)) this.#track(this.#startAudio(producerId));
    }
  }

  async #startAudio(producerId: string): Promise<void> {
    this.#audio.set(producerId, 'starting');
    try {
      const input = await AudioTrackInput.start({
        room: this.options.room,
        producerId,
        ports: this.options.ports,
        onPcm: (pcm) => {
          // Only while it is wanted: a push after mixer.remove() would bring the producer back.
          if (this.#audio.has(producerId)) this.options.mixer.push(producerId, pcm);
        },
        onExit: (exited) => this.#onAudioExit(producerId, exited),
      });
      if (this.#audio.get(producerId) !== 'starting' || this.#closed) return void (await input.close());
      // It died while starting (its exit came before it was ours): the exit has gone to the gate.
      if (!input.running) {
        this.#audio.delete(producerId);
        return void this.#track(input.close());
      }
      this.#gate.started(producerId);
      this.#audio.set(producerId, input);
    } catch {
      if (this.#audio.get(producerId) === 'starting') this.#audio.delete(producerId);
      if (!this.#closed) this.#gate.exited(producerId);
    }
  }

  #onAudioExit(producerId: string, input: AudioTrackInput): void {
    this.#track(input.close());
    if (this.#audio.get(producerId) === input) {
      this.#audio.delete(producerId);
      this.options.mixer.remove(producerId);
    }
    if (!this.#closed) this.#gate.exited(producerId);
  }
}

/** What a running decoder draws: its size and label style. */
function asStarted(input: VideoTrackInput): { width: number; height: number; labels: string } {
  return { width: input.options.width, height: input.options.height, labels: labelKey(input.options.labelStyle) };
}
