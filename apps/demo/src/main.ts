import { AppShell } from './AppShell.js';
import { byId } from './dom.js';
import { readLaunchParams } from './launchParams.js';
import { Lobby, type JoinRequest } from './lobby/Lobby.js';
import { startMeeting, type MeetingEnd, type MeetingOptions } from './meeting/Meeting.js';

const END_MESSAGES: Record<MeetingEnd['reason'], string> = {
  left: 'You left the meeting.',
  room_closed: 'The room was closed.',
  replaced: 'You joined this room from somewhere else.',
  removed: 'You were removed from the room.',
  reconnect_failed: 'The connection was lost and could not be restored.',
  join_failed: 'Could not join.',
};

/**
 * Entry point. `/?room=<room>&token=<token>&autojoin=1` joins at once with camera and microphone
 * (no clicks: for links and tests); otherwise the lobby. When a meeting ends, the lobby comes back.
 */
function main(): void {
  const shell = new AppShell();
  const host = byId('meeting-host', HTMLElement);
  const params = readLaunchParams(location.search);

  const join = (options: MeetingOptions, room?: string): void => {
    shell.setRoom(room ?? '');
    void startMeeting(host, shell, options, (end) => {
      shell.setRoom('');
      shell.setConnection('disconnected', end.detail ? `(${end.reason}: ${end.detail})` : `(${end.reason})`);
      const message = end.reason === 'left' ? undefined : `${END_MESSAGES[end.reason]}${end.detail ? ` ${end.detail}` : ''}`;
      if (end.reason === 'left') shell.toasts.show(END_MESSAGES.left);
      lobby.show({ room, message });
    });
  };
  const lobby = new Lobby((request: JoinRequest) => {
    // The room goes in the address bar (never the token), so a reload comes back to it.
    if (request.room) history.replaceState(null, '', `?room=${encodeURIComponent(request.room)}`);
    join(request, request.room);
  });

  if (params.autojoin && params.token) {
    join({ token: params.token, publish: true, camera: true, microphone: true, cameraOn: true, microphoneOn: true }, params.room);
  } else {
    lobby.show({ room: params.room, token: params.token });
  }
}

main();
