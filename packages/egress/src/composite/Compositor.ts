import type { LayoutSpec } from '@roomcast/protocol';
import type { RoomView } from '@roomcast/sfu';
import type { AssetStore } from '../assets/AssetStore.js';
import type { DestinationPolicy } from '../destinations/DestinationPolicy.js';
import type { PortAllocator } from '../rtp/PortAllocator.js';
import { AudioDelayLine } from './AudioDelayLine.js';
import { AudioMixer, SAMPLE_RATE } from './AudioMixer.js';
import { FrameCanvas, type YuvFrame, yuvFrameSize } from './FrameCanvas.js';
import { FramePool } from './FramePool.js';
import { labelStyle } from './labelStyle.js';
import { LayoutDecor } from './LayoutDecor.js';
import { computeLayout, type Rect, type Tile } from './layout.js';
import { MediaClock } from './MediaClock.js';
import { Placeholders } from './Placeholders.js';
import type { QualityPreset } from './presets.js';
import { TrackInputs } from './TrackInputs.js';
import { limitSubjects, roomSubjects, type SubjectSource } from './roomSubjects.js';
import { type DisplaySource, PIPE_SOURCE, sameVideoSource, type VideoSource, videoSourceFor } from './videoSource.js';

/** Where the compositor's output goes: the encoder's two input pipes. */
export interface CompositeSink {
  /** Queues one picture; `written` is called once the bytes left (or were dropped), freeing the buffer. */
  writeVideo(frame: Buffer, written: () => void): void;
  writeAudio(pcm: Buffer): void;
  /** Encoders that can grab a web layout's display themselves are told which source to use. */
  useVideoSource?(source: VideoSource): void;
  /** False while no encoder reads the pictures written (they grab a display): none are drawn then. */
  readonly wantsVideo?: boolean;
}

/**
 * Renders the `web` layout (a page as the picture): asked for the whole canvas's picture each
 * frame while the layout is `web`. Without one, `web` falls back to the built-in grid.
 */
export interface WebLayoutSource {
  /** The layout became (or stayed) `web` with these options; the source starts or updates its page. */
  show(spec: LayoutSpec, size: { width: number; height: number }): void;
  /** The newest full-canvas picture, or undefined until the page has drawn one. */
  frame(): YuvFrame | undefined;
  /** The page's display once it shows there (x11grab capture): encoders may grab it themselves. */
  display?(): DisplaySource | undefined;
  /** The layout is no longer `web`, or the composite stops. */
  hide(): void;
  /** Awaited once the composite has stopped: nothing of the page (its browser) is left after it. */
  stop?(): Promise<void>;
}

export interface CompositorOptions {
  room: RoomView;
  layout: LayoutSpec;
  preset: QualityPreset;
  ports: PortAllocator;
  background: string;
  placeholderColor: string;
  fontFile?: string;
  /** Tiles on screen at most (a bigger room shows screens, the speaker and cameras first). */
  maxTiles?: number;
  /** Decoders (video and audio) at most; see TrackInputs. */
  maxDecoders?: number;
  /** Where a layout's logo may be fetched from (the destination policy); none: logos are not drawn. */
  destinations?: DestinationPolicy;
  /** Uploaded logos (`{asset}`), read from disk. */
  assets?: Pick<AssetStore, 'read'>;
  /** A logo or banner could not be made; the picture goes on without it. */
  onLayoutWarning?: (what: 'logo' | 'banner', reason: string) => void;
  webLayout?: WebLayoutSource;
}

export const DEFAULT_MAX_TILES = 16;

const AUDIO_CHUNK = SAMPLE_RATE / 50; // 20 ms
/**
 * Each microphone is mixed this long after its audio comes (AudioMixer holds it at this constant
 * delay), because a picture takes longer: decoding, tile scaling and labelling, 350 KB through a
 * socket, then up to a frame until the next composite frame takes it. Measured with
 * bench:av-offset's flash and beep on 2 cores: the flash's picture reached the compositor 20-35 ms
 * after the beep's audio on a quiet machine, 35-65 ms at a load average of 13, more at 30, and
 * was drawn 0-33 ms later still. Less delay and sound leads picture; more and it trails. Glass-to-
 * glass latency (read from the picture) is unchanged.
 */
