import { SignalCloseCode as ServerCloseCode } from '@roomcast/protocol';
import type { DisconnectReason } from './events.js';

export { ServerCloseCode };

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
