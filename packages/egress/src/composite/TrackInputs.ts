import type { Room } from '@roomcast/sfu';
import type { PortAllocator } from '../rtp/PortAllocator.js';
import { AudioTrackInput } from './AudioTrackInput.js';
import type { AudioMixer } from './AudioMixer.js';
import type { YuvFrame } from './FrameCanvas.js';
import type { Tile } from './layout.js';
import { roomAudioProducers, type SubjectSource } from './roomSubjects.js';
import { VideoTrackInput } from './VideoTrackInput.js';

const RESTART_DELAY_MS = 1000;

interface VideoSlot {
  /** The decoder whose frames are shown. */
  current?: VideoTrackInput;
  /** A decoder at a new tile size, shown once it has a picture (then `current` is closed). */
  next?: VideoTrackInput;
  starting?: { width: number; height: number };
}

export interface TrackInputsOptions {
  room: Room;
  ports: PortAllocator;
  mixer: AudioMixer;
  fontFile?: string;
}

/**
 * The decoders a layout needs: one per shown video track at its tile size, one per microphone.
 * When a tile changes size a new decoder starts beside the old one, and the old one goes once the
 * new one has a picture, so a layout change never blanks a participant for long.
 */
export class TrackInputs {
  readonly #video = new Map<string, VideoSlot>();
  readonly #audio = new Map<string, AudioTrackInput | 'starting'>();
  /** Decoders starting or stopping: closeAll() waits for them, so none outlives the composite. */
  readonly #pending = new Set<Promise<void>>();
  #closed = false;
  #lastTiles: Array<Tile<SubjectSource>> = [];

  constructor(readonly options: TrackInputsOptions) {}

  update(tiles: Array<Tile<SubjectSource>>): void {
    if (this.#closed) return;
    this.#lastTiles = tiles;
    const wanted = new Map<string, Tile<SubjectSource>>();
    for (const tile of tiles) if (tile.subject.videoProducerId) wanted.set(tile.subject.videoProducerId, tile);
    for (const [producerId, slot] of this.#video) {
      if (!wanted.has(producerId)) {
        this.#video.delete(producerId);
        this.#track(slot.current?.close());
        this.#track(slot.next?.close());
      }
    }
    for (const [producerId, tile] of wanted) this.#ensureVideo(producerId, tile);
    this.#updateAudio();
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
    const closing: Array<Promise<void>> = [];
    for (const slot of this.#video.values()) closing.push(slot.current?.close() ?? Promise.resolve(), slot.next?.close() ?? Promise.resolve());
    for (const input of this.#audio.values()) if (input !== 'starting') closing.push(input.close());
    this.#video.clear();
    this.#audio.clear();
    await Promise.all(closing);
    // A decoder that finishes starting now sees #closed and closes itself, tracked here too.
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
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

  #ensureVideo(producerId: string, tile: Tile): void {
    let slot = this.#video.get(producerId);
    if (!slot) {
      slot = {};
      this.#video.set(producerId, slot);
    }
    const sized = (input?: { width: number; height: number }) => input?.width === tile.width && input.height === tile.height;
    if (sized(slot.current) && slot.current?.running) {
      if (slot.next) this.#track(slot.next.close());
      slot.next = undefined;
      return;
    }
    if (sized(slot.next) || sized(slot.starting)) return;
    this.#track(this.#startVideo(producerId, slot, tile));
  }

  async #startVideo(producerId: string, slot: VideoSlot, tile: Tile): Promise<void> {
    const size = { width: tile.width, height: tile.height };
    slot.starting = size;
    try {
      const input = await VideoTrackInput.start({
        room: this.options.room,
        producerId,
        ...size,
        label: tile.subject.name,
        fontFile: this.options.fontFile,
        ports: this.options.ports,
        onExit: () => this.#onVideoExit(producerId, input),
      });
      const stillWanted = this.#video.get(producerId) === slot && slot.starting === size && !this.#closed;
      if (!stillWanted) return void (await input.close());
      this.#track(slot.next?.close());
      if (slot.current) slot.next = input;
      else slot.current = input;
    } catch {
      // The producer closed while we subscribed: the next layout no longer shows it.
    } finally {
      if (slot.starting === size) slot.starting = undefined;
    }
  }

  /** A decoder died on its own: start a fresh one after a short pause, if still shown. */
  #onVideoExit(producerId: string, input: VideoTrackInput): void {
    const slot = this.#video.get(producerId);
    if (!slot) return;
    if (slot.current === input) slot.current = undefined;
    if (slot.next === input) slot.next = undefined;
    this.#track(input.close());
    setTimeout(() => this.update(this.#lastTiles), RESTART_DELAY_MS);
  }

  #updateAudio(): void {
    const wanted = new Set(roomAudioProducers(this.options.room));
    for (const [producerId, input] of this.#audio) {
      if (wanted.has(producerId)) continue;
      this.#audio.delete(producerId);
      this.options.mixer.remove(producerId);
      if (input !== 'starting') this.#track(input.close());
    }
    for (const producerId of wanted) if (!this.#audio.has(producerId)) this.#track(this.#startAudio(producerId));
  }

  async #startAudio(producerId: string): Promise<void> {
    this.#audio.set(producerId, 'starting');
    try {
      const input = await AudioTrackInput.start({
        room: this.options.room,
        producerId,
        ports: this.options.ports,
        onPcm: (pcm) => this.options.mixer.push(producerId, pcm),
        onExit: () => {
          this.#audio.delete(producerId);
          this.options.mixer.remove(producerId);
          this.#track(input.close());
          setTimeout(() => this.update(this.#lastTiles), RESTART_DELAY_MS);
        },
      });
      if (this.#audio.get(producerId) !== 'starting' || this.#closed) return void (await input.close());
      this.#audio.set(producerId, input);
    } catch {
      this.#audio.delete(producerId);
    }
  }
}
