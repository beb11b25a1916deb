import { compactLayout, type EgressState, type RtmpBroadcastInfo } from '@roomcast/protocol';
import type { CompositeEgress } from './composite/CompositeEgress.js';
import type { LiveStreamService } from './live/LiveStreamService.js';
import type { MediaStreamService } from './media/MediaStreamService.js';

interface RoomOutputs {
  composite: CompositeEgress | undefined;
  /** Destinations of composites that ended, still listed with their reason. */
  ended: RtmpBroadcastInfo[];
  liveStreams: Pick<LiveStreamService, 'listed' | 'keepsAlive'>;
  mediaStreams: Pick<MediaStreamService, 'listed'>;
}

/** A room's egress state as its participants and `info()` see it: derived from what runs, never stored apart. */
export function egressStateOf(roomName: string, { composite, ended, liveStreams, mediaStreams }: RoomOutputs): EgressState {
  const rtmps = [...ended, ...[...(composite?.relays.values() ?? [])].map((relay) => relay.info())];
  return {
    broadcasting: rtmps.some((r) => r.status !== 'failed' && r.status !== 'stopped') || liveStreams.keepsAlive(roomName),
    layout: composite ? compactLayout(composite.layout) : null,
    quality: composite?.quality ?? null,
    rtmps,
    live_streams: liveStreams.listed(roomName),
    media_streams: mediaStreams.listed(roomName),
  };
}
