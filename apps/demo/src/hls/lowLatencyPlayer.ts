import type { default as HlsJs, ErrorData, LevelUpdatedData } from 'hls.js';

export interface PlayerCallbacks {
  /** hls.js's errors; `fatal` ones stop playback until the owner decides. */
  onError?(data: ErrorData): void;
  /** Each media playlist update: `live` turns false once the playlist has EXT-X-ENDLIST. */
  onLevelUpdated?(data: LevelUpdatedData): void;
  /** `play()` refused (autoplay policy) or failed. */
  onPlayFailed?(error: Error): void;
}

export interface LowLatencyPlayer {
  readonly hls: HlsJs;
  /** Seconds behind the live edge as hls.js measures it (0 until it knows). */
  latency(): number;
  /** Stops loading and detaches from the video. Safe twice. */
  destroy(): void;
}

/**
 * Plays an LL-HLS master playlist in a `<video>` with hls.js in low-latency mode (parts and
 * blocking reloads). Muted by the caller when it must autoplay. Where hls.js cannot run (no MSE:
 * Safari on iPhone), the browser's own HLS plays it (undefined). hls.js (~0.5 MB) is loaded on
 * first use: the meeting page needs it only when a moderator's monitor plays.
 */
export async function playLowLatency(video: HTMLVideoElement, url: string, callbacks: PlayerCallbacks = {}): Promise<LowLatencyPlayer | undefined> {
  const { default: Hls } = await import('hls.js');
  const play = (): void => {
    video.play().catch((error: unknown) => callbacks.onPlayFailed?.(error instanceof Error ? error : new Error(String(error))));
  };
  if (!Hls.isSupported()) {
    video.src = url;
    play();
    return undefined;
  }
  const hls = new Hls({ lowLatencyMode: true, backBufferLength: 30 });
  let destroyed = false;
  hls.on(Hls.Events.ERROR, (_event, data) => callbacks.onError?.(data));
  hls.on(Hls.Events.LEVEL_UPDATED, (_event, data) => callbacks.onLevelUpdated?.(data));
  hls.on(Hls.Events.MANIFEST_PARSED, play);
  hls.loadSource(url);
  hls.attachMedia(video);
  return {
    hls,
    latency: () => (destroyed ? 0 : hls.latency),
    destroy() {
      if (destroyed) return;
      destroyed = true;
      hls.destroy();
      video.removeAttribute('src');
      video.load();
    },
  };
}
