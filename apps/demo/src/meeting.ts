import { Room, RoomEvent, RoomcastError } from '@roomcast/client';
import { AudioUnlock } from './AudioUnlock.js';
import { wireControls } from './controls.js';
import type { LaunchParams } from './launchParams.js';
import { showError, type PageElements } from './pageElements.js';
import { ParticipantGrid } from './ParticipantGrid.js';

declare global {
  interface Window {
    /** The demo's Room, for tests and the console to inspect its state. */
    roomcast?: Room;
  }
}

/** Joins the room named by the token, publishing camera and microphone, and shows everyone. */
export async function startMeeting(page: PageElements, params: LaunchParams): Promise<Room> {
  const room = new Room();
  window.roomcast = room;
  const grid = new ParticipantGrid(page.grid, page.local, new AudioUnlock(page.enableAudio));
  const controls = new AbortController();
  bindRoom(room, grid, page);
  wireControls(room, page, controls.signal);
  room.on(RoomEvent.Disconnected, () => {
    controls.abort();
    page.joinForm.hidden = false; // Join again (a new Room).
  });
  page.joinForm.hidden = true;
  page.meeting.hidden = false;
  showError(page, null);
  try {
    await room.join({ url: location.origin, token: params.token, publish: { camera: true, microphone: true } });
    page.roomName.textContent = room.name || params.room;
  } catch (error) {
    controls.abort();
    showError(page, `Could not join: ${describe(error)}`);
    page.joinForm.hidden = false;
    page.meeting.hidden = true;
  }
  return room;
}

function bindRoom(room: Room, grid: ParticipantGrid, page: PageElements): void {
  room.on(RoomEvent.ConnectionStateChanged, (state) => {
    page.status.textContent = state;
    if (state !== 'disconnected') page.statusDetail.textContent = '';
  });
  room.on(RoomEvent.ParticipantJoined, (participant) => grid.upsert(participant));
  room.on(RoomEvent.ParticipantUpdated, (participant) => grid.upsert(participant));
  room.on(RoomEvent.ParticipantLeft, (participant) => grid.remove(participant.id));
  room.on(RoomEvent.TrackSubscribed, (participant, track) => grid.showTrack(participant, track));
  room.on(RoomEvent.TrackUnsubscribed, (participant, track) => grid.hideTrack(participant, track));
  room.on(RoomEvent.TrackMuted, (participant) => grid.refresh(participant));
  room.on(RoomEvent.TrackUnmuted, (participant) => grid.refresh(participant));
  room.on(RoomEvent.LocalTrackPublished, (participant, track) => grid.showLocal(participant, track));
  room.on(RoomEvent.LocalTrackUnpublished, (_participant, track) => grid.hideLocal(track));
  room.on(RoomEvent.MediaError, (source, error) => showError(page, `Cannot publish ${source}: ${error.message}`));
  room.on(RoomEvent.Disconnected, (reason, detail) => {
    page.statusDetail.textContent = detail ? `(${reason}: ${detail})` : `(${reason})`;
    grid.clear();
  });
}

function describe(error: unknown): string {
  if (error instanceof RoomcastError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}
