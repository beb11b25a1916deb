import { setIcon } from '../icons.js';
import { LevelMeter } from './LevelMeter.js';

export interface DevicePreviewElements {
  video: HTMLVideoElement;
  placeholder: HTMLElement;
  cameraSelect: HTMLSelectElement;
  microphoneSelect: HTMLSelectElement;
  cameraToggle: HTMLButtonElement;
  microphoneToggle: HTMLButtonElement;
  level: HTMLMeterElement;
}

type Kind = 'videoinput' | 'audioinput';

/**
 * The lobby's camera and microphone preview with device selection. Device labels are only given
 * once the page has a capture permission, so the lists are filled after the first capture. The
 * preview stops its tracks before joining: the SDK captures its own with the chosen device ids.
 */
export class DevicePreview {
  #video: MediaStreamTrack | undefined;
  #audio: MediaStreamTrack | undefined;
  #cameraOn = true;
  #microphoneOn = true;
  #running = false;
  readonly #meter: LevelMeter;

  constructor(private readonly els: DevicePreviewElements) {
    this.#meter = new LevelMeter(els.level);
    els.cameraSelect.addEventListener('change', () => void this.#startVideo());
    els.microphoneSelect.addEventListener('change', () => void this.#startAudio());
    els.cameraToggle.addEventListener('click', () => this.#toggleCamera());
    els.microphoneToggle.addEventListener('click', () => this.#toggleMicrophone());
    navigator.mediaDevices?.addEventListener('devicechange', () => void this.#listDevices());
    document.addEventListener('pointerdown', () => this.#meter.resume());
    this.#render();
  }

  /** What to capture on joining: the chosen devices, and whether each starts on. */
  get choice(): { cameraId: string; microphoneId: string; cameraOn: boolean; microphoneOn: boolean } {
    return {
      cameraId: this.els.cameraSelect.value,
      microphoneId: this.els.microphoneSelect.value,
      cameraOn: this.#cameraOn,
      microphoneOn: this.#microphoneOn,
    };
  }

  get running(): boolean {
    return this.#running;
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await Promise.all([this.#startVideo(), this.#startAudio()]);
    await this.#listDevices();
  }

  /** Releases camera and microphone (the SDK captures them again when joining). */
  stop(): void {
    this.#running = false;
    this.#stopVideo();
    this.#stopAudio();
    this.#meter.close();
  }

  async #startVideo(): Promise<void> {
    this.#stopVideo();
    if (!this.#running || !this.#cameraOn) return this.#render();
    const track = await this.#capture('video', this.els.cameraSelect.value);
    // Stopped, or asked again, while the browser was capturing: this capture is stale.
    if (!this.#running || !this.#cameraOn || this.#video) return track?.stop();
    this.#video = track;
    this.els.video.srcObject = track ? new MediaStream([track]) : null;
    this.#render(track ? undefined : 'No camera available');
  }

  async #startAudio(): Promise<void> {
    this.#stopAudio();
    if (!this.#running) return;
    const track = await this.#capture('audio', this.els.microphoneSelect.value);
    if (!this.#running || this.#audio) return track?.stop();
    this.#audio = track;
    if (track) track.enabled = this.#microphoneOn;
    this.#meter.attach(track);
  }

  async #capture(kind: 'video' | 'audio', deviceId: string): Promise<MediaStreamTrack | undefined> {
    const constraints: MediaTrackConstraints = deviceId ? { deviceId: { exact: deviceId } } : {};
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ [kind]: constraints });
      return stream.getTracks()[0];
    } catch (error) {
      console.warn(`lobby: cannot capture ${kind}`, error);
      return undefined;
    }
  }

  #stopVideo(): void {
    this.#video?.stop();
    this.#video = undefined;
    this.els.video.srcObject = null;
  }

  #stopAudio(): void {
    this.#audio?.stop();
    this.#audio = undefined;
    this.#meter.detach();
  }

  /** Camera off releases the camera (its light goes out), rather than only hiding the picture. */
  #toggleCamera(): void {
    this.#cameraOn = !this.#cameraOn;
    void this.#startVideo();
  }

  #toggleMicrophone(): void {
    this.#microphoneOn = !this.#microphoneOn;
    if (this.#audio) this.#audio.enabled = this.#microphoneOn;
    this.#render();
  }

  async #listDevices(): Promise<void> {
    const devices = await navigator.mediaDevices?.enumerateDevices().catch(() => []) ?? [];
    fillSelect(this.els.cameraSelect, devices, 'videoinput', 'Camera');
    fillSelect(this.els.microphoneSelect, devices, 'audioinput', 'Microphone');
  }

  #render(problem?: string): void {
    const { cameraToggle, microphoneToggle, placeholder, video } = this.els;
    const showVideo = this.#cameraOn && this.#video !== undefined;
    video.hidden = !showVideo;
    placeholder.hidden = showVideo;
    placeholder.textContent = problem ?? (this.#cameraOn ? 'Starting camera…' : 'Camera is off');
    setToggle(cameraToggle, this.#cameraOn, 'camera', 'cameraOff', 'Stop video', 'Start video');
    setToggle(microphoneToggle, this.#microphoneOn, 'mic', 'micOff', 'Mute', 'Unmute');
  }
}

/** A toggle's text says what a click does; `data-off` marks the off state for the CSS and tests. */
function setToggle(button: HTMLButtonElement, on: boolean, onIcon: 'camera' | 'mic', offIcon: 'cameraOff' | 'micOff', turnOff: string, turnOn: string): void {
  setIcon(button, on ? onIcon : offIcon);
  const label = button.querySelector('.label') ?? button.appendChild(document.createElement('span'));
  label.className = 'label';
  label.textContent = on ? turnOff : turnOn;
  if (on) delete button.dataset.off;
  else button.dataset.off = 'true';
}

/** Refills a device list, keeping the current choice if that device is still there. */
function fillSelect(select: HTMLSelectElement, devices: MediaDeviceInfo[], kind: Kind, noun: string): void {
  const current = select.value;
  const mine = devices.filter((d) => d.kind === kind && d.deviceId);
  select.replaceChildren(
    ...mine.map((device, index) => new Option(device.label || `${noun} ${index + 1}`, device.deviceId)),
  );
  if (mine.length === 0) select.append(new Option(`No ${noun.toLowerCase()} found`, ''));
  if (mine.some((d) => d.deviceId === current)) select.value = current;
  select.disabled = mine.length === 0;
}
