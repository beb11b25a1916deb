import type { FastifyBaseLogger } from 'fastify';
import type { EgressService } from '@roomcast/egress';
import { type StartMediaStreamBody, StartMediaStreamBodySchema } from '@roomcast/protocol';
import type { RoomDirectory, RoomView } from '@roomcast/sfu';
import type { MediaApp, MediaApps } from './mediaApps.js';

const AUTO = { type: 'auto' } as const;

/** What an automatic start carries: the app's `auto_start_media`, else audio (16 kHz PCM per participant) and a transcript if allowed. */
export function autoStartBody(app: MediaApp): StartMediaStreamBody {
  const media = app.auto_start_media ?? {
    ...(app.allow.includes('audio') ? { audio: {} } : {}),
    ...(app.allow.includes('transcript') ? { transcript: true } : {}),
    ...(!app.allow.includes('audio') && !app.allow.includes('transcript') ? { video: {} } : {}),
  };
  return StartMediaStreamBodySchema.parse({ ...media, app: app.id });
}

/**
 * Apps with `auto_start`: `room` gets a stream as each room starts; `participant` as a participant
 * joins a room where the app has no running stream (the first join of a room starts it, and a
 * stream that stopped starts again with the next join). A start that fails is logged, nothing more.
 */
export function wireAutoStart(sfu: RoomDirectory, egress: EgressService, apps: MediaApps, log: FastifyBaseLogger): void {
  const auto = apps.all().filter((app) => app.auto_start !== false);
  // Room types may name apps too (media_streams.auto_start), so only no app at all means nothing to do.
  if (apps.all().length === 0) return;
  // Joins close together must not start two streams: the first start is still awaiting.
  const starting = new Set<string>();
  const start = (room: RoomView, app: MediaApp) => {
    const key = `${room.name}\n${app.id}`;
    if (room.closed || starting.has(key) || egress.mediaStreams.listed(room.name).some((s) => s.app === app.id)) return;
    starting.add(key);
    egress.mediaStreams
      .start(room.name, autoStartBody(app), app, AUTO)
      .catch((error: unknown) => log.warn({ room: room.name, app: app.id, err: error }, 'automatic media stream failed to start'))
      .finally(() => starting.delete(key));
  };
  sfu.on('roomCreated', (room) => {
    for (const app of auto) if (app.auto_start === 'room') start(room, app);
    for (const app of roomTypeApps(room, apps, auto)) start(room, app);
    room.on('participantJoined', (participant) => {
      if (participant.role === 'viewer') return;
      for (const app of auto) if (app.auto_start === 'participant') start(room, app);
    });
  });
}

/** Apps the room's type or settings auto-start (`media_streams.auto_start`), started as the room starts, besides MEDIA_APPS' own. */
function roomTypeApps(room: RoomView, apps: MediaApps, auto: MediaApp[]): MediaApp[] {
  const ids = room.settings.media_streams?.auto_start ?? [];
  return ids.map((id) => apps.byId(id)).filter((app): app is MediaApp => app !== undefined && !(auto.includes(app) && app.auto_start === 'room'));
}
