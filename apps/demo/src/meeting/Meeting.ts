import { readTokenClaims, Room, RoomcastError, RoomEvent, type CaptureOption, type DisconnectReason } from '@roomcast/client';
import type { AppShell } from '../AppShell.js';
import { AudioUnlock } from '../AudioUnlock.js';
import { ControlRoom } from '../broadcast/ControlRoom.js';
import { wireMediaStreams } from '../mediaStreams/wireMediaStreams.js';
import { roomEventMessage } from '../roomEventMessages.js';
import { wireControls } from './controls.js';
import { createMeetingView, type MeetingView } from './MeetingView.js';
import { ParticipantGrid } from './ParticipantGrid.js';
import { ParticipantList } from './ParticipantList.js';
import { QualityMonitor } from './QualityMonitor.js';
import { SidePanels, type SidePanel } from './SidePanels.js';

declare global {
  interface Window {
    /** The demo's Room, for tests and the console to inspect its state. */
    roomcast?: Room;
  }
}

export interface MeetingOptions {
  token: string;
  publish: boolean;
  camera: CaptureOption;
  microphone: CaptureOption;
  cameraOn: boolean;
  microphoneOn: boolean;
}

/** Why the meeting ended, for the lobby to say. */
export type MeetingEnd = { reason: DisconnectReason | 'join_failed'; detail?: string };

/** Moderators, or tokens granting it explicitly (the SDK reads the claims; the server decides). */
function canBroadcast(token: string): boolean {
  const claims = readTokenClaims(token);
  if (!claims) return false;
  return claims.capabilities ? claims.capabilities.includes('start-broadcast') : claims.role === 'moderator';
}

/**
 * A meeting: joins with the token, publishes as asked, and wires the SDK's events to the stage, the
 * people panel, the control room, the header and the toasts. Resolves once joined (or failed);
 * `onEnd` runs once when it is over, whatever the reason.
 */
export async function startMeeting(host: HTMLElement, shell: AppShell, options: MeetingOptions, onEnd: (end: MeetingEnd) => void): Promise<Room> {
  const view = createMeetingView(host);
  const room = new Room();
  window.roomcast = room;
  const grid = new ParticipantGrid(view.stage, view.stageEmpty, new AudioUnlock(view.enableAudio));
  const list = new ParticipantList(room, view.peopleList, view.peopleCount);
  const lifetime = new AbortController(); // Document-level listeners end with the meeting.
  wirePanels(room, view, canBroadcast(options.token), lifetime.signal);
  const quality = new QualityMonitor(room, (id, level) => {
    grid.setQuality(id, level);
    list.setQuality(id, level);
  });
  let ended = false;
  const end = (result: MeetingEnd): void => {
    if (ended) return;
    ended = true;
    quality.stop();
    lifetime.abort();
    grid.clear();
    host.replaceChildren();
    shell.setOnAir(false);
    onEnd(result);
  };
  const joined = { done: false };
  bindRoom(room, grid, list, shell, joined);
  wireControls(room, view, grid, shell.toasts, options.camera);
  wireMediaStreams(room, options.token, view.toggleMediaApps, shell.toasts);
  room.on(RoomEvent.Disconnected, (reason, detail) => end({ reason, detail }));
  try {
    const publish = options.publish ? { camera: options.cameraOn ? options.camera : undefined, microphone: options.microphone } : undefined;
    await room.join({ url: location.origin, token: options.token, publish });
    if (!options.microphoneOn && room.localParticipant.track('microphone')) await room.setMuted('microphone', true);
    shell.setRoom(room.name);
    grid.sync(room.localParticipant); // Our own tile even with nothing published (not for viewers).
    joined.done = true;
  } catch (error) {
    const detail = error instanceof RoomcastError ? `${error.message} (${error.code})` : String(error);
    end({ reason: 'join_failed', detail });
  }
  return room;
}

function bindRoom(room: Room, grid: ParticipantGrid, list: ParticipantList, shell: AppShell, joined: { done: boolean }): void {
  const { toasts } = shell;
  room.on(RoomEvent.ConnectionStateChanged, (state) => {
    shell.setConnection(state);
    if (room.name) shell.setRoom(room.name); // From the token: known once joining starts.
    if (state === 'connected' && joined.done) toasts.show('Reconnected', 'success');
  });
  // The first join reports everyone already there as "joined": no toast for them.
  room.on(RoomEvent.ParticipantJoined, (p) => {
    grid.sync(p);
    list.render();
    if (joined.done) toasts.show(`${p.name || p.identity} joined`);
  });
  room.on(RoomEvent.ParticipantUpdated, (p) => {
    grid.sync(p);
    list.render();
  });
  room.on(RoomEvent.ParticipantLeft, (p) => {
    grid.remove(p.id);
    list.render();
    toasts.show(`${p.name || p.identity} left`);
  });
  room.on(RoomEvent.TrackSubscribed, (p, track) => grid.showTrack(p, track));
  room.on(RoomEvent.TrackUnsubscribed, (p, track) => grid.hideTrack(p, track));
  room.on(RoomEvent.LocalTrackPublished, (p, track) => {
    grid.showTrack(p, track);
    list.render();
  });
  room.on(RoomEvent.LocalTrackUnpublished, (p, track) => {
    grid.hideTrack(p, track);
    list.render();
  });
  for (const event of [RoomEvent.TrackMuted, RoomEvent.TrackUnmuted] as const) {
    room.on(event, (p) => {
      grid.sync(p);
      list.render();
    });
  }
  room.on(RoomEvent.ActiveSpeakerChanged, (speaker) => grid.setActiveSpeaker(speaker?.id ?? null));
  room.on(RoomEvent.EgressUpdated, (egress) => shell.setOnAir(egress.broadcasting));
  room.on(RoomEvent.RoomEventReceived, (type, data) => {
    const message = roomEventMessage(type, data);
    if (message) toasts.show(message.text, message.kind);
  });
  room.on(RoomEvent.MediaError, (source, error) => toasts.show(`Cannot publish your ${source}: ${error.message}`, 'error'));
}

function wirePanels(room: Room, view: MeetingView, broadcaster: boolean, signal: AbortSignal): void {
  const panels: SidePanel[] = [{ toggle: view.togglePeople, panel: view.peoplePanel, icon: 'people', label: 'People' }];
  view.toggleControlRoom.hidden = !broadcaster;
  if (broadcaster) {
    panels.push({ toggle: view.toggleControlRoom, panel: view.controlRoom, icon: 'broadcast', label: 'Broadcast' });
    new ControlRoom(room);
  }
  // Hidden until the server lists apps (MediaAppsPanel).
  panels.push({ toggle: view.toggleMediaApps, panel: view.mediaAppsPanel, icon: 'apps', label: 'Apps' });
  new SidePanels(view.sidebar, panels, signal);
}
