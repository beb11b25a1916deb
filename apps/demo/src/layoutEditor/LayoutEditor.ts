import { RoomcastError, RoomEvent, type Room } from '@roomcast/client';
import { LayoutNameSchema, LogoPositionSchema, type EgressState, type Layout, type LayoutName, type LogoPosition } from '@roomcast/protocol';
import { byId, h } from '../dom.js';
import { EMPTY_FORM, formFromLayout, layoutFromForm, pinCandidates, previewHint, togglePin, type LayoutForm } from './layoutForm.js';

/**
 * The control room's layout editor: layout (with a page URL for `web`), pinned people, background,
 * logo by URL or uploaded, banner, gap, rounded corners, hiding tiles without video. "Apply" changes the
 * running composite at once (`room.setLayout`: every output, no reconnect); off air it only keeps
 * the form, which the broadcast and live stream start requests read through layout(). The form
 * follows the room's `egress.layout` until the user edits it, so it opens on what is on air.
 */
export class LayoutEditor {
  readonly #url = byId('layout-url', HTMLInputElement);
  readonly #urlRow = byId('layout-url-row', HTMLElement);
  readonly #pins = byId('layout-pins', HTMLUListElement);
  readonly #backgroundOn = byId('layout-background-on', HTMLInputElement);
  readonly #background = byId('layout-background', HTMLInputElement);
  readonly #logoUrl = byId('layout-logo-url', HTMLInputElement);
  readonly #logoFile = byId('layout-logo-file', HTMLInputElement);
  readonly #logoAssetNote = byId('layout-logo-asset', HTMLElement);
  readonly #logoPosition = byId('layout-logo-position', HTMLSelectElement);
  readonly #logoSize = byId('layout-logo-size', HTMLInputElement);
  readonly #banner = byId('layout-banner', HTMLInputElement);
  readonly #bannerPosition = byId('layout-banner-position', HTMLSelectElement);
  readonly #gap = byId('layout-gap', HTMLInputElement);
  readonly #rounded = byId('layout-rounded', HTMLInputElement);
  readonly #hideVideoOff = byId('layout-hide-video-off', HTMLInputElement);
  readonly #apply = byId('layout-apply', HTMLButtonElement);
  readonly #status = byId('layout-status', HTMLElement);
  readonly #error = byId('layout-error', HTMLElement);
  readonly #preview = byId('layout-preview-hint', HTMLElement);
  /** Pins live here, not in the checkboxes: their order matters and people come and go. */
  #pinned: string[] = [];
  /** The user changed a field since the last apply: the room's updates no longer overwrite the form. */
  #dirty = false;
  #busy = false;
  /** The uploaded logo's asset id: the logo while set; typing a logo URL clears it. */
  #logoAsset = '';

