import { Room, RoomEvent, type RemoteParticipant } from '@roomcast/client';

/** What the egress gives a layout page before its scripts run (see packages/egress/src/web/WebLayoutPage.ts). */
interface RoomcastPageApi {
  room: string;
  serverUrl: string;
  token?: string;
  ready(): void;
  end(): void;
}

const api = (window as unknown as { roomcast?: RoomcastPageApi }).roomcast;
const grid = document.getElementById('grid')!;
const tiles = new Map<string, HTMLElement>();

/** Columns and rows like the compositor's grid: a near-square arrangement, wider than tall. */
function arrange(): void {
  const n = Math.max(1, tiles.size);
  const cols = Math.ceil(Math.sqrt(n));
  grid.style.gridTemplateColumns = `repeat(${cols}, 1fr)`;
  grid.style.gridTemplateRows = `repeat(${Math.ceil(n / cols)}, 1fr)`;
}

function tileOf(participant: RemoteParticipant): HTMLElement {
  let tile = tiles.get(participant.id);
  if (!tile) {
    tile = document.createElement('div');
    tile.className = 'tile';
    const label = document.createElement('span');
    label.textContent = participant.name;
    tile.append(label);
    grid.append(tile);
    tiles.set(participant.id, tile);
    arrange();
  }
  return tile;
}

function remove(participant: RemoteParticipant): void {
  tiles.get(participant.id)?.remove();
  tiles.delete(participant.id);
  arrange();
}

async function main(): Promise<void> {
  if (!api?.token) throw new Error('no window.roomcast token: this page is opened by the egress');
  const room = new Room();
  room.on(RoomEvent.ParticipantJoined, (participant) => {
    if (participant.role !== 'viewer') tileOf(participant);
  });
  room.on(RoomEvent.ParticipantLeft, remove);
  room.on(RoomEvent.TrackSubscribed, (participant, track, source, stream) => {
    if (track.kind !== 'video' || source === 'screen') return;
    const tile = tileOf(participant);
    tile.querySelector('video')?.remove();
    const video = document.createElement('video');
    video.autoplay = true;
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    tile.prepend(video);
  });
  room.on(RoomEvent.TrackUnsubscribed, (participant, track) => {
    if (track.kind === 'video') tiles.get(participant.id)?.querySelector('video')?.remove();
  });
  await room.join({ url: api.serverUrl, token: api.token });
  for (const participant of room.participants) if (participant.role !== 'viewer') tileOf(participant);
  api.ready();
}

main().catch((error: unknown) => {
  console.error('layout page:', error);
});
