import type { MediaStreamRequest, MediaStreamRequestAnswer, StartMediaStreamResult } from '@roomcast/client';
import { MediaStreamInfoSchema, MediaStreamStateSchema, type MediaStreamInfo, type MediaStreamKind, type MediaStreamState, type ParticipantClaims } from '@roomcast/protocol';
import type { ToastMessage } from '../roomEventMessages.js';

/** States in which an app receives (or is about to receive again) the room's media: what the indicator shows. */
const SHOWN: ReadonlySet<MediaStreamState> = new Set<MediaStreamState>(['STARTED', 'RESUMED', 'PAUSED']);

const STATE_TEXT: Record<MediaStreamState, string> = {
  INACTIVE: 'Inactive',
  INITIALIZE: 'Waiting for the app',
  STARTED: 'Live',
  RESUMED: 'Live',
  PAUSED: 'Paused',
  STOPPED: 'Stopped',
};

export function stateText(state: MediaStreamState): string {
  return STATE_TEXT[state];
}

/** The streams everyone must be told about: an app is connected to them, streaming or paused. */
export function indicatedStreams(streams: readonly MediaStreamInfo[]): MediaStreamInfo[] {
  return streams.filter((stream) => SHOWN.has(stream.state));
}

/** What a stream carries, in a fixed order. */
export function carriedKinds(stream: { audio: unknown; video: unknown; transcript: boolean }): MediaStreamKind[] {
  const kinds: MediaStreamKind[] = [];
  if (stream.audio) kinds.push('audio');
  if (stream.video) kinds.push('video');
  if (stream.transcript) kinds.push('transcript');
  return kinds;
}

/** "Streaming to notes: audio, transcript" — which app, what media (as Zoom's RTMS indicator says). */
export function streamText(stream: MediaStreamInfo): string {
  return `Streaming to ${stream.app}: ${carriedKinds(stream).join(', ')}`;
}

/** The prompt a moderator answers: who asks, for which app, and what media. */
export function requestText(request: MediaStreamRequest): string {
  const who = request.requested_by.name || request.requested_by.identity;
  return `${who} asks to stream ${carriedKinds({ audio: request.audio, video: request.video, transcript: request.transcript }).join(', ')} to ${request.app}`;
}

/** The toast after this participant's own start or request. */
export function startResultMessage(result: StartMediaStreamResult, app: string): ToastMessage {
  if (result.media_stream) return { text: `Streaming to ${app} started`, kind: 'success' };
  return { text: `Asked a moderator to stream to ${app}`, kind: 'info' };
}

/** The toast for an answer: `mine` when this page asked (the moderators see the others' answers too). */
export function answerMessage(answer: MediaStreamRequestAnswer, mine: boolean): ToastMessage {
  const app = answer.media_stream?.app;
  if (mine) {
    return answer.approved
      ? { text: `A moderator approved your request${app ? `: streaming to ${app}` : ''}`, kind: 'success' }
      : { text: 'A moderator refused your request to stream to an app', kind: 'error' };
  }
  return { text: `Media stream request ${answer.approved ? 'approved' : 'refused'}${app ? ` (${app})` : ''}`, kind: 'info' };
}

/**
 * The toast for a `media_stream.*` room event: a stream starting or stopping, and a participant
 * pausing or resuming their own media (the app is told; so is everyone in the room).
 */
export function mediaStreamEventMessage(type: string, data: Record<string, unknown>): ToastMessage | undefined {
  const stream = MediaStreamInfoSchema.pick({ app: true, state: true }).safeParse(data.media_stream);
  if (!stream.success) return undefined;
  const { app, state } = stream.data;
  switch (type) {
    case 'media_stream.started':
      // Announced when created: the app has yet to connect (the indicator shows it once it has).
      return { text: state === 'INITIALIZE' ? `Starting to stream this room to ${app}` : `This room is now streamed to ${app}`, kind: 'info' };
    case 'media_stream.stopped':
      return { text: `Streaming to ${app} stopped`, kind: 'info' };
    case 'media_stream.state_updated':
      if (data.participant !== undefined) return participantMessage(data.participant, app);
      if (state === 'PAUSED') return { text: `Streaming to ${app} paused`, kind: 'info' };
      if (state === 'RESUMED') return { text: `Streaming to ${app} resumed`, kind: 'info' };
      return undefined;
    default:
      return undefined;
  }
}

function participantMessage(participant: unknown, app: string): ToastMessage | undefined {
  if (typeof participant !== 'object' || participant === null) return undefined;
  const { user_name: name, identity, state } = participant as Record<string, unknown>;
  const parsed = MediaStreamStateSchema.safeParse(state);
  if (!parsed.success || (parsed.data !== 'PAUSED' && parsed.data !== 'RESUMED')) return undefined;
  const who = typeof name === 'string' && name ? name : typeof identity === 'string' ? identity : 'Someone';
  return { text: `${who} ${parsed.data === 'PAUSED' ? 'paused' : 'resumed'} their media for ${app}`, kind: 'info' };
}

/** What the token lets this page do with media streams (a hint: the server decides). */
export function mediaStreamRights(claims: ParticipantClaims | undefined): { start: boolean; control: boolean } {
  if (!claims) return { start: false, control: false };
  const has = (capability: 'start-media-stream' | 'stop-media-stream'): boolean =>
    claims.capabilities ? claims.capabilities.includes(capability) : claims.role === 'moderator';
  return { start: has('start-media-stream'), control: has('stop-media-stream') };
}
