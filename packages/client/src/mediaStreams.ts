import type { EgressState, MediaStreamInfo, MediaStreamState, NotificationData, ResponseData } from '@roomcast/protocol';

/** An app registered on the server (`MEDIA_APPS`): its id and what it may receive. */
export type MediaAppInfo = ResponseData<'listMediaApps'>['apps'][number];
/** What `room.startMediaStream()` resolves with: the stream, or the id of a request a moderator must answer. */
export type StartMediaStreamResult = ResponseData<'startMediaStream'>;
/** A participant's request to stream the room to an app (the `mediaStreamRequested` event, to moderators). */
export type MediaStreamRequest = NotificationData<'mediaStreamRequested'>;
/** A moderator's answer to a request (the `mediaStreamRequestAnswered` event). */
export type MediaStreamRequestAnswer = NotificationData<'mediaStreamRequestAnswered'>;

/** States of a stream that has not ended: it may carry the room's media now or as soon as its app connects. */
const ACTIVE_STATES: ReadonlySet<MediaStreamState> = new Set<MediaStreamState>(['INITIALIZE', 'STARTED', 'PAUSED', 'RESUMED']);

/** The room's media streams that have not ended, from its egress state. */
export function activeMediaStreams(egress: EgressState): MediaStreamInfo[] {
  return egress.media_streams.filter((stream) => ACTIVE_STATES.has(stream.state));
}

/**
 * Whether two lists describe the same streams. `egressUpdated` also fires for RTMP and HLS changes:
 * this keeps `mediaStreamsChanged` for changes a UI listing the streams would show.
 */
export function sameMediaStreams(a: readonly MediaStreamInfo[], b: readonly MediaStreamInfo[]): boolean {
  return a.length === b.length && a.every((stream, i) => JSON.stringify(stream) === JSON.stringify(b[i]));
}
