import { RoomEvent, type CaptureOption, type LocalSource, type Participant, type Room } from '@roomcast/client';
import { setIcon, type IconName } from '../icons.js';
import type { Toasts } from '../Toasts.js';
import type { ParticipantGrid, StageView } from './ParticipantGrid.js';

export interface ControlElements {
  enableAudio: HTMLButtonElement;
  toggleMicrophone: HTMLButtonElement;
  toggleCamera: HTMLButtonElement;
  toggleScreen: HTMLButtonElement;
  toggleView: HTMLButtonElement;
  leave: HTMLButtonElement;
}

/** Sets a control's icon and visible text; `data-off` marks "muted / stopped" for CSS and tests. */
function renderButton(button: HTMLButtonElement, iconName: IconName, text: string, off: boolean): void {
  setIcon(button, iconName);
  const label = button.querySelector('.label') ?? button.appendChild(document.createElement('span'));
  label.className = 'label';
  label.textContent = text;
  if (off) button.dataset.off = 'true';
  else delete button.dataset.off;
}

/**
 * The call controls. The microphone and camera buttons say what a click does ("Mute", "Start
 * video") and follow the tracks' state, whoever changed it. A camera that is not published (left
 * off in the lobby, or denied) is captured on "Start video"; afterwards it is muted and unmuted,
 * which resumes at once.
 */
export function wireControls(room: Room, els: ControlElements, grid: ParticipantGrid, toasts: Toasts, camera: CaptureOption): void {
  const fail = (what: string) => (error: unknown) => toasts.show(`Cannot ${what}: ${error instanceof Error ? error.message : String(error)}`, 'error');
  const render = (): void => {
    const mic = room.localParticipant.track('microphone');
    const cam = room.localParticipant.track('camera');
    const sharing = room.localParticipant.track('screen') !== undefined;
    for (const button of [els.toggleMicrophone, els.toggleCamera]) button.hidden = !room.canPublish;
    // Phone browsers cannot share a screen at all: no button rather than one that always fails.
    els.toggleScreen.hidden = !room.canPublish || typeof navigator.mediaDevices?.getDisplayMedia !== 'function';
    els.toggleMicrophone.disabled = !mic;
    renderButton(els.toggleMicrophone, !mic || mic.muted ? 'micOff' : 'mic', mic?.muted ? 'Unmute' : 'Mute', !mic || mic.muted);
    renderButton(els.toggleCamera, !cam || cam.muted ? 'cameraOff' : 'camera', !cam || cam.muted ? 'Start video' : 'Stop video', !cam || cam.muted);
    renderButton(els.toggleScreen, 'screen', sharing ? 'Stop sharing' : 'Share screen', false);
    els.toggleScreen.setAttribute('aria-pressed', String(sharing));
  };
  els.toggleMicrophone.addEventListener('click', () => void toggleMute(room, 'microphone').catch(fail('toggle the microphone')));
  els.toggleCamera.addEventListener('click', () => {
    const cam = room.localParticipant.track('camera');
    const action = cam ? toggleMute(room, 'camera') : room.publishCamera(camera);
    void action.catch(fail('start the camera')).finally(render);
  });
  els.toggleScreen.addEventListener('click', () => {
    // The browser's own "stop sharing" ends it too (the SDK unpublishes, and render follows).
    const action = room.localParticipant.track('screen') ? room.unpublish('screen') : room.publishScreen({ audio: true });
    void action.catch(fail('share the screen')).finally(render);
  });
  wireViewToggle(els.toggleView, grid);
  setIcon(els.leave, 'leave');
  setIcon(els.enableAudio, 'sound');
  els.leave.addEventListener('click', () => void room.leave());
  const onLocal = (participant: Participant): void => {
    if (participant.isLocal) render();
  };
  room.on(RoomEvent.TrackMuted, onLocal);
  room.on(RoomEvent.TrackUnmuted, onLocal);
  room.on(RoomEvent.LocalTrackPublished, onLocal);
  room.on(RoomEvent.LocalTrackUnpublished, onLocal);
  room.on(RoomEvent.ConnectionStateChanged, render);
  render();
}

async function toggleMute(room: Room, source: LocalSource): Promise<void> {
  const track = room.localParticipant.track(source);
  if (track) await room.setMuted(source, !track.muted);
}

function wireViewToggle(button: HTMLButtonElement, grid: ParticipantGrid): void {
  let view: StageView = 'grid';
  const render = (): void => {
    // A constant name and aria-pressed: "Spotlight, toggle button, pressed".
    renderButton(button, 'spotlight', 'Spotlight', false);
    button.setAttribute('aria-pressed', String(view === 'spotlight'));
  };
  button.addEventListener('click', () => {
    view = view === 'grid' ? 'spotlight' : 'grid';
    grid.setView(view);
    render();
  });
  render();
}
