import { RoomcastError, RoomEvent, type Room } from '@roomcast/client';
import type { MediaStreamInfo } from '@roomcast/protocol';
import { byId, h } from '../dom.js';
import type { Toasts } from '../Toasts.js';
import { indicatedStreams, stateText, streamText } from './mediaStreamView.js';

type Action = 'pause' | 'resume' | 'stop';

/**
 * Everyone sees, over the stage, which apps receive the meeting and what media (as Zoom shows its
 * RTMS indicator), with each stream's state; moderators also get pause / resume / stop on each
 * (and see streams still waiting for their app, to stop a stuck one). Anyone who publishes can keep
 * their own media out of every stream ("Don't send my media to apps"). Renders from
 * `room.mediaStreams`, the server's state, on every `mediaStreamsChanged`.
 */
export class MediaStreamIndicator {
  readonly #root = byId('media-streams', HTMLElement);
  readonly #list = byId('media-stream-list', HTMLUListElement);
  readonly #consent = byId('media-stream-consent', HTMLInputElement);
  readonly #busy = new Set<string>();

  constructor(
    private readonly room: Room,
    private readonly toasts: Toasts,
    private readonly control: boolean,
  ) {
    this.#consent.addEventListener('change', () => void this.#setConsent(this.#consent.checked));
    room.on(RoomEvent.MediaStreamsChanged, () => this.#render());
    // A reconnect rebuilds the session: the SDK pauses it again; `canPublish` is known once joined.
    room.on(RoomEvent.ConnectionStateChanged, () => this.#render());
    this.#render();
  }

  #render(): void {
    const streams = this.control ? [...this.room.mediaStreams] : indicatedStreams(this.room.mediaStreams);
    // Re-rendering replaces the buttons: keep keyboard focus on the same stream's button.
    const focused = this.#list.contains(document.activeElement) ? document.activeElement?.getAttribute('aria-label') : null;
    this.#list.replaceChildren(...streams.map((stream) => this.#item(stream)));
    if (focused) this.#list.querySelector<HTMLElement>(`[aria-label="${CSS.escape(focused)}"]`)?.focus();
    this.#root.hidden = streams.length === 0;
    this.#consent.parentElement!.hidden = !this.room.canPublish;
    this.#consent.checked = this.room.mediaStreamConsentPaused;
  }

  #item(stream: MediaStreamInfo): HTMLLIElement {
    const actions = this.control ? this.#buttons(stream) : [];
    return h(
      'li',
      { class: 'media-stream', 'data-media-stream': stream.id, 'data-state': stream.state },
      h('span', { class: 'media-stream-dot', 'aria-hidden': 'true' }),
      h('span', { class: 'media-stream-text' }, streamText(stream)),
      h('span', { class: 'badge', 'data-status': stream.state.toLowerCase() }, stateText(stream.state)),
      ...actions,
    );
  }

  #buttons(stream: MediaStreamInfo): HTMLButtonElement[] {
    const toggle: Action | undefined = stream.state === 'PAUSED' ? 'resume' : stream.state === 'INITIALIZE' ? undefined : 'pause';
    const wanted: Action[] = toggle ? [toggle, 'stop'] : ['stop'];
    return wanted.map((action) => {
      const text = action[0]!.toUpperCase() + action.slice(1);
      const button = h('button', { type: 'button', class: action === 'stop' ? 'small danger' : 'small', 'data-action': action, 'aria-label': `${text} streaming to ${stream.app}` }, text);
      button.setAttribute('aria-disabled', String(this.#busy.has(stream.id)));
      button.addEventListener('click', () => void this.#run(stream, action));
      return button;
    });
  }

  async #run(stream: MediaStreamInfo, action: Action): Promise<void> {
    if (this.#busy.has(stream.id)) return;
    this.#busy.add(stream.id);
    this.#render();
    try {
      if (action === 'pause') await this.room.pauseMediaStream(stream.id);
      else if (action === 'resume') await this.room.resumeMediaStream(stream.id);
      else await this.room.stopMediaStream(stream.id);
    } catch (error) {
      this.toasts.show(`Cannot ${action} streaming to ${stream.app}: ${errorText(error)}`, 'error');
    } finally {
      this.#busy.delete(stream.id);
      this.#render();
    }
  }

  async #setConsent(paused: boolean): Promise<void> {
    this.#consent.disabled = true;
    try {
      await this.room.setMediaStreamConsent(paused);
      this.toasts.show(paused ? 'Your media no longer goes to apps' : 'Your media goes to apps again', 'info');
    } catch (error) {
      this.toasts.show(`Cannot change what goes to apps: ${errorText(error)}`, 'error');
    } finally {
      this.#consent.disabled = false;
      this.#render(); // Back to what the SDK holds, if the server refused.
    }
  }
}

export function errorText(error: unknown): string {
  return error instanceof RoomcastError ? `${error.message} (${error.code})` : String(error);
}
