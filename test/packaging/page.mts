// Bundled in the consumer project from the installed @roomcast/client tarball, then opened in Chromium.
import { Room, RoomEvent } from '@roomcast/client';

const params = new URLSearchParams(location.search);
const state = document.getElementById('state') as HTMLElement;
const room = new Room();
room.on(RoomEvent.ConnectionStateChanged, (connection) => {
  state.textContent = connection;
  state.dataset.state = connection;
});
room.on(RoomEvent.LocalTrackPublished, (_participant, track) => {
  if (track.kind === 'video') (document.getElementById('local') as HTMLVideoElement).srcObject = track.stream;
});
room
  .join({ url: params.get('url') ?? '', token: params.get('token') ?? '', publish: { camera: true, microphone: true } })
  .catch((error: unknown) => {
    state.textContent = `error: ${error instanceof Error ? error.message : String(error)}`;
    state.dataset.state = 'error';
  });
