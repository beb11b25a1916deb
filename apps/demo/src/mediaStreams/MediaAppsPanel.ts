import { RoomEvent, type MediaAppInfo, type Room } from '@roomcast/client';
import type { MediaStreamKind } from '@roomcast/protocol';
import { byId } from '../dom.js';
import type { Toasts } from '../Toasts.js';
import { errorText } from './MediaStreamIndicator.js';
import type { MediaStreamRequests } from './MediaStreamRequests.js';
import { startResultMessage } from './mediaStreamView.js';

/**
 * The "Apps" side panel: pick a registered app, tick what it gets (only what the app may receive),
 * and start streaming (moderators) or ask a moderator to (participants: the server's policy
 * decides). Its toggle stays hidden unless the server has apps registered.
 */
export class MediaAppsPanel {
  readonly #form = byId('media-stream-form', HTMLFormElement);
  readonly #app = byId('media-stream-app', HTMLSelectElement);
  readonly #kinds: Record<MediaStreamKind, HTMLInputElement> = {
    audio: byId('media-stream-audio', HTMLInputElement),
    video: byId('media-stream-video', HTMLInputElement),
    transcript: byId('media-stream-transcript', HTMLInputElement),
  };
  readonly #error = byId('media-stream-error', HTMLElement);
  readonly #submit = byId('media-stream-start', HTMLButtonElement);
  #apps: MediaAppInfo[] = [];
  #busy = false;

  constructor(
    private readonly room: Room,
    private readonly toggle: HTMLButtonElement,
    private readonly options: { moderator: boolean; toasts: Toasts; requests: MediaStreamRequests },
  ) {
    toggle.hidden = true;
    this.#submit.textContent = options.moderator ? 'Start streaming' : 'Ask to stream';
    this.#app.addEventListener('change', () => this.#renderKinds());
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#start();
    });
    // Once per connection: after the join (the first one, or a rejoin after a server restart).
    room.on(RoomEvent.ConnectionStateChanged, (state) => {
      if (state === 'connected') void this.#load();
    });
  }

  async #load(): Promise<void> {
    try {
      const apps = await this.room.listMediaApps();
      if (this.room.connectionState !== 'connected') return;
      this.#apps = apps;
    } catch {
      this.#apps = []; // A server without media streams: no panel, nothing to say.
    }
    const selected = this.#app.value;
    this.#app.replaceChildren(...this.#apps.map((app) => new Option(app.id, app.id, false, app.id === selected)));
    this.toggle.hidden = this.#apps.length === 0;
    this.#renderKinds();
  }

  /** Only what the selected app may receive can be ticked. */
  #renderKinds(): void {
    const app = this.#apps.find((a) => a.id === this.#app.value);
    for (const [kind, box] of Object.entries(this.#kinds) as Array<[MediaStreamKind, HTMLInputElement]>) {
      box.disabled = !app?.allow.includes(kind);
      if (box.disabled) box.checked = false;
    }
  }

  async #start(): Promise<void> {
    const app = this.#app.value;
    const { audio, video, transcript } = this.#kinds;
    if (this.#busy || !app) return;
    if (!audio.checked && !video.checked && !transcript.checked) {
      this.#showError('Tick at least one of audio, video, transcript');
      return;
    }
    this.#busy = true;
    this.#submit.setAttribute('aria-disabled', 'true');
    this.#showError(null);
    try {
      const result = await this.room.startMediaStream({
        app,
        ...(audio.checked ? { audio: {} } : {}),
        ...(video.checked ? { video: {} } : {}),
        ...(transcript.checked ? { transcript: true } : {}),
      });
      if (result.request_id) this.options.requests.asked(result.request_id);
      const message = startResultMessage(result, app);
      this.options.toasts.show(message.text, message.kind);
    } catch (error) {
      this.#showError(errorText(error));
    } finally {
      this.#busy = false;
      this.#submit.setAttribute('aria-disabled', 'false');
    }
  }

  #showError(message: string | null): void {
    this.#error.textContent = message ?? '';
    this.#error.hidden = message === null;
  }
}
