import { AppError, type MediaStreamInfo, type StartMediaStreamBody } from '@roomcast/protocol';
import type { EgressCommands } from '@roomcast/egress';
import type { Participant, Room } from '@roomcast/sfu';
import type { MediaApp, MediaApps } from '../../rtms/mediaApps.js';
import { type PendingRequest, ParticipantRequests } from '../../rtms/ParticipantRequests.js';
import type { Handler, SessionContext } from '../types.js';

export interface MediaStreamHandlerDeps {
  streams: EgressCommands;
  apps: MediaApps;
  /** MEDIA_STREAM_PARTICIPANT_REQUESTS: what a participant without `start-media-stream` may do. */
  participantRequests: 'allow' | 'approval' | 'deny';
}

type Methods = 'listMediaApps' | 'startMediaStream' | 'answerMediaStreamRequest' | 'controlMediaStream' | 'setMediaStreamConsent';

/** Realtime media streams from the client SDK: moderators start and control them; anyone may keep their own media out. */
export function mediaStreamHandlers(deps: MediaStreamHandlerDeps): { [M in Methods]: Handler<M> } {
  const requests = new ParticipantRequests((lapsed) => answer(lapsed, false, null));
  const start = (room: Room, body: StartMediaStreamBody, by: Participant) =>
    deps.streams.startMediaStream(room.name, body, registered(deps.apps, body.app), { type: 'participant', identity: by.identity });

  return {
    listMediaApps: () => ({ apps: deps.apps.all().map((app) => ({ id: app.id, allow: app.allow })) }),

    startMediaStream: async ({ room, participant }, body) => {
      registered(deps.apps, body.app);
      // The room's own policy (its type or settings) first, then the server's.
      const policy = room.settings.media_streams?.participant_requests ?? deps.participantRequests;
      if (participant.can('start-media-stream') || policy === 'allow') {
        return { media_stream: await start(room, body, participant) };
      }
      if (policy === 'deny') throw new AppError('forbidden', 'participants may not start media streams in this room');
      const request = requests.add(room, participant, body);
      notifyModerators(room, request);
      return { media_stream: null, request_id: request.id };
    },

    answerMediaStreamRequest: async ({ room, participant }, { request_id, approve }) => {
      participant.assertCan('start-media-stream');
      const request = requests.takeInRoom(request_id, room);
      // The requester may have left while the moderator decided: the stream is still theirs to ask for.
      const stream = approve && !room.closed ? await start(room, request.body, request.requester) : null;
      answer(request, approve, stream);
      return { media_stream: stream };
    },

    controlMediaStream: async ({ room, participant }, { id, action }) => {
      participant.assertCan('stop-media-stream');
      return { media_stream: await deps.streams.controlMediaStream(room.name, id, action) };
    },

    setMediaStreamConsent: async (ctx: SessionContext, { paused }) => {
      await deps.streams.setMediaConsent(ctx.room.name, ctx.participant.id, paused);
      return {};
    },
  };
}

function registered(apps: MediaApps, id: string): MediaApp {
  const app = apps.byId(id);
  if (!app) throw new AppError('bad_request', `no app "${id}" is registered`);
  return app;
}

function moderators(room: Room): Participant[] {
  return [...room.participants.values()].filter((p) => p.joined && p.can('start-media-stream'));
}

function notifyModerators(room: Room, request: PendingRequest): void {
  const { body, requester } = request;
  const data = {
    request_id: request.id, app: body.app, requested_by: { identity: requester.identity, name: requester.name },
    audio: !!body.audio, video: !!body.video, transcript: !!body.transcript,
  };
  for (const moderator of moderators(request.room)) moderator.notify('mediaStreamRequested', data);
  if (moderators(room).length === 0) requester.notify('roomEvent', { type: 'media_stream.request_waiting', data: { request_id: request.id, moderators: 0 } });
}

function answer(request: PendingRequest, approved: boolean, stream: MediaStreamInfo | null): void {
  const data = { request_id: request.id, approved, media_stream: stream };
  if (!request.requester.closed) request.requester.notify('mediaStreamRequestAnswered', data);
  for (const moderator of moderators(request.room)) if (moderator !== request.requester) moderator.notify('mediaStreamRequestAnswered', data);
}
