import { RoomcastError, RoomEvent, type Room } from '@roomcast/client';
import { QualitySchema, type EgressState, type Layout, type LiveStreamInfo } from '@roomcast/protocol';
import type { ErrorData } from 'hls.js';
import { byId } from '../dom.js';
import { playLowLatency, type LowLatencyPlayer } from '../hls/lowLatencyPlayer.js';
import { latencyText, liveStreamView, watchUrl, type LiveStreamView } from './liveStreamView.js';
import { RecordingsList } from './RecordingsList.js';

const LATENCY_REFRESH_MS = 1000;
const COPIED_MS = 1500;

interface Monitor {
  url: string;
  /** Set once hls.js has loaded (undefined without MSE: the browser's own HLS plays). */
  player: LowLatencyPlayer | undefined;
  timer: ReturnType<typeof setInterval>;
}

/** The output pickers the RTMP section owns; a live stream starts with the same ones. */
export interface OutputPickers {
  quality: HTMLSelectElement;
  /** The layout editor's layout (throws on a bad field: the start is refused with that message). */
  layout: () => Layout;
}

/**
 * The control room's HLS section: start (with the output pickers' quality and an optional
 * recording), stop, status and error as `egressUpdated` reports them, the playback URL to copy,
 * and a program monitor playing the stream itself with hls.js in low-latency mode (muted), with
 * its latency behind live.
 */
export class LiveStreamPanel {
  readonly #section = byId('live-streams', HTMLElement);
  readonly #status = byId('live-stream-status', HTMLElement);
  readonly #latency = byId('live-stream-latency', HTMLElement);
  readonly #error = byId('live-stream-error', HTMLElement);
  readonly #monitorBox = byId('live-stream-monitor', HTMLElement);
  readonly #video = byId('live-stream-video', HTMLVideoElement);
  readonly #playback = byId('live-stream-playback', HTMLElement);
  readonly #url = byId('live-stream-url', HTMLInputElement);
  readonly #copy = byId('live-stream-copy', HTMLButtonElement);
  readonly #watch = byId('live-stream-watch', HTMLAnchorElement);
  readonly #record = byId('live-stream-record', HTMLInputElement);
  readonly #recordMp4 = byId('live-stream-record-mp4', HTMLInputElement);
  readonly #start = byId('live-stream-start', HTMLButtonElement);
  readonly #stop = byId('live-stream-stop', HTMLButtonElement);
  /** What this page's last stop returned: a stopped stream leaves `egress.live_streams`. */
  #last: LiveStreamInfo | undefined;
  #view: LiveStreamView = liveStreamView(undefined, undefined, location.origin);
  #busy = false;
  /** The last request's refusal, until the next request. */
  #requestError: string | null = null;
  #monitor: Monitor | undefined;
  readonly #recordings: RecordingsList;

