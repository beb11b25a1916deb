import { DEFAULT_CAMERA_CONSTRAINTS, DEFAULT_MICROPHONE_CONSTRAINTS, type CaptureOption } from '@roomcast/client';
import { RoleSchema, type Role } from '@roomcast/protocol';
import { byId } from '../dom.js';
import { demoTokensAvailable, mintDemoToken } from './demoTokens.js';
import { DevicePreview } from './DevicePreview.js';
import { randomRoomName } from './roomNames.js';

/** What the lobby hands to the meeting. */
export interface JoinRequest {
  token: string;
  /** The room's name, when the lobby knows it (dev mode), for the address bar. */
  room?: string;
  /** Whether to publish at all (viewers do not). */
  publish: boolean;
  /** How to capture the camera and the microphone: the chosen devices. */
  camera: CaptureOption;
  microphone: CaptureOption;
  /**
   * Whether each starts on, as left in the preview. A camera left off is not captured at all (its
   * light stays off) until "Start video"; a muted microphone is published muted, to unmute at once.
   */
  cameraOn: boolean;
  microphoneOn: boolean;
}

/**
 * `dev`: the server mints demo tokens, so the lobby asks for a name, a room and a role.
 * `token`: it does not (real credentials): the lobby asks for a token from the app's backend.
 */
type LobbyMode = 'checking' | 'dev' | 'token';

const NAME_KEY = 'roomcast-demo.name';

/** The lobby: name, room, role, camera and microphone preview; then a token and a join request. */
export class Lobby {
  readonly #section = byId('lobby', HTMLElement);
  readonly #form = byId('lobby-form', HTMLFormElement);
  readonly #name = byId('lobby-name', HTMLInputElement);
  readonly #room = byId('lobby-room', HTMLInputElement);
  readonly #token = byId('lobby-token', HTMLInputElement);
  readonly #error = byId('lobby-error', HTMLElement);
  readonly #join = byId('lobby-join', HTMLButtonElement);
  readonly #preview: DevicePreview;
  #mode: LobbyMode = 'checking';

  constructor(private readonly onJoin: (request: JoinRequest) => void) {
    this.#preview = new DevicePreview({
      video: byId('preview-video', HTMLVideoElement),
      placeholder: byId('preview-placeholder', HTMLElement),
      cameraSelect: byId('camera-select', HTMLSelectElement),
      microphoneSelect: byId('microphone-select', HTMLSelectElement),
      cameraToggle: byId('preview-camera', HTMLButtonElement),
      microphoneToggle: byId('preview-microphone', HTMLButtonElement),
      level: byId('mic-level', HTMLMeterElement),
    });
    this.#name.value = localStorage.getItem(NAME_KEY) ?? '';
    this.#room.value = randomRoomName();
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#submit();
    });
    this.#form.addEventListener('change', () => this.#renderRole());
  }

  /** Shows the lobby (again), prefilled from the address bar, and starts the preview. */
  show(prefill: { room?: string; token?: string; message?: string } = {}): void {
    if (prefill.room) this.#room.value = prefill.room;
    if (prefill.token) this.#token.value = prefill.token;
    this.#showError(prefill.message ?? null);
    this.#section.hidden = false;
    this.#join.disabled = false;
    this.#renderRole(); // Starts the preview, unless joining as a viewer.
    void this.#detectMode();
    (this.#name.value ? this.#join : this.#name).focus();
  }

  hide(): void {
    this.#preview.stop();
    this.#section.hidden = true;
  }

  async #detectMode(): Promise<void> {
    if (this.#mode !== 'checking') return;
    const available = await demoTokensAvailable().catch(() => false);
    this.#setMode(available ? 'dev' : 'token');
  }

  #setMode(mode: LobbyMode): void {
    this.#mode = mode;
    this.#form.dataset.mode = mode;
    // Hidden fields must not block the form's validation.
    for (const field of this.#form.querySelectorAll<HTMLElement>('[data-for-mode]')) {
      const shown = field.dataset.forMode === mode;
      field.hidden = !shown;
      for (const input of field.querySelectorAll('input')) input.disabled = !shown;
    }
    this.#renderRole();
  }

  #role(): Role {
    if (this.#mode !== 'dev') return 'participant'; // The token decides; devices stay offered.
    const checked = this.#form.querySelector<HTMLInputElement>('input[name="role"]:checked');
    return RoleSchema.catch('participant').parse(checked?.value);
  }

  /** Viewers neither publish nor need a preview: their camera and microphone are released. */
  #renderRole(): void {
    const viewer = this.#role() === 'viewer';
    for (const element of this.#section.querySelectorAll<HTMLElement>('[data-publisher-only]')) element.hidden = viewer;
    if (this.#section.hidden) return;
    if (viewer) this.#preview.stop();
    else void this.#preview.start();
  }

  async #submit(): Promise<void> {
    if (this.#mode === 'checking' || !this.#form.reportValidity()) return;
    this.#join.disabled = true;
    this.#showError(null);
    try {
      const role = this.#role();
      const { token, room } = await this.#obtainToken(role);
      const request = this.#joinRequest(token, role, room);
      this.hide();
      this.onJoin(request);
    } catch (error) {
      this.#showError(`Could not join: ${error instanceof Error ? error.message : String(error)}`);
      this.#join.disabled = false;
    }
  }

  async #obtainToken(role: Role): Promise<{ token: string; room?: string }> {
    if (this.#mode === 'token') return { token: this.#token.value.trim() };
    const name = this.#name.value.trim();
    localStorage.setItem(NAME_KEY, name);
    return mintDemoToken({ room: this.#room.value.trim(), name, role });
  }

  #joinRequest(token: string, role: Role, room: string | undefined): JoinRequest {
    const choice = this.#preview.choice;
    const device = (id: string) => (id ? { deviceId: { exact: id } } : {});
    return {
      token,
      room,
      publish: role !== 'viewer',
      camera: { ...DEFAULT_CAMERA_CONSTRAINTS, ...device(choice.cameraId) },
      microphone: { ...DEFAULT_MICROPHONE_CONSTRAINTS, ...device(choice.microphoneId) },
      cameraOn: choice.cameraOn,
      microphoneOn: choice.microphoneOn,
    };
  }

  #showError(message: string | null): void {
    this.#error.textContent = message ?? '';
    this.#error.hidden = message === null;
  }
}
