import type { Participant, Room } from '@roomcast/client';
import { h, initials } from '../dom.js';
import { icon } from '../icons.js';
import type { QualityLevel } from './connectionQuality.js';
import { mediaState } from './participantMedia.js';

/**
 * The people panel: everyone in the room (viewers too), with role, microphone and camera state,
 * and connection quality. Re-rendered whole on each change: rooms are small and the list holds no
 * focusable element, so nothing is lost by it.
 */
export class ParticipantList {
  readonly #quality = new Map<string, QualityLevel>();
  #scheduled = false;

  constructor(
    private readonly room: Room,
    private readonly list: HTMLUListElement,
    private readonly count: HTMLElement,
  ) {}

  setQuality(participantId: string, level: QualityLevel): void {
    if (this.#quality.get(participantId) === level) return;
    this.#quality.set(participantId, level);
    this.render();
  }

  /** Coalesces bursts of events (a join brings several) into one render. */
  render(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#renderNow();
    });
  }

  #renderNow(): void {
    const everyone: Participant[] = [this.room.localParticipant, ...this.room.participants];
    this.count.textContent = `(${everyone.length})`;
    this.list.replaceChildren(...everyone.map((participant) => this.#item(participant)));
  }

  #item(participant: Participant): HTMLLIElement {
    const { micMuted, cameraOff } = mediaState(participant);
    const publishes = participant.role !== 'viewer';
    const quality = this.#quality.get(participant.id) ?? 'unknown';
    const name = participant.name || participant.identity;
    const states = h('span', { class: 'person-media' });
    if (publishes) {
      states.append(
        h('span', { role: 'img', 'aria-label': micMuted ? 'microphone muted' : 'microphone on', 'data-off': micMuted }, icon(micMuted ? 'micOff' : 'mic')),
        h('span', { role: 'img', 'aria-label': cameraOff ? 'camera off' : 'camera on', 'data-off': cameraOff }, icon(cameraOff ? 'cameraOff' : 'camera')),
      );
    }
    states.append(h('span', { class: 'tile-quality', role: 'img', 'aria-label': `connection ${quality}`, 'data-quality': quality }, h('i'), h('i'), h('i')));
    return h(
      'li',
      { class: 'person', 'data-person-id': participant.id },
      h('span', { class: 'person-avatar', 'aria-hidden': 'true' }, initials(name)),
      h('span', { class: 'person-name' }, participant.isLocal ? `${name} (you)` : name, h('small', { class: 'person-role' }, participant.role)),
      states,
    );
  }
}
