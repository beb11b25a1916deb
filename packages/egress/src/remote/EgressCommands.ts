import type {
  EgressState,
  Layout,
  LiveStreamActor,
  LiveStreamInfo,
  MediaStreamInfo,
  StartLiveStreamBody,
  StartMediaStreamBody,
  StartRtmpBroadcastsBody,
} from '@roomcast/protocol';
import type { EgressService } from '../EgressService.js';
import type { StoredLiveStream } from '../live/LiveStreamRecords.js';
import type { MediaStreamRecord } from '../media/mediaStreamRecords.js';
import type { MediaAppGrant, MediaStreamStarter } from '../media/MediaStreamService.js';

export type MediaStreamAction = 'pause' | 'resume' | 'stop';

/**
 * What the SFU's signaling asks of the egress for a participant (issue 13, Deliver 2): the same
 * whether the egress runs in this process or in another one (then each call is an RPC). Every
 * method is async and takes and returns plain data.
 */
export interface EgressCommands {
  startBroadcasts(room: string, body: StartRtmpBroadcastsBody, by: LiveStreamActor): Promise<EgressState>;
  stopBroadcast(room: string, name: string, by: LiveStreamActor): Promise<EgressState>;
  stopAllBroadcasts(room: string, by: LiveStreamActor): Promise<EgressState>;
  setLayout(room: string, layout: Layout): Promise<EgressState>;
  startLiveStream(room: string, body: StartLiveStreamBody, by: LiveStreamActor): Promise<LiveStreamInfo>;
  stopLiveStream(room: string, id: string | undefined, by: LiveStreamActor): Promise<LiveStreamInfo>;
  startMediaStream(room: string, body: StartMediaStreamBody, app: MediaAppGrant, by: MediaStreamStarter): Promise<MediaStreamInfo>;
  /** A media stream of that room; `not_found` for any other. */
  controlMediaStream(room: string, id: string, action: MediaStreamAction): Promise<MediaStreamInfo>;
  setMediaConsent(room: string, participantId: string, paused: boolean): Promise<void>;
  /** Goes on with a live stream of an egress node that was lost (the room's SFU node kept its record). */
  adoptLiveStream(room: string, record: StoredLiveStream): Promise<LiveStreamInfo>;
  /** Goes on with a media stream of an egress node that was lost (the app's client reconnects to it). */
  adoptMediaStream(room: string, record: MediaStreamRecord): Promise<MediaStreamInfo>;
}

/** The commands served by an EgressService in this process. */
export function localEgressCommands(egress: EgressService): EgressCommands {
  const streams = egress.mediaStreams;
  return {
    startBroadcasts: (room, body, by) => egress.startBroadcasts(room, body, by),
    stopBroadcast: (room, name, by) => egress.stopBroadcast(room, name, by),
    stopAllBroadcasts: (room, by) => egress.stopAll(room, by),
    setLayout: (room, layout) => egress.setLayout(room, layout),
    startLiveStream: async (room, body, by) => {
      await egress.checkLayout(body.layout);
      return egress.liveStreams.start(room, body, by);
    },
    stopLiveStream: (room, id, by) => egress.liveStreams.stopInRoom(room, id, by),
    startMediaStream: (room, body, app, by) => streams.start(room, body, app, by),
    controlMediaStream: async (room, id, action) => {
      streams.assertInRoom(id, room);
      if (action === 'pause') return streams.pause(id);
      if (action === 'resume') return streams.resume(id);
      return streams.stop(id, 'stopped_by_moderator');
    },
    setMediaConsent: async (room, participantId, paused) => streams.setParticipantPaused(room, participantId, paused),
    adoptLiveStream: (room, record) => egress.liveStreams.adopt(room, record),
    adoptMediaStream: (room, record) => streams.adopt(room, record),
  };
}
