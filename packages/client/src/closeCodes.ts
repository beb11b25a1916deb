import type { DisconnectReason } from './events.js';

/**
 * WebSocket close codes the server sends (its signaling Session's `CloseCode`). They back up the
 * `roomClosed`/`replaced` notifications: if one of those was lost, the code still says not to
 * reconnect. Media and ping timeouts mean the path broke, so those do reconnect.
 */
export const ServerCloseCode = {
  left: 1000,
  roomClosed: 4001,
  replaced: 4002,
  mediaTimeout: 4003,
  pingTimeout: 4004,
} as const;

/** Why the room ended, if a server close code means "do not reconnect"; undefined means retry. */
export function endReasonForClose(code: number, reason: string): [DisconnectReason, string] | undefined {
  switch (code) {
    case ServerCloseCode.roomClosed:
      return ['room_closed', reason || 'the room was closed'];
    case ServerCloseCode.replaced:
      return ['replaced', 'another connection joined with your identity'];
    case ServerCloseCode.left:
      // A normal close we did not ask for: the server removed this participant on purpose.
      return ['removed', reason || 'the server ended this session'];
    default:
      return undefined;
  }
}
