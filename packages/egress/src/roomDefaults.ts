import { AppError, type Layout, type LiveStreamActor, type Quality, type RoomSettings, type StartLiveStreamBody } from '@roomcast/protocol';
import type { RoomView } from '@roomcast/sfu';

/** Who a management (REST) call is. */
export const API_ACTOR: LiveStreamActor = { type: 'api', identity: null };

/** `broadcasting.enabled: false` in the room's type or settings refuses every RTMP broadcast and live stream. */
export function assertBroadcastingEnabled(room: Pick<RoomView, 'name' | 'settings'>): void {
  if (room.settings.broadcasting?.enabled === false) {
    throw new AppError('broadcasting_disabled', `broadcasting is disabled in room ${room.name}`);
  }
}

/**
 * The layout and quality a new composite for RTMP starts with: the request's own, else the room's
 * settings (type < room), else the defaults. The room's layout applies only to a composite about
 * to start: a running one keeps whatever layout it was given.
 */
export function rtmpComposite(
  body: { layout?: Layout; quality?: Quality },
  settings: RoomSettings,
  running: boolean,
  defaultQuality: Quality,
): { layout?: Layout; quality: Quality } {
  const rtmp = settings.broadcasting?.rtmp;
  return { layout: body.layout ?? (running ? undefined : rtmp?.layout), quality: body.quality ?? rtmp?.quality ?? defaultQuality };
}

/**
 * A live-stream request with the room's HLS settings filled in where it says nothing. The room's
 * quality is returned apart (`fallbackQuality`), to be used only when no composite runs and the
 * request names no renditions of its own: their top then sets the quality, as without room types.
 */
export function liveStreamWithDefaults(body: StartLiveStreamBody, settings: RoomSettings): { body: StartLiveStreamBody; fallbackQuality?: Quality } {
  const hls = settings.broadcasting?.hls;
  if (!hls) return { body };
  const merged: StartLiveStreamBody = {
    ...body,
    ...(body.renditions === undefined && hls.renditions ? { renditions: hls.renditions } : {}),
    ...(body.recording === undefined && hls.recording ? { recording: hls.recording } : {}),
  };
  return { body: merged, fallbackQuality: body.renditions === undefined ? hls.quality : undefined };
}
