import { AppError, type MediaStreamKind, type MediaStreamVideoOptions, type StartMediaStreamBody } from '@roomcast/protocol';
import type { MediaStreamSettings } from './MediaStream.js';
import type { MediaAppGrant, MediaStreamStarter } from './MediaStreamService.js';

/** H.264 for watching (15 fps, 640 wide); JPEG for looking now and then (1 fps, 320 wide). */
const VIDEO_DEFAULTS = { h264: { fps: 15, width: 640 }, jpeg: { fps: 1, width: 320 } } as const;

export interface SettingsRequest {
  id: string;
  room: string;
  body: StartMediaStreamBody;
  app: MediaAppGrant;
  startedBy: MediaStreamStarter;
  transcriptAvailable: boolean;
  recognizerName: string | null;
  reconnectGraceMs: number;
  connectTimeoutMs: number;
}

/** Checks a start request against what the app may receive, and fills in every default. */
export function mediaStreamSettings(r: SettingsRequest): MediaStreamSettings {
  const asked: MediaStreamKind[] = [];
  if (r.body.audio) asked.push('audio');
  if (r.body.video) asked.push('video');
  if (r.body.transcript) asked.push('transcript');
  const refused = asked.filter((kind) => !r.app.allow.includes(kind));
  if (refused.length > 0) throw new AppError('forbidden', `app ${r.app.id} may not receive ${refused.join(', ')}`);
  return {
    id: r.id,
    appId: r.app.id,
    roomName: r.room,
    audio: r.body.audio ?? null,
    video: r.body.video ? videoSettings(r.body.video) : null,
    transcript: r.body.transcript ?? false,
    transcriptAvailable: r.transcriptAvailable,
    recognizerName: r.transcriptAvailable ? r.recognizerName : null,
    startedBy: r.startedBy,
    reconnectGraceMs: r.reconnectGraceMs,
    connectTimeoutMs: r.connectTimeoutMs,
  };
}

function videoSettings(video: MediaStreamVideoOptions): Required<MediaStreamVideoOptions> {
  const defaults = VIDEO_DEFAULTS[video.codec];
  return { codec: video.codec, fps: video.fps ?? defaults.fps, width: video.width ?? defaults.width, source: video.source };
}
