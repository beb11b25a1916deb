import type { EgressCommands } from '@roomcast/egress';
import type { Handler, SessionContext } from '../types.js';

/** Live stream control from the client SDK, for tokens with start-live-stream / stop-live-stream. */
export function liveStreamHandlers(egress: EgressCommands): {
  startLiveStream: Handler<'startLiveStream'>;
  stopLiveStream: Handler<'stopLiveStream'>;
} {
  const actor = ({ participant }: SessionContext) => ({ type: 'participant' as const, identity: participant.identity });
  return {
    startLiveStream: async (ctx, body) => {
      ctx.participant.assertCan('start-live-stream');
      return { live_stream: await egress.startLiveStream(ctx.room.name, body, actor(ctx)) };
    },
    stopLiveStream: async (ctx, data) => {
      ctx.participant.assertCan('stop-live-stream');
      return { live_stream: await egress.stopLiveStream(ctx.room.name, data?.id, actor(ctx)) };
    },
  };
}
