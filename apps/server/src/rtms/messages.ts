import { z } from 'zod';
import {
  MEDIA_STREAM_STATE_NUMBER,
  RtmsMsgType,
  RtmsStatus,
  type MediaStreamState,
  type RtmsStatusCode,
} from '@roomcast/protocol';
import type { SessionUpdate } from './ports.js';

/*
 * The server's side of the RTMS socket messages. Shapes follow Zoom's RTMS where it has one:
 *   8  {msg_type, state: <number>, reason, timestamp}
 *   9  {msg_type, user_id, user_name, state: <number>, reason, timestamp}
 *   6  {msg_type, event: {event_type, timestamp, ...data}}
 *   12 {msg_type, timestamp}
 * and every refusal of a message after the handshake is `{msg_type: <the reply's type>, status_code, reason}`.
 */

export const KeepAliveResponseSchema = z.object({ msg_type: z.literal(RtmsMsgType.KEEP_ALIVE_RESP), timestamp: z.number().optional() });
export const ClientReadySchema = z.object({ msg_type: z.literal(RtmsMsgType.CLIENT_READY_ACK) });

export type RtmsMessage = { msg_type: number } & Record<string, unknown>;
export type Parsed = { ok: true; message: RtmsMessage } | { ok: false; status: RtmsStatusCode; reason: string };

/** Text → an object with an integer msg_type; what is not gets INVALID_JSON_MSG. */
export function parseMessage(raw: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): Parsed {
  if (isBinary) return { ok: false, status: RtmsStatus.INVALID_JSON_MSG, reason: 'binary frames are not accepted from apps' };
  const text = Array.isArray(raw) ? Buffer.concat(raw).toString('utf8') : Buffer.from(raw as ArrayBuffer).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, status: RtmsStatus.INVALID_JSON_MSG, reason: 'message is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, status: RtmsStatus.INVALID_JSON_MSG, reason: 'message is not a JSON object' };
  }
  const type = (value as { msg_type?: unknown }).msg_type;
  if (typeof type !== 'number' || !Number.isInteger(type)) {
    return { ok: false, status: RtmsStatus.INVALID_MESSAGE_TYPE, reason: 'msg_type must be an integer' };
  }
  return { ok: true, message: value as RtmsMessage };
}

/** The first zod issue, short: enough for an app developer, nothing echoed back from the input. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `invalid message: ${issue?.path.join('.') || 'message'} ${issue?.message ?? ''}`.trim().slice(0, 200);
}

export function streamStateMessage(state: MediaStreamState, reason: string | null): object {
  return { msg_type: RtmsMsgType.STREAM_STATE_UPDATE, state: MEDIA_STREAM_STATE_NUMBER[state], reason, timestamp: Date.now() };
}

export function sessionStateMessage(s: SessionUpdate): object {
  return {
    msg_type: RtmsMsgType.SESSION_STATE_UPDATE,
    user_id: s.userId,
    user_name: s.userName,
    state: MEDIA_STREAM_STATE_NUMBER[s.state],
    reason: s.reason,
    timestamp: Date.now(),
  };
}

/** The participants as the handshake replies list them (user_id ↔ user_name: binary frames carry only the id). */
export function sessionList(sessions: Array<{ userId: number; userName: string; state: MediaStreamState }>): object[] {
  return sessions.map((s) => ({ user_id: s.userId, user_name: s.userName, state: MEDIA_STREAM_STATE_NUMBER[s.state] }));
}

export function eventMessage(type: string, data: Record<string, unknown>): object {
  return { msg_type: RtmsMsgType.EVENT_UPDATE, event: { ...data, event_type: type, timestamp: Date.now() } };
}

export function keepAliveRequest(timestamp: number): object {
  return { msg_type: RtmsMsgType.KEEP_ALIVE_REQ, timestamp };
}

export { RtmsCloseCode, RTMS_STATUS_NOTICE_TYPE as STATUS_NOTICE_TYPE } from '@roomcast/protocol';
