import { RoomcastError, RoomEvent, type Room } from '@roomcast/client';
import { layoutName, QualitySchema, type EgressState, type RtmpDestination } from '@roomcast/protocol';
import { byId } from '../dom.js';
import { LayoutEditor } from '../layoutEditor/LayoutEditor.js';
import { broadcastItem, draftItem } from './destinationItems.js';
import { takenNames, validateDraft } from './destinationDrafts.js';
import { LiveStreamPanel } from './LiveStreamPanel.js';

const DEFAULT_QUALITY = '720p';

/**
 * The broadcast control room (moderators, or tokens with start-broadcast): add RTMP destinations,
 * pick layout and quality, go live, stop each or all, and watch each destination's status as the
 * server's `egressUpdated` events arrive. The whole panel re-renders from `room.egress`, the one
 * source of truth; only the drafts (not started yet) are local, and their stream keys live in
 * memory until they are sent, then are dropped.
 */
export class ControlRoom {
  readonly #form = byId('destination-form', HTMLFormElement);
  readonly #name = byId('destination-name', HTMLInputElement);
  readonly #url = byId('destination-url', HTMLInputElement);
  readonly #key = byId('destination-key', HTMLInputElement);
  readonly #formError = byId('destination-error', HTMLElement);
  readonly #layout = byId('broadcast-layout', HTMLSelectElement);
  readonly #quality = byId('broadcast-quality', HTMLSelectElement);
  readonly #list = byId('destination-list', HTMLUListElement);
  readonly #empty = byId('destination-empty', HTMLElement);
  readonly #summary = byId('broadcast-summary', HTMLElement);
  readonly #start = byId('broadcast-start', HTMLButtonElement);
  readonly #stopAll = byId('broadcast-stop-all', HTMLButtonElement);
  readonly #error = byId('broadcast-error', HTMLElement);
  readonly #editor: LayoutEditor;
  #drafts: RtmpDestination[] = [];
  #busy = false;

  constructor(private readonly room: Room) {
    // The layout picker and its options (a page URL for `web`) belong to the layout editor.
    this.#editor = new LayoutEditor(room, this.#layout);
    fillOptions(this.#quality, QualitySchema.options, DEFAULT_QUALITY);
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#addDraft();
    });
    this.#start.addEventListener('click', () => {
      if (this.#drafts.length > 0) void this.#run(() => this.#goLive());
    });
    this.#stopAll.addEventListener('click', () => {
      if (this.room.egress.rtmps.length > 0) void this.#run(() => this.room.stopAllBroadcasts());
    });
    room.on(RoomEvent.EgressUpdated, (egress) => this.#render(egress));
    this.#render(room.egress);
    new LiveStreamPanel(room, { quality: this.#quality, layout: () => this.#editor.layout() });
  }

  #addDraft(): void {
    const result = validateDraft({ name: this.#name.value, url: this.#url.value, key: this.#key.value }, takenNames(this.#drafts, this.room.egress.rtmps));
    // The key field is cleared whatever happened: a key is typed once and never shown again.
    this.#key.value = '';
    if ('error' in result) {
      this.#showError(this.#formError, result.error);
      return;
    }
    this.#showError(this.#formError, null);
    this.#drafts.push(result.draft);
    // reset(), not emptying the fields: emptied required fields would show as invalid.
    this.#form.reset();
    this.#name.focus();
    this.#render(this.room.egress);
  }

  /** Starts the drafts: a new broadcast, or more destinations for the running one. */
  async #goLive(): Promise<EgressState> {
    const broadcasts = this.#drafts;
    const running = this.room.egress.broadcasting;
    const egress = await this.room.startBroadcasts({
      broadcasts,
      layout: this.#editor.layout(),
      // A running composite keeps its quality (the server refuses another one).
      ...(running ? {} : { quality: QualitySchema.parse(this.#quality.value) }),
    });
    this.#drafts = this.#drafts.filter((d) => !broadcasts.includes(d));
    return egress;
  }

  /** One request at a time; the buttons say so while it runs, the error region if it fails. */
  async #run(action: () => Promise<EgressState>): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    this.#showError(this.#error, null);
    this.#render(this.room.egress);
    try {
      this.#render(await action());
    } catch (error) {
      const message = error instanceof RoomcastError ? `${error.message} (${error.code})` : String(error);
      this.#showError(this.#error, message);
    } finally {
      this.#busy = false;
      this.#render(this.room.egress);
    }
  }

  #render(egress: EgressState): void {
    const items = [
      ...egress.rtmps.map((info) => broadcastItem(info, () => void this.#run(() => this.room.stopBroadcast(info.name)))),
      ...this.#drafts.map((draft) => draftItem(draft, () => this.#removeDraft(draft))),
    ];
    // Re-rendering replaces the buttons: keep keyboard focus on the same destination's button.
    const focused = this.#list.contains(document.activeElement) ? document.activeElement?.getAttribute('aria-label') : null;
    this.#list.replaceChildren(...items);
    if (focused) (this.#list.querySelector<HTMLElement>(`[aria-label="${CSS.escape(focused)}"]`) ?? this.#name).focus();
    this.#empty.hidden = items.length > 0;
    const live = egress.rtmps.filter((r) => r.status === 'live').length;
    this.#summary.dataset.live = String(egress.broadcasting);
    // `broadcasting` is RTMP or HLS: with HLS alone there are no destinations to count.
    const outputs = egress.rtmps.length > 0 ? `${live} of ${egress.rtmps.length} destination${egress.rtmps.length === 1 ? '' : 's'} live` : 'HLS only';
    this.#summary.textContent = egress.broadcasting ? `On air · ${outputs} · ${egress.quality} · ${egress.layout ? layoutName(egress.layout) : ''}` : 'Off air';
    if (egress.broadcasting && egress.quality) this.#quality.value = egress.quality;
    this.#quality.disabled = egress.broadcasting;
    // aria-disabled, not disabled: a disabled button drops keyboard focus, and these are often
    // the focused element when they stop applying (after "Go live", after "Stop all").
    this.#start.setAttribute('aria-disabled', String(this.#busy || this.#drafts.length === 0));
    this.#start.textContent = egress.broadcasting ? 'Add to broadcast' : 'Go live';
    this.#stopAll.setAttribute('aria-disabled', String(this.#busy || egress.rtmps.length === 0));
  }

  #removeDraft(draft: RtmpDestination): void {
    this.#drafts = this.#drafts.filter((d) => d !== draft);
    this.#render(this.room.egress);
    this.#name.focus();
  }

  #showError(element: HTMLElement, message: string | null): void {
    element.textContent = message ?? '';
    element.hidden = message === null;
  }
}

function fillOptions(select: HTMLSelectElement, values: readonly string[], selected: string): void {
  select.replaceChildren(...values.map((value) => new Option(value, value, value === selected, value === selected)));
}
