import { RoomEvent, type Room } from '@roomcast/client';
import type { LiveStreamInfo } from '@roomcast/protocol';
import { byId, h } from '../dom.js';
import { assetItems, recordingFromEvent, recordingFromStop, type RecordingEntry } from './recordingItems.js';

/**
 * The control room's recordings: each recorded live stream of this meeting, newest first, with
 * its assets (type, duration, size) and download links. They come from what every participant
 * hears (`recording.ready` room events) and from this page's own stop answer, so no admin token
 * is needed; the URLs are the server's, signed when HLS_SIGNED_URLS is on.
 */
export class RecordingsList {
  readonly #box = byId('live-stream-recordings', HTMLElement);
  readonly #list = byId('live-stream-recording-list', HTMLUListElement);
  /** By live stream id, in the order first heard of. */
  readonly #entries = new Map<string, RecordingEntry>();

  constructor(room: Room) {
    room.on(RoomEvent.RoomEventReceived, (type, data) => {
      const entry = recordingFromEvent(type, data);
      if (entry) this.#add(entry);
    });
    this.#render();
  }

  /** What a stop answered: its assets, if the recording was finished by then. */
  stopped(stream: LiveStreamInfo): void {
    const entry = recordingFromStop(stream);
    if (entry) this.#add(entry);
  }

  #add(entry: RecordingEntry): void {
    // The event comes after the stop's answer (or instead of it): the latest word wins.
    this.#entries.set(entry.id, entry);
    this.#render();
  }

  #render(): void {
    const items = [...this.#entries.values()].reverse().map((entry) => {
      const assets = assetItems(entry, location.origin).map((asset) =>
        h('li', { class: 'recording-asset', 'data-type': asset.type },
          h('a', { href: asset.href, download: asset.download, target: '_blank', rel: 'noopener' }, asset.label),
          h('span', { class: 'hint' }, ` ${asset.details}`)));
      const error = entry.error === null ? [] : [h('p', { class: 'error' }, `Incomplete: ${entry.error}`)];
      return h('li', { class: 'recording', 'data-id': entry.id }, h('span', { class: 'recording-id' }, entry.id), ...error, h('ul', {}, ...assets));
    });
    this.#list.replaceChildren(...items);
    this.#box.hidden = items.length === 0;
  }
}