export const AUDIO_DELAY_MS = 80;
/**
 * More delay for the sound while the compositor draws a `web` layout's page (a logo or banner over
 * it): the page's picture comes later than a decoder's, through Chromium, the display, the grab and
 * Node. bench:av-offset (BENCH_LAYOUT=web with a banner) read the sound 71, 37 and 58 ms ahead of the
 * picture without it. When the encoders grab the page themselves it is not needed (11 and 31 ms behind).
 */
export const WEB_PAGE_AUDIO_LAG_MS = 40;
/** Frames are stamped by count, not by arrival, so 10 ms of pacing jitter is harmless (and half the wake-ups of 5). */
const TICK_MS = 10;
/**
 * The tick while no picture is drawn (every encoder grabs a web layout's page itself): only sound
 * is due, and FFmpeg stamps it by sample count, so writing 100 ms of it at a time (five chunks)
 * changes no timestamp, only how often the tick runs and the encoder's audio pipe is written: 10
 * times a second instead of 100 and 50. The encoder then writes its FLV in bursts (its muxer waits
 * for the sound), so the FLV is read, and passed to the relays, less often too: Node's share of a
 * still page 0.065 (10 ms) -> 0.050 (40 ms) -> 0.019-0.029 of a core (100 ms, with the fan-out's
 * one write per read and the relays' 25 ms window). It adds up to 100 ms to what the outputs see, which RTMP and a 333 ms LL-HLS
 * part absorb; A/V sync is unchanged (bench:av-offset, web: +35 ms). The MediaClock keeps counting
 * frames meanwhile, so pictures start again in step as soon as one must be drawn; the tick is 10 ms
 * again from then. See bench/README.md ("Web layout").
 */
export const AUDIO_ONLY_TICK_MS = 100;

/**
 * Mixes a room: follows its participants, decodes each shown track at its tile size, draws the
 * tiles on a master clock and mixes every microphone. The output never waits for an input: an
 * absent picture is a placeholder, absent audio is silence, and a room event only changes what
 * the next frame shows.
 */
export class Compositor {
  readonly #canvas: FrameCanvas;
  readonly #pool: FramePool;
  readonly #mixer = new AudioMixer(SAMPLE_RATE, AUDIO_DELAY_MS);
  readonly #audioLag = new AudioDelayLine();
  #audioLagMs = 0;
  readonly #placeholders: Placeholders;
  readonly #inputs: TrackInputs;
  readonly #decor: LayoutDecor;
  #layout: LayoutSpec;
  #lastDecorVersion = -1;
  #tiles: Array<Tile<SubjectSource>> = [];
  #clock: MediaClock | undefined;
  #timer: NodeJS.Timeout | undefined;
  #tickMs = 0;
  #relayoutScheduled = false;
  #lastLayers: Layer[] = [];
  #inputsEnabled = false;
  #stopped = false;
  #lastDrawn: Buffer | undefined;
  #videoSource: VideoSource = PIPE_SOURCE;
  readonly #detach: Array<() => void> = [];

