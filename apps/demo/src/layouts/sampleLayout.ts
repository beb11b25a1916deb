import { Room, RoomEvent, type Participant, type RemoteParticipant } from '@roomcast/client';

/**
 * A sample custom layout page, the starting point for your own (copy layouts/sample.html and this
 * file). The egress opens the page in Chromium for a `web` layout (`{name: "web", options: {url}}`)
 * and streams what it paints; the room's audio mix is added by the egress, so the page plays none.
 *
 * The page's contract (packages/egress/src/web/WebLayoutPage.ts): before the page's scripts run,
 * `window.roomcast` holds the room's name, the server's URL and a token for a hidden recorder (it
 * subscribes to everyone and is listed to no one); `ready()` says the page shows what it should,
 * `end()` ends the room's outputs. Everything else is the client SDK, as in any Roomcast app.
 */

/** Your brand: the page's CSS variables hold the colours (layouts/sample.html). */
const BRAND_NAME = 'Your brand';
/** A line under the grid; empty hides it. */
const TICKER = 'Powered by Roomcast';

interface RoomcastPageApi {
  room: string;
  serverUrl: string;
  token?: string;
  ready(): void;
  end(): void;
}

/**
 * The egress's API, or (for working on the page in an ordinary browser) a stand-in from the URL's
 * fragment: `sample.html#token=…` with a token of your own. The fragment never reaches a server's logs.
 */
function pageApi(): RoomcastPageApi {
  const api = (window as unknown as { roomcast?: RoomcastPageApi }).roomcast;
  if (api) return api;
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? undefined;
  return { room: '', serverUrl: location.origin, token, ready: () => console.info('layout page: ready'), end: () => undefined };
}

const grid = document.getElementById('grid')!;
const tiles = new Map<string, HTMLElement>();

/** A near-square grid, wider than tall, like the built-in `grid` layout. */
function arrange(): void {
  const n = Math.max(1, tiles.size);
  const cols = Math.ceil(Math.sqrt(n));
  grid.style.gridTemplateColumns = `repeat(${cols}, minmax(0, 1fr))`;
  grid.style.gridTemplateRows = `repeat(${Math.ceil(n / cols)}, minmax(0, 1fr))`;
}

function initials(name: string): string {
  return name.trim().split(/\s+/).slice(0, 2).map((word) => word[0]?.toUpperCase() ?? '').join('') || '?';
}

/** One tile per participant (by id: a reconnect is a new tile), with an avatar until its camera plays. */
function tileOf(participant: RemoteParticipant): HTMLElement {
  let tile = tiles.get(participant.id);
  if (!tile) {
    tile = document.createElement('div');
    tile.className = 'tile';
    const avatar = document.createElement('div');
    avatar.className = 'avatar';
    const name = document.createElement('span');
    name.className = 'name';
    tile.append(avatar, name);
    grid.append(tile);
    tiles.set(participant.id, tile);
    arrange();
  }
  // textContent, never innerHTML: names come from other people.
  tile.querySelector('.avatar')!.textContent = initials(participant.name);
  tile.querySelector('.name')!.textContent = participant.name;
  return tile;
}

function removeTile(participant: RemoteParticipant): void {
  tiles.get(participant.id)?.remove();
  tiles.delete(participant.id);
  arrange();
}

function showVideo(participant: RemoteParticipant, stream: MediaStream): void {
  const tile = tileOf(participant);
  tile.querySelector('video')?.remove();
  const video = document.createElement('video');
  // Muted: the egress mixes the room's audio itself; autoplay needs muted anyway.
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  video.srcObject = stream;
  tile.prepend(video);
}

function highlight(speaker: Participant | null): void {
  for (const [id, tile] of tiles) tile.classList.toggle('speaking', speaker?.id === id);
}

/** Resolves after the browser painted the current DOM (two frames: the one scheduled, then the next). */
function painted(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}

async function main(): Promise<void> {
  const api = pageApi();
  document.getElementById('brand-name')!.textContent = BRAND_NAME;
  document.getElementById('ticker')!.textContent = TICKER;
  if (!api.token) throw new Error('no token: the egress opens this page with window.roomcast (or add #token=… to try it)');
  const room = new Room();
  // Viewers watch and are not on camera: no tile for them (the built-in layouts skip them too).
  room.on(RoomEvent.ParticipantJoined, (p) => void (p.role !== 'viewer' && tileOf(p)));
  room.on(RoomEvent.ParticipantUpdated, (p) => void (p.role !== 'viewer' && tileOf(p)));
  room.on(RoomEvent.ParticipantLeft, removeTile);
  // Every video but screen shares is someone's camera (a server-side publisher may name its source otherwise).
  room.on(RoomEvent.TrackSubscribed, (p, track, source, stream) => {
    if (track.kind === 'video' && source !== 'screen') showVideo(p, stream);
  });
  room.on(RoomEvent.TrackUnsubscribed, (p, track, source) => {
    if (track.kind === 'video' && source !== 'screen') tiles.get(p.id)?.querySelector('video')?.remove();
  });
  room.on(RoomEvent.ActiveSpeakerChanged, highlight);
  await room.join({ url: api.serverUrl, token: api.token });
  for (const p of room.participants) if (p.role !== 'viewer') tileOf(p);
  await painted();
  api.ready();
}

main().catch((error: unknown) => {
  // The picture shows the problem too: an output of a blank page would say nothing.
  console.error('layout page:', error);
  document.getElementById('ticker')!.textContent = `Layout page error: ${String(error)}`;
});
