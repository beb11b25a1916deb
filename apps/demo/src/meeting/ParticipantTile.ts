import type { Track } from '@roomcast/client';
import { h, initials, setFlag } from '../dom.js';
import { icon } from '../icons.js';
import type { QualityLevel } from './connectionQuality.js';
import type { MediaState } from './participantMedia.js';

const QUALITY_TEXT: Record<QualityLevel, string> = {
  good: 'Connection: good',
  fair: 'Connection: fair',
  poor: 'Connection: poor',
  unknown: 'Connection: measuring',
};

/**
 * One tile of the stage: a participant's camera (or their screen share, `kind: 'screen'`), an
 * avatar while the camera is off, and a caption with the name, a muted-microphone icon and the
 * connection quality. State is mirrored in data attributes (`data-mic-muted`, `data-camera-off`,
 * `data-speaking`, `data-quality`) that the CSS styles and the tests read. Videos are muted so
 * autoplay policies let them start; sound plays through `<audio>` elements.
 */
export class ParticipantTile {
  readonly element: HTMLElement;
  readonly #media: HTMLElement;
  readonly #name: HTMLElement;
  readonly #avatar: HTMLElement;
  readonly #mic: HTMLElement;
  readonly #quality: HTMLElement;
  readonly #elements = new Map<Track, HTMLMediaElement>();

  constructor(
    readonly kind: 'camera' | 'screen',
    attributes: Record<string, string>,
  ) {
    this.#avatar = h('div', { class: 'tile-avatar', 'aria-hidden': 'true' });
    this.#media = h('div', { class: 'tile-media' }, this.#avatar);
    this.#mic = h('span', { class: 'tile-mic', role: 'img', 'aria-label': 'Microphone muted', title: 'Microphone muted' }, icon('micOff'));
    this.#name = h('span', { class: 'tile-name' });
    this.#quality = h('span', { class: 'tile-quality', role: 'img' }, h('i'), h('i'), h('i'));
    const caption = h('figcaption', { class: 'tile-caption' }, this.#mic, this.#name, this.#quality);
    this.element = h('figure', { class: `tile tile-${kind}`, ...attributes }, this.#media, caption);
    this.#mic.hidden = true;
    this.#quality.hidden = kind === 'screen';
    this.setQuality('unknown');
  }

  setName(name: string, label = name): void {
    this.#name.textContent = label;
    this.#avatar.textContent = initials(name);
    this.element.setAttribute('aria-label', label);
  }

  setMedia(state: MediaState): void {
    setFlag(this.element, 'micMuted', state.micMuted);
    setFlag(this.element, 'cameraOff', state.cameraOff);
    this.#mic.hidden = !state.micMuted || this.kind === 'screen';
  }

  setSpeaking(speaking: boolean): void {
    setFlag(this.element, 'speaking', speaking);
  }

  setQuality(level: QualityLevel): void {
    this.element.dataset.quality = level;
    this.#quality.setAttribute('aria-label', QUALITY_TEXT[level]);
    this.#quality.title = QUALITY_TEXT[level];
  }

  /** Plays a track; returns the element (an `<audio>` may need a click before it sounds). */
  attach(track: Track, label: string): HTMLMediaElement {
    this.detach(track);
    const element = document.createElement(track.kind === 'video' ? 'video' : 'audio');
    element.autoplay = true;
    element.dataset.source = track.source;
    element.setAttribute('aria-label', `${label}: ${track.source}`);
    if (element instanceof HTMLVideoElement) {
      element.playsInline = true;
      element.muted = true;
    }
    element.srcObject = track.stream;
    this.#elements.set(track, element);
    // Video first: tests and CSS take a tile's first <video> as its picture.
    if (element instanceof HTMLVideoElement) this.#media.prepend(element);
    else this.#media.append(element);
    return element;
  }

  detach(track: Track): void {
    const element = this.#elements.get(track);
    if (!element) return;
    element.srcObject = null;
    element.remove();
    this.#elements.delete(track);
  }

  get trackCount(): number {
    return this.#elements.size;
  }

  remove(): void {
    for (const track of [...this.#elements.keys()]) this.detach(track);
    this.element.remove();
  }
}
