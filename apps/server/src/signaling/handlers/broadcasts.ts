import type { EgressCommands } from '@roomcast/egress';
import type { Handler, SessionContext } from '../types.js';

/** Broadcast control from the client SDK, for tokens with start-broadcast / stop-broadcast. */
export function broadcastHandlers(egress: EgressCommands): {
  startRtmpBroadcasts: Handler<'startRtmpBroadcasts'>;
  stopRtmpBroadcast: Handler<'stopRtmpBroadcast'>;
  stopAllRtmpBroadcasts: Handler<'stopAllRtmpBroadcasts'>;
  setLayout: Handler<'setLayout'>;
} {
  // `started_by` / `stopped_by` of each destination: the participant who asked.
  const actor = ({ participant }: SessionContext) => ({ type: 'participant' as const, identity: participant.identity });
  return {
    startRtmpBroadcasts: async (ctx, body) => {
      ctx.participant.assertCan('start-broadcast');
      return { egress: await egress.startBroadcasts(ctx.room.name, body, actor(ctx)) };
    },
    stopRtmpBroadcast: async (ctx, { name }) => {
      ctx.participant.assertCan('stop-broadcast');
      return { egress: await egress.stopBroadcast(ctx.room.name, name, actor(ctx)) };
    },
    stopAllRtmpBroadcasts: async (ctx) => {
      ctx.participant.assertCan('stop-broadcast');
      return { egress: await egress.stopAllBroadcasts(ctx.room.name, actor(ctx)) };
    },
    // Who may start a broadcast may change its picture (moderators by default).
    setLayout: async (ctx, { layout }) => {
      ctx.participant.assertCan('start-broadcast');
      return { egress: await egress.setLayout(ctx.room.name, layout) };
    },
  };
}