  constructor(
    private readonly room: Room,
    /** The Output section's layout picker, which this editor fills and reads. */
    private readonly picker: HTMLSelectElement,
  ) {
    picker.replaceChildren(...LayoutNameSchema.options.map((name) => new Option(name, name, name === 'grid', name === 'grid')));
    this.#logoPosition.replaceChildren(...LogoPositionSchema.options.map((p) => new Option(p, p)));
    const form = byId('layout-editor', HTMLElement);
    form.addEventListener('input', () => this.#edited());
    picker.addEventListener('change', () => this.#edited());
    this.#apply.addEventListener('click', () => void this.#applyClicked());
    // Both own their failures (shown in the form): nothing to catch here.
    this.#logoFile.addEventListener('change', () => void this.#uploadLogo());
    this.#logoUrl.addEventListener('input', () => this.#setLogoAsset('', ''));
    for (const event of [RoomEvent.ParticipantJoined, RoomEvent.ParticipantLeft, RoomEvent.ParticipantUpdated] as const) {
      room.on(event, () => this.#renderPins());
    }
    room.on(RoomEvent.EgressUpdated, (egress) => this.#renderEgress(egress));
    this.#write(EMPTY_FORM);
    this.#renderEgress(room.egress);
  }

  /** The layout the form describes, for a start request; a bad field throws (the caller shows it). */
  layout(): Layout {
    const result = layoutFromForm(this.#read());
    if ('error' in result) throw new Error(`Layout: ${result.error}`);
    return result.layout;
  }

  #edited(): void {
    this.#dirty = true;
    this.#urlRow.hidden = this.picker.value !== 'web';
    this.#background.disabled = !this.#backgroundOn.checked;
    this.#status.textContent = '';
  }

  async #applyClicked(): Promise<void> {
    if (this.#busy) return;
    const result = layoutFromForm(this.#read());
    if ('error' in result) return this.#showError(result.error);
    this.#showError(null);
    // No composite: nothing to change now; the start requests take this form's layout.
    if (this.room.egress.layout === null) {
      this.#status.textContent = 'Saved: used when a broadcast or live stream starts.';
      return;
    }
    this.#busy = true;
    this.#apply.setAttribute('aria-disabled', 'true');
    try {
      await this.room.setLayout(result.layout);
      this.#dirty = false;
      this.#status.textContent = 'Applied: on air now.';
    } catch (error) {
      // E.g. a logo host the server may not fetch from: its 400 message says why.
      this.#showError(error instanceof RoomcastError ? `${error.message} (${error.code})` : String(error));
    } finally {
      this.#busy = false;
      this.#apply.setAttribute('aria-disabled', 'false');
    }
  }

  /**
   * Uploads the chosen file (`room.uploadLogo`: a one-time ticket from signaling, then the bytes to
   * the server) and applies the layout with it as `logo: {asset}`: on air at once, else kept for the start.
   */
  async #uploadLogo(): Promise<void> {
    const file = this.#logoFile.files?.[0];
    if (!file) return;
    this.#showError(null);
    this.#logoAssetNote.textContent = `Uploading ${file.name}…`;
    try {
      const asset = await this.room.uploadLogo(file);
      this.#logoUrl.value = '';
      this.#setLogoAsset(asset.id, `Uploaded ${file.name}.`);
      this.#dirty = true;
      await this.#applyClicked();
    } catch (error) {
      this.#logoAssetNote.textContent = '';
      // Too large (413) or not a PNG, JPEG or WebP (415): the server's message says which.
      this.#showError(error instanceof RoomcastError ? `${error.message} (${error.code})` : String(error));
    } finally {
      this.#logoFile.value = '';
    }
  }

  #setLogoAsset(id: string, note: string): void {
    this.#logoAsset = id;
    this.#logoAssetNote.textContent = note;
  }

  #renderEgress(egress: EgressState): void {
    this.#preview.textContent = previewHint(egress);
    this.#apply.textContent = egress.layout === null ? 'Apply' : 'Apply live';
    if (!this.#dirty && egress.layout !== null) this.#write(formFromLayout(egress.layout));
  }

  #renderPins(): void {
    const people = [this.room.localParticipant, ...this.room.participants];
    const items = pinCandidates(people, this.#pinned).map((candidate) => {
      const box = h('input', { type: 'checkbox', value: candidate.identity, checked: this.#pinned.includes(candidate.identity) });
      box.addEventListener('change', () => {
        // No re-render here: it would take the keyboard focus off this box.
        this.#pinned = togglePin(this.#pinned, candidate.identity, box.checked);
      });
      const label = candidate.away ? `${candidate.name} (not here)` : candidate.name;
      return h('li', { 'data-identity': candidate.identity }, h('label', { class: 'checkbox' }, box, label));
    });
    this.#pins.replaceChildren(...items);
  }

  #read(): LayoutForm {
    const gap = this.#gap.value.trim();
    return {
      name: LayoutNameSchema.parse(this.picker.value),
      url: this.#url.value,
      pinned: this.#pinned,
      background: this.#backgroundOn.checked ? this.#background.value : null,
      logoUrl: this.#logoUrl.value,
      logoAsset: this.#logoAsset,
      logoPosition: this.#logoPosition.value as LogoPosition,
      logoSizePercent: Number(this.#logoSize.value),
      bannerText: this.#banner.value,
      bannerPosition: this.#bannerPosition.value === 'top' ? 'top' : 'bottom',
      gap: gap === '' ? null : Number(gap),
      rounded: this.#rounded.checked,
      hideVideoOff: this.#hideVideoOff.checked,
    };
  }

  #write(form: LayoutForm): void {
    this.picker.value = form.name satisfies LayoutName;
    this.#url.value = form.url;
    this.#urlRow.hidden = form.name !== 'web';
    this.#pinned = [...form.pinned];
    this.#backgroundOn.checked = form.background !== null;
    this.#background.value = form.background ?? '#101014';
    this.#background.disabled = form.background === null;
    this.#logoUrl.value = form.logoUrl;
    if (form.logoAsset !== this.#logoAsset) this.#setLogoAsset(form.logoAsset, form.logoAsset ? 'An uploaded logo is on air.' : '');
    this.#logoPosition.value = form.logoPosition;
    this.#logoSize.value = String(form.logoSizePercent);
    this.#banner.value = form.bannerText;
    this.#bannerPosition.value = form.bannerPosition;
    this.#gap.value = form.gap === null ? '' : String(form.gap);
    this.#rounded.checked = form.rounded;
    this.#hideVideoOff.checked = form.hideVideoOff;
    this.#renderPins();
  }

  #showError(message: string | null): void {
    this.#error.textContent = message ?? '';
    this.#error.hidden = message === null;
    if (message !== null) this.#status.textContent = '';
  }
}
