import { latencyText } from '../broadcast/liveStreamView.js';
import { byId } from '../dom.js';
import { playLowLatency, type LowLatencyPlayer } from '../hls/lowLatencyPlayer.js';
import { masterUrlOf, nextWatchState, watchIdFromPath, watchMessage, type WatchEvent, type WatchState } from './watchState.js';

const LATENCY_REFRESH_MS = 1000;
/** Answers that mean the stream is gone (stopped without a recording, failed, or a wrong id). */
const GONE_STATUS = 404;

/**
 * The audience page, `/watch/:id`: plays the live stream `/hls/:id/master.m3u8` with hls.js in
 * low-latency mode, full window, muted until the viewer unmutes (browsers block autoplay with
 * sound). No meeting, no token: the id is the capability.
 */
function main(): void {
  const video = byId('watch-video', HTMLVideoElement);
  const badge = byId('watch-badge', HTMLElement);
  const latency = byId('watch-latency', HTMLElement);
  const message = byId('watch-message', HTMLElement);
  const unmute = byId('watch-unmute', HTMLButtonElement);
  let state: WatchState = 'connecting';
  let player: LowLatencyPlayer | undefined;
  let checking = false;
  /** Set once nothing more should load (gone or failed), also for a player that loads after. */
  let stopped = false;

  const show = (detail = ''): void => {
    const text = watchMessage(state, detail);
    badge.dataset.state = state;
    badge.textContent = text.badge;
    message.textContent = text.text;
    document.body.dataset.state = state;
    // Nothing left to hear once the player stopped (a recording's ENDLIST keeps it playing).
    unmute.hidden = stopped;
  };
  const dispatch = (event: WatchEvent): void => {
    const next = nextWatchState(state, event);
    if (next === state) return;
    state = next;
    // Nothing more to load once it is gone or failed; a recording (ENDLIST) plays to its end.
    if (state === 'unavailable' || state === 'failed' || (state === 'ended' && event.type === 'gone')) stopPlayer();
    show(event.type === 'fatal' ? event.details : '');
  };
  const stopPlayer = (): void => {
    stopped = true;
    player?.destroy();
    player = undefined;
    clearInterval(timer);
    latency.textContent = '';
  };

  /** A player error may mean the stream ended: the master playlist's answer says which. */
  const checkGone = async (fatal: string | undefined): Promise<void> => {
    if (checking) return;
    checking = true;
    const status = await fetch(masterUrl, { cache: 'no-store' }).then((r) => r.status, () => 0);
    checking = false;
    if (status === GONE_STATUS) dispatch({ type: 'gone' });
    else if (fatal !== undefined) dispatch({ type: 'fatal', details: fatal });
  };

  const id = watchIdFromPath(location.pathname);
  const masterUrl = id ? masterUrlOf(id, location.href) : '';
  const timer = setInterval(() => {
    if (player && state === 'live') latency.textContent = latencyText(player.latency());
  }, LATENCY_REFRESH_MS);
  unmute.addEventListener('click', () => {
    video.muted = !video.muted;
    unmute.textContent = video.muted ? 'Unmute' : 'Mute';
  });
  video.addEventListener('playing', () => dispatch({ type: 'playing' }));
  show();
  if (!id) {
    dispatch({ type: 'gone' });
    return;
  }
  playLowLatency(video, masterUrl, {
    onError: (data) => {
      const notFound = data.response?.code === GONE_STATUS;
      if (data.fatal || notFound) checkGone(data.fatal ? data.details : undefined).catch(() => undefined);
    },
    onLevelUpdated: (data) => {
      if (!data.details.live) dispatch({ type: 'endlist' });
    },
    onPlayFailed: (error) => {
      // Autoplay refused even muted: the viewer starts it.
      message.textContent = `Click to play (${error.message})`;
      message.addEventListener('click', () => void video.play().catch(() => undefined), { once: true });
    },
  })
    .then((loaded) => {
      if (stopped) return loaded?.destroy();
      player = loaded;
      // Without hls.js (Safari's own HLS) the video element reports the end and errors itself.
      if (!loaded) {
        video.addEventListener('ended', () => dispatch({ type: 'endlist' }));
        video.addEventListener('error', () => checkGone('media error').catch(() => undefined));
      }
    })
    .catch((error: unknown) => dispatch({ type: 'fatal', details: `the player did not load: ${String(error)}` }));
}

main();
