import { z } from 'zod';
import { type TranscriptsConfig, TranscriptsEnvSchema, transcriptsConfigFromEnv } from '@roomcast/egress';
import { MediaApps, MediaAppsConfigError } from './mediaApps.js';

/** The environment variables of realtime media streams (issue 11). README's Configuration table lists them. */
const MediaStreamEnvSchema = TranscriptsEnvSchema.extend({
  MEDIA_APPS: z.string().optional(),
  MEDIA_STREAMS_MAX_PER_ROOM: z.coerce.number().int().min(1).max(64).default(8),
  /** An app whose media sockets all closed may come back with the same stream id within this long. */
  MEDIA_STREAM_RECONNECT_GRACE_S: z.coerce.number().min(0.1).max(3600).default(30),
  /** An app that never connects: the stream stops after this long. */
  MEDIA_STREAM_CONNECT_TIMEOUT_S: z.coerce.number().min(0.1).max(3600).default(120),
  /** Keep-alive requests while no data flows; three unanswered ones close the socket. */
  MEDIA_STREAM_KEEPALIVE_MS: z.coerce.number().int().min(50).max(600_000).default(10_000),
  /** A participant's own request to stream the room to an app: allowed, held for a moderator's approval, or refused. */
  MEDIA_STREAM_PARTICIPANT_REQUESTS: z.enum(['allow', 'approval', 'deny']).default('approval'),
});

export interface MediaStreamConfig {
  apps: MediaApps;
  maxPerRoom: number;
  reconnectGraceMs: number;
  connectTimeoutMs: number;
  keepAliveMs: number;
  participantRequests: 'allow' | 'approval' | 'deny';
  /** TRANSCRIPTS_*: which recognizer writes transcripts. */
  transcripts: TranscriptsConfig;
}

/** Reads the media-stream settings; throws a message naming the variable (never a secret's value). */
export function loadMediaStreamConfig(env: NodeJS.ProcessEnv): MediaStreamConfig {
  const parsed = MediaStreamEnvSchema.safeParse(env);
  if (!parsed.success) throw new MediaAppsConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const e = parsed.data;
  return {
    apps: MediaApps.parse(e.MEDIA_APPS),
    maxPerRoom: e.MEDIA_STREAMS_MAX_PER_ROOM,
    reconnectGraceMs: Math.round(e.MEDIA_STREAM_RECONNECT_GRACE_S * 1000),
    connectTimeoutMs: Math.round(e.MEDIA_STREAM_CONNECT_TIMEOUT_S * 1000),
    keepAliveMs: e.MEDIA_STREAM_KEEPALIVE_MS,
    participantRequests: e.MEDIA_STREAM_PARTICIPANT_REQUESTS,
    transcripts: transcriptsConfigFromEnv(e),
  };
}
