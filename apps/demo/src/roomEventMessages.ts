import { RtmpBroadcastInfoSchema } from '@roomcast/protocol';
import { mediaStreamEventMessage } from './mediaStreams/mediaStreamView.js';

export type ToastKind = 'info' | 'success' | 'error';
export interface ToastMessage {
  text: string;
  kind: ToastKind;
}

/**
 * The toast for a room event from the server (`roomEvent`, same types as webhooks), or undefined
 * for events not worth interrupting anyone for. Participants joining and leaving come from the
 * SDK's own events instead (see Meeting).
 */
export function roomEventMessage(type: string, data: Record<string, unknown>): ToastMessage | undefined {
  if (type.startsWith('media_stream.')) return mediaStreamEventMessage(type, data);
  if (!type.startsWith('rtmp_broadcast.')) return undefined;
  const parsed = RtmpBroadcastInfoSchema.partial().safeParse(data.broadcast);
  if (!parsed.success) return undefined;
  const { name = 'broadcast', status, retries, error } = parsed.data;
  switch (type) {
    case 'rtmp_broadcast.started':
      return { text: `Broadcast “${name}” is live`, kind: 'success' };
    case 'rtmp_broadcast.updated':
      if (status === 'retrying') return { text: `Broadcast “${name}” lost its connection; retrying (${retries ?? 0})`, kind: 'error' };
      if (status === 'live') return { text: `Broadcast “${name}” is live again`, kind: 'success' };
      return undefined;
    case 'rtmp_broadcast.failed':
      return { text: `Broadcast “${name}” failed${error ? `: ${error}` : ''}`, kind: 'error' };
    case 'rtmp_broadcast.stopped':
      return { text: `Broadcast “${name}” stopped`, kind: 'info' };
    default:
      return undefined;
  }
}
