import { RoomEvent, type LocalSource, type Participant, type Room, type Track } from '@roomcast/client';
import type { PageElements } from './pageElements.js';

/**
 * The mute buttons follow the local tracks' state; the leave button leaves. The buttons outlive
 * the room (the form can join again), so their listeners go when `signal` aborts.
 */
export function wireControls(room: Room, page: PageElements, signal: AbortSignal): void {
  wireMuteButtons(room, page, signal);
  wireScreenButton(room, page.toggleScreen, signal);
  page.leave.addEventListener('click', () => void room.leave(), { signal });
}

function wireMuteButtons(room: Room, page: PageElements, signal: AbortSignal): void {
  const buttons: Partial<Record<LocalSource, HTMLButtonElement>> = {
    camera: page.toggleCamera,
    microphone: page.toggleMicrophone,
  };
  const render = (source: LocalSource): void => {
    const button = buttons[source];
    if (!button) return;
    const track = room.localParticipant.track(source);
    button.disabled = !track;
    button.setAttribute('aria-pressed', String(track?.muted ?? false));
    button.textContent = `${track?.muted ? 'Unmute' : 'Mute'} ${source}`;
  };
  for (const [source, button] of Object.entries(buttons) as Array<[LocalSource, HTMLButtonElement]>) {
    render(source);
    button.addEventListener('click', () => {
      const track = room.localParticipant.track(source);
      if (!track) return;
      room.setMuted(source, !track.muted).catch((error: unknown) => console.error(`cannot toggle ${source}`, error));
    }, { signal });
  }
  const onLocalChange = (participant: Participant, track: Track): void => {
    if (participant.isLocal) render(track.source as LocalSource);
  };
  room.on(RoomEvent.TrackMuted, onLocalChange);
  room.on(RoomEvent.TrackUnmuted, onLocalChange);
  room.on(RoomEvent.LocalTrackPublished, onLocalChange);
  room.on(RoomEvent.LocalTrackUnpublished, onLocalChange);
}

/** Share / stop sharing; the browser's own "stop sharing" also ends it (and the SDK unpublishes). */
function wireScreenButton(room: Room, button: HTMLButtonElement, signal: AbortSignal): void {
  const render = (): void => {
    const sharing = room.localParticipant.track('screen') !== undefined;
    button.hidden = !room.canPublish; // Viewers.
    button.setAttribute('aria-pressed', String(sharing));
    button.textContent = sharing ? 'Stop sharing' : 'Share screen';
  };
  button.addEventListener('click', () => {
    const action = room.localParticipant.track('screen') ? room.unpublish('screen') : room.publishScreen({ audio: true });
    action.catch((error: unknown) => console.error('screen sharing failed', error)).finally(render);
  }, { signal });
  room.on(RoomEvent.LocalTrackPublished, render);
  room.on(RoomEvent.LocalTrackUnpublished, render);
  room.on(RoomEvent.ConnectionStateChanged, render);
  render();
}
