import type { Participant, Track } from '@roomcast/client';

/**
 * One participant's tile: `<figure data-participant-id>` with a `<video>` per video track, an
 * `<audio>` per audio track (remote only) and the name as caption. Videos are muted so autoplay
 * policies let them start; sound plays through the audio elements.
 */
export class ParticipantTile {
  readonly element: HTMLElement;
  readonly #caption: HTMLElement;
  readonly #media: HTMLElement;
  readonly #elements = new Map<Track, HTMLMediaElement>();

  constructor(participant: Participant, attributes: Record<string, string>) {
    this.element = document.createElement('figure');
    this.element.className = 'tile';
    for (const [name, value] of Object.entries(attributes)) this.element.setAttribute(name, value);
    this.#media = document.createElement('div');
    this.#media.className = 'tile-media';
    this.#caption = document.createElement('figcaption');
    this.element.append(this.#media, this.#caption);
    this.update(participant);
  }

  /** Refreshes the caption: the name, and which tracks are muted. */
  update(participant: Participant, label = participant.name || participant.identity): void {
    const muted = [...this.#elements.keys()].filter((t) => t.muted).map((t) => t.source);
    this.#caption.textContent = muted.length ? `${label} (muted: ${muted.join(', ')})` : label;
    this.element.setAttribute('aria-label', label);
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
    this.#media.append(element);
    return element;
  }

  detach(track: Track): void {
    const element = this.#elements.get(track);
    if (!element) return;
    element.srcObject = null;
    element.remove();
    this.#elements.delete(track);
  }

  remove(): void {
    for (const track of [...this.#elements.keys()]) this.detach(track);
    this.element.remove();
  }
}
