import type { EgressService } from '@roomcast/egress';
import type { Handler } from '../types.js';

/** Broadcast control from the client SDK, for tokens with start-broadcast / stop-broadcast. */
export function broadcastHandlers(egress: EgressService): {
  startRtmpBroadcasts: Handler<'startRtmpBroadcasts'>;
  stopRtmpBroadcast: Handler<'stopRtmpBroadcast'>;
  stopAllRtmpBroadcasts: Handler<'stopAllRtmpBroadcasts'>;
} {
  return {
    startRtmpBroadcasts: async ({ room, participant }, body) => {
      participant.assertCan('start-broadcast');
      return { egress: await egress.startBroadcasts(room.name, body) };
    },
    stopRtmpBroadcast: async ({ room, participant }, { name }) => {
      participant.assertCan('stop-broadcast');
      return { egress: await egress.stopBroadcast(room.name, name) };
    },
    stopAllRtmpBroadcasts: async ({ room, participant }) => {
      participant.assertCan('stop-broadcast');
      return { egress: await egress.stopAll(room.name) };
    },
  };
}