  constructor(
    readonly options: CompositorOptions,
    readonly sink: CompositeSink,
  ) {
    this.#layout = options.layout;
    this.#canvas = new FrameCanvas(options.preset.width, options.preset.height, options.background);
    this.#pool = new FramePool(yuvFrameSize(options.preset.width, options.preset.height));
    const { width, height } = options.preset;
    this.#decor = new LayoutDecor({ width, height, background: options.background, fontFile: options.fontFile, destinations: options.destinations, assets: options.assets, onWarning: options.onLayoutWarning });
    this.#decor.set(options.layout, this.#canvas);
    // RoomView for two full layouts of cards (the one shown and the one before a change), not every name ever seen.
    // (Cards of one layout cover the canvas at most: two layouts and a spare is three canvases.)
    const maxCards = 2 * (options.maxTiles ?? DEFAULT_MAX_TILES) + 8;
    const maxBytes = 3 * yuvFrameSize(options.preset.width, options.preset.height);
    this.#placeholders = new Placeholders({ color: options.placeholderColor, fontFile: options.fontFile, maxCards, maxBytes });
    this.#inputs = new TrackInputs({
      room: options.room,
      ports: options.ports,
      fontFile: options.fontFile,
      mixer: this.#mixer,
      maxDecoders: options.maxDecoders,
    });
  }

  get layout(): LayoutSpec {
    return this.#layout;
  }

  /**
   * Starts producing output at once (background and silence). The decoders and placeholder cards
   * start when `inputsReady` settles: spawning a dozen FFmpeg processes blocks Node for a while,
   * and the encoder's first frames (what a destination waits for) must not wait behind that.
   */
  start(inputsReady: Promise<unknown> = Promise.resolve()): void {
    this.#watchRoom();
    this.#relayout();
    this.#clock = new MediaClock(this.options.preset.fps, SAMPLE_RATE);
    this.#tick();
    void inputsReady
      .catch(() => undefined)
      .then(() => {
        if (this.#stopped) return;
        this.#inputsEnabled = true;
        this.#relayout();
      });
  }

  setLayout(layout: LayoutSpec): void {
    this.#layout = layout;
    this.#decor.set(layout, this.#canvas);
    this.#scheduleRelayout();
  }

  /** The subjects on screen now, for tests and status. */
  tiles(): ReadonlyArray<Tile<SubjectSource>> {
    return this.#tiles;
  }

  /** Producers being decoded now, and decoder restarts so far. */
  decoderStats(): { decoders: number; restarts: number } {
    return { decoders: this.#inputs.decoders, restarts: this.#inputs.restarts };
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#decor.close();
    this.options.webLayout?.hide();
    for (const detach of this.#detach.splice(0)) detach();
    await this.#inputs.closeAll();
  }

  #watchRoom(): void {
    const { room } = this.options;
    const relayout = (): void => this.#scheduleRelayout();
    const events = ['participantJoined', 'participantLeft', 'producerAdded', 'producerRemoved', 'producerPaused', 'activeSpeaker'] as const;
    for (const event of events) {
      room.on(event, relayout);
      this.#detach.push(() => room.off(event, relayout));
    }
  }

  /** RoomView events come in bursts (a join brings two producers): lay out once per burst. */
  #scheduleRelayout(): void {
    if (this.#relayoutScheduled) return;
    this.#relayoutScheduled = true;
    setImmediate(() => {
      this.#relayoutScheduled = false;
      this.#relayout();
    });
  }

  #relayout(): void {
    const { room, preset } = this.options;
    const web = this.#layout.name === 'web' ? this.options.webLayout : undefined;
    if (web) web.show(this.#layout, preset);
    else this.options.webLayout?.hide();
    // A page renders the picture: no tiles, so no video decoders (the microphones are still mixed).
    this.#tiles = web ? [] : computeLayout({
      layout: this.#layout.name,
      options: this.#layout.options,
      width: preset.width,
      height: preset.height,
      subjects: limitSubjects(roomSubjects(room), this.options.maxTiles ?? DEFAULT_MAX_TILES, room.activeSpeakerId, this.#layout.options.pinned),
      activeSpeakerId: room.activeSpeakerId,
    });
    this.#inputs.setLabelStyle(labelStyle(this.#layout.options.labels));
    if (this.#inputsEnabled) this.#inputs.update(this.#tiles);
  }

  #tick(): void {
    const clock = this.#clock;
    if (!clock) return;
    this.#followVideoSource();
    const frames = clock.framesDue();
    // Every encoder grabs the page's display itself: no picture to draw (the clock still runs, so
    // the pictures start again in step when something must be drawn over the page).
    if (frames > 0 && this.sink.wantsVideo !== false) {
      const frame = this.#draw();
      for (let i = 0; i < frames; i++) {
        this.#pool.retain(frame);
        this.sink.writeVideo(frame, () => this.#pool.release(frame));
      }
    }
    const samples = clock.samplesDue(AUDIO_CHUNK);
    if (samples > 0) this.sink.writeAudio(this.#audioLag.process(this.#mixer.mix(samples)));
    this.#followTickCadence();
  }

  /** 10 ms while pictures are drawn, AUDIO_ONLY_TICK_MS while every encoder grabs its own. */
  #followTickCadence(): void {
    const tickMs = this.sink.wantsVideo === false ? AUDIO_ONLY_TICK_MS : TICK_MS;
    if (tickMs === this.#tickMs || this.#stopped) return;
    clearInterval(this.#timer);
    this.#tickMs = tickMs;
    this.#timer = setInterval(() => this.#tick(), tickMs);
  }

  /** A `web` layout with nothing drawn over its page: the encoders grab the page's display (videoSourceFor). */
  #followVideoSource(): void {
    this.#followAudioLag();
    if (!this.sink.useVideoSource) return;
    const web = this.#layout.name === 'web' && this.#inputsEnabled ? this.options.webLayout?.display?.() : undefined;
    const source = videoSourceFor(this.#layout, web);
    if (sameVideoSource(source, this.#videoSource)) return;
    // Something is to be drawn over the page: the encoders keep grabbing until the compositor has a
    // picture of the page again (its grab paused meanwhile), so no output shows a stale or empty one.
    if (web && source.kind === 'pipe' && this.#videoSource.kind === 'display' && !this.options.webLayout?.frame()) return;
    this.#videoSource = source;
    this.sink.useVideoSource(source);
  }

  /** The sound waits WEB_PAGE_AUDIO_LAG_MS more while the compositor draws a page, none otherwise. */
  #followAudioLag(): void {
    const drawsPage = this.#layout.name === 'web' && this.options.webLayout !== undefined && this.#videoSource.kind === 'pipe';
    const lagMs = drawsPage ? WEB_PAGE_AUDIO_LAG_MS : 0;
    if (lagMs === this.#audioLagMs) return;
    this.#audioLagMs = lagMs;
    this.#audioLag.setDelay((lagMs * SAMPLE_RATE) / 1000);
  }

  /** The next picture; the previous one again when nothing on screen changed since. */
  #draw(): Buffer {
    const layers = this.#layers();
    const unchanged =
      this.#lastDrawn !== undefined &&
      this.#decor.version === this.#lastDecorVersion &&
      layers.length === this.#lastLayers.length && layers.every((l, i) => sameLayer(l, this.#lastLayers[i]!));
    if (unchanged) return this.#lastDrawn!;
    const target = this.#pool.acquire();
    this.#canvas.clear(target);
    for (const { frame, rect } of layers) {
      if (!frame) continue;
      this.#canvas.draw(frame, rect);
      this.#decor.shapeTile(this.#canvas, rect);
    }
    this.#decor.drawOverlays(this.#canvas);
    this.#lastDecorVersion = this.#decor.version;
    if (this.#lastDrawn) this.#pool.release(this.#lastDrawn);
    this.#lastLayers = layers;
    this.#lastDrawn = target;
    return target;
  }

  /** What to draw where: each tile's newest picture (or its placeholder), or the empty-room card. */
  #layers(): Layer[] {
    if (!this.#inputsEnabled) return [];
    const { width, height } = this.options.preset;
    if (this.#layout.name === 'web' && this.options.webLayout) return [{ frame: this.options.webLayout.frame(), rect: { x: 0, y: 0, width, height } }];
    if (this.#tiles.length === 0) {
      return [{ frame: this.#placeholders.get('Waiting for participants', width, height), rect: { x: 0, y: 0, width, height } }];
    }
    return this.#tiles.map((tile) => ({
      frame: this.#inputs.frameFor(tile) ?? this.#placeholders.get(tile.subject.name, tile.width, tile.height),
      rect: tile,
    }));
  }
}

interface Layer {
  frame: YuvFrame | undefined;
  rect: Rect;
}

function sameLayer(a: Layer, b: Layer): boolean {
  return a.frame === b.frame && a.rect.x === b.rect.x && a.rect.y === b.rect.y && a.rect.width === b.rect.width && a.rect.height === b.rect.height;
}
