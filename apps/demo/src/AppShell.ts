import type { ConnectionState } from '@roomcast/client';
import { byId } from './dom.js';
import { Toasts } from './Toasts.js';

const STATE_TEXT: Record<ConnectionState, string> = {
  connecting: 'connecting',
  connected: 'connected',
  reconnecting: 'reconnecting',
  disconnected: 'disconnected',
};

/** What lives around the lobby and the meeting: the header's room and status, banners, toasts. */
export class AppShell {
  readonly toasts = new Toasts(byId('toasts', HTMLElement));
  readonly #roomName = byId('room-name', HTMLElement);
  readonly #status = byId('status', HTMLElement);
  readonly #statusDetail = byId('status-detail', HTMLElement);
  readonly #reconnecting = byId('reconnecting', HTMLElement);
  readonly #onAir = byId('on-air', HTMLElement);

  setRoom(name: string): void {
    this.#roomName.textContent = name;
    document.title = name ? `${name} · Roomcast` : 'Roomcast demo';
  }

  /** `#status` keeps the SDK's state words: tests and the console read them. */
  setConnection(state: ConnectionState, detail = ''): void {
    this.#status.textContent = STATE_TEXT[state];
    this.#status.parentElement!.dataset.state = state;
    this.#statusDetail.textContent = detail;
    this.#reconnecting.hidden = state !== 'reconnecting';
  }

  /** Everyone sees when the room is being broadcast, not only moderators. */
  setOnAir(onAir: boolean): void {
    this.#onAir.hidden = !onAir;
  }
}
