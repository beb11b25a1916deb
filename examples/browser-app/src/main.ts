import { Room, RoomEvent, type RemoteParticipant, type RemoteTrack } from '@roomcast/client';

const form = element<HTMLFormElement>('join-form');
const urlInput = element<HTMLInputElement>('url');
const tokenInput = element<HTMLInputElement>('token');
const joinButton = element<HTMLButtonElement>('join');
const leaveButton = element<HTMLButtonElement>('leave');
const videos = element<HTMLElement>('videos');

// Pre-fill from ?url=&token= so a link (or a script) can hand over both.
const params = new URLSearchParams(location.search);
urlInput.value = params.get('url') ?? 'http://localhost:3000';
tokenInput.value = params.get('token') ?? '';

let room: Room | undefined;

form.addEventListener('submit', (event) => {
  event.preventDefault();
  join().catch((error: unknown) => showError(error));
});
leaveButton.addEventListener('click', () => {
  room?.leave().catch((error: unknown) => showError(error));
});

async function join(): Promise<void> {
  showError(undefined);
  joinButton.disabled = true;
  // A Room joins once: a new join after leaving takes a new Room.
  const current = new Room();
  room = current;
  current.on(RoomEvent.ConnectionStateChanged, (state) => {
    element('state').textContent = state;
    leaveButton.disabled = state === 'disconnected';
    joinButton.disabled = state !== 'disconnected';
  });
  current.on(RoomEvent.LocalTrackPublished, (participant, track) => {
    if (track.kind === 'video') tile(`local-${track.source}`, `${participant.name || participant.identity} (you)`, track.stream, true);
  });
  current.on(RoomEvent.LocalTrackUnpublished, (_participant, track) => document.getElementById(`local-${track.source}`)?.remove());
  current.on(RoomEvent.TrackSubscribed, (participant, track, _source, stream) => showRemote(participant, track, stream));
  current.on(RoomEvent.TrackUnsubscribed, (participant, track) => document.getElementById(tileId(participant, track))?.remove());
  current.on(RoomEvent.MediaError, (source, error) => showError(`${source}: ${error.message}`));
  current.on(RoomEvent.Disconnected, () => videos.replaceChildren());
  try {
    await current.join({ url: urlInput.value, token: tokenInput.value.trim(), publish: { camera: true, microphone: true } });
  } catch (error) {
    joinButton.disabled = false;
    throw error;
  }
}

function showRemote(participant: RemoteParticipant, track: RemoteTrack, stream: MediaStream): void {
  if (track.kind === 'audio') {
    // Audio needs no tile: an element that plays it is enough.
    const audio = document.createElement('audio');
    audio.id = tileId(participant, track);
    audio.autoplay = true;
    audio.srcObject = stream;
    document.body.append(audio);
    return;
  }
  tile(tileId(participant, track), participant.name || participant.identity, stream, false);
}

function tile(id: string, label: string, stream: MediaStream, local: boolean): void {
  const figure = document.createElement('figure');
  figure.id = id;
  figure.className = local ? 'local' : 'remote';
  const video = document.createElement('video');
  video.autoplay = true;
  video.playsInline = true;
  video.muted = true; // Video tiles never play sound: audio has its own elements.
  video.srcObject = stream;
  const caption = document.createElement('figcaption');
  caption.textContent = label;
  figure.append(video, caption);
  document.getElementById(id)?.remove();
  videos.append(figure);
}

function tileId(participant: RemoteParticipant, track: RemoteTrack): string {
  return `remote-${participant.id}-${track.source}`;
}

function showError(error: unknown): void {
  element('error').textContent = error === undefined ? '' : error instanceof Error ? error.message : String(error);
}

function element<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from index.html`);
  return found as T;
}