  constructor(
    private readonly room: Room,
    private readonly pickers: OutputPickers,
  ) {
    this.#start.addEventListener('click', () => {
      if (this.#view.canStart) void this.#run(() => this.#startStream());
    });
    this.#stop.addEventListener('click', () => {
      const id = this.#listed(room.egress)?.id;
      if (this.#view.canStop && id) void this.#run(async () => this.#stopped(await room.stopLiveStream(id)));
    });
    this.#recordings = new RecordingsList(room);
    this.#copy.addEventListener('click', () => void this.#copyUrl());
    room.on(RoomEvent.EgressUpdated, (egress) => this.#render(egress));
    // The meeting is over: the monitor must not keep loading a stream nobody looks at.
    room.on(RoomEvent.ConnectionStateChanged, (state) => {
      if (state === 'disconnected') this.#stopMonitor();
    });
    this.#render(room.egress);
  }

  #stopped(stream: LiveStreamInfo): LiveStreamInfo {
    this.#last = stream;
    this.#recordings.stopped(stream);
    return stream;
  }

  async #startStream(): Promise<LiveStreamInfo> {
    // A running composite keeps its quality (the server refuses another one).
    const composited = this.room.egress.quality !== null;
    const stream = await this.room.startLiveStream({
      layout: this.pickers.layout(),
      ...(composited ? {} : { quality: QualitySchema.parse(this.pickers.quality.value) }),
      ...(this.#record.checked || this.#recordMp4.checked ? { recording: { hls_vod: this.#record.checked, mp4: this.#recordMp4.checked } } : {}),
    });
    this.#last = undefined;
    return stream;
  }

  /** One request at a time; a refusal shows in the error line. */
  async #run(action: () => Promise<LiveStreamInfo>): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    this.#requestError = null;
    this.#render(this.room.egress);
    try {
      await action();
    } catch (error) {
      this.#requestError = error instanceof RoomcastError ? `${error.message} (${error.code})` : String(error);
    } finally {
      this.#busy = false;
      this.#render(this.room.egress);
    }
  }

  #listed(egress: EgressState): LiveStreamInfo | undefined {
    return egress.live_streams[0];
  }

  #render(egress: EgressState): void {
    const listed = this.#listed(egress);
    const view = liveStreamView(listed, this.#last, location.origin);
    this.#view = view;
    this.#section.dataset.status = view.status;
    this.#status.dataset.status = view.status;
    this.#status.textContent = view.label;
    const error = this.#requestError ?? (view.error === null ? null : `Failed: ${view.error}`);
    this.#error.textContent = error ?? '';
    this.#error.hidden = error === null;
    this.#playback.hidden = view.playbackUrl === null;
    if (view.playbackUrl !== null && listed) {
      this.#url.value = view.playbackUrl;
      this.#watch.href = watchUrl(listed.id, location.origin, view.playbackUrl);
    }
    this.#record.disabled = !view.canStart;
    this.#recordMp4.disabled = !view.canStart;
    // aria-disabled, not disabled: as in the RTMP section, the focused button must keep focus.
    this.#start.setAttribute('aria-disabled', String(this.#busy || !view.canStart));
    this.#stop.setAttribute('aria-disabled', String(this.#busy || !view.canStop));
    this.#stop.textContent = view.stopText;
    this.#renderMonitor(view.monitor ? view.playbackUrl : null);
  }

  /** Plays the URL in the monitor, or stops it (null); a new URL (another stream) restarts it. */
  #renderMonitor(url: string | null): void {
    if (this.#monitor?.url === url) return;
    this.#stopMonitor();
    if (url === null) return;
    const monitor: Monitor = {
      url,
      player: undefined,
      timer: setInterval(() => {
        if (monitor.player) this.#latency.textContent = latencyText(monitor.player.latency());
      }, LATENCY_REFRESH_MS),
    };
    this.#monitor = monitor;
    this.#monitorBox.hidden = false;
    const onError = (data: ErrorData): void => {
      if (data.fatal && this.#monitor === monitor) this.#latency.textContent = `Monitor: ${data.details}`;
    };
    playLowLatency(this.#video, url, { onError })
      .then((player) => {
        // The stream may have stopped (or another started) while hls.js loaded.
        if (this.#monitor === monitor) monitor.player = player;
        else player?.destroy();
      })
      .catch((error: unknown) => {
        if (this.#monitor === monitor) this.#latency.textContent = `Monitor: ${String(error)}`;
      });
  }

  #stopMonitor(): void {
    if (!this.#monitor) return;
    clearInterval(this.#monitor.timer);
    this.#monitor.player?.destroy();
    this.#monitor = undefined;
    this.#monitorBox.hidden = true;
    this.#latency.textContent = '';
  }

  async #copyUrl(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.#url.value);
      this.#copy.textContent = 'Copied';
    } catch {
      // No clipboard permission (or not a secure context): select it for a manual copy.
      this.#url.select();
      this.#copy.textContent = 'Press Ctrl+C';
    }
    setTimeout(() => (this.#copy.textContent = 'Copy'), COPIED_MS);
  }
}
