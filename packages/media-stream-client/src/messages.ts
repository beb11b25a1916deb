import {
  decodeBinaryFrame,
  MEDIA_STREAM_STATE_NUMBER,
  MediaStreamStateSchema,
  RtmsMsgType,
  type MediaStreamState,
} from '@roomcast/protocol';

/*
 * Readers for what the Roomcast sockets send. The requests an app sends are the protocol's
 * schemas (mediaStreams.ts); the readers here are lenient about fields they do not need, so that a
 * server adding a field never breaks an app.
 */

/** Any JSON message of the RTMS sockets. */
export type RtmsJsonMessage = Record<string, unknown> & { msg_type: number };

export interface AudioData {
  /** 0 = the room's mix */
  userId: number;
  userName: string;
  /** pcm_s16le mono at media_params' sample rate (20 ms per frame), or one Opus packet */
  data: Buffer;
  /** ms since the Unix epoch */
  timestamp: number;
}

export interface VideoData extends AudioData {
  /** the frame starts at a keyframe (H.264 IDR with SPS/PPS, or any JPEG) */
  keyFrame: boolean;
}

export interface TranscriptData {
  userId: number;
  userName: string;
  text: string;
  /** ms from the participant's first audio that reached the recognizer */
  start: number;
  end: number;
  final: boolean;
  timestamp: number;
}

export interface StreamStateUpdate {
  state: MediaStreamState;
  reason: string | null;
}

export interface SessionStateUpdate {
  userId: number;
  userName: string;
  state: MediaStreamState;
  reason: string | null;
}

/** msg_type 6: `type` is the event (`participant_join`, `media_dropped`, …), `data` its fields. */
export interface RtmsEvent {
  type: string;
  data: Record<string, unknown>;
}

export type MediaMessage =
  | { kind: 'audio'; frame: AudioData }
  | { kind: 'video'; frame: VideoData }
  | { kind: 'transcript'; segment: TranscriptData };

export interface ServerUrls {
  all: string;
  audio?: string;
  video?: string;
  transcript?: string;
}

export interface HandshakeReply {
  statusCode: number;
  reason: string | null;
  serverUrls: ServerUrls | undefined;
  mediaParams: Record<string, unknown>;
}

export function parseJsonMessage(text: string): RtmsJsonMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || !Number.isInteger(value.msg_type)) return undefined;
  return value as RtmsJsonMessage;
}

/** Binary frames carry only a user id: names come from JSON media, session states, events and replies. */
export class UserNames {
  readonly #names = new Map<number, string>();

  get(userId: number): string {
    return this.#names.get(userId) ?? '';
  }

  /** Learns every `{user_id, user_name}` pair in `value`, at any depth (replies list sessions). */
  learn(value: unknown, depth = 0): void {
    if (depth > 4) return;
    if (Array.isArray(value)) {
      for (const item of value) this.learn(item, depth + 1);
      return;
    }
    if (!isRecord(value)) return;
    if (typeof value.user_id === 'number' && typeof value.user_name === 'string') this.#names.set(value.user_id, value.user_name);
    for (const child of Object.values(value)) if (typeof child === 'object' && child !== null) this.learn(child, depth + 1);
  }
}

export function readHandshakeReply(message: RtmsJsonMessage): HandshakeReply {
  const server = isRecord(message.media_server) ? message.media_server : {};
  const urls = isRecord(server.server_urls) ? server.server_urls : undefined;
  return {
    statusCode: typeof message.status_code === 'number' ? message.status_code : -1,
    reason: typeof message.reason === 'string' ? message.reason : null,
    serverUrls: urls && typeof urls.all === 'string' ? (urls as unknown as ServerUrls) : undefined,
    mediaParams: isRecord(message.media_params) ? message.media_params : {},
  };
}

export function decodeJsonMedia(message: RtmsJsonMessage, names: UserNames): MediaMessage | undefined {
  const content = message.content;
  if (!isRecord(content) || typeof content.user_id !== 'number') return undefined;
  names.learn(content);
  const userId = content.user_id;
  const userName = typeof content.user_name === 'string' ? content.user_name : names.get(userId);
  const timestamp = typeof content.timestamp === 'number' ? content.timestamp : Date.now();
  const data = typeof content.data === 'string' ? Buffer.from(content.data, 'base64') : Buffer.alloc(0);
  switch (message.msg_type) {
    case RtmsMsgType.MEDIA_DATA_AUDIO:
      return { kind: 'audio', frame: { userId, userName, data, timestamp } };
    case RtmsMsgType.MEDIA_DATA_VIDEO:
      return { kind: 'video', frame: { userId, userName, data, timestamp, keyFrame: content.key_frame === true } };
    case RtmsMsgType.MEDIA_DATA_TRANSCRIPT: {
      // `data` is base64 like every media message; a plain `text` field is taken as well.
      const text = typeof content.text === 'string' ? content.text : data.toString('utf8');
      return { kind: 'transcript', segment: { userId, userName, text, ...segmentTimes(content), timestamp } };
    }
    default:
      return undefined;
  }
}

/** Throws on a malformed frame (the caller drops it). */
export function decodeBinaryMedia(bytes: Buffer, names: UserNames): MediaMessage | undefined {
  const frame = decodeBinaryFrame(bytes);
  const userName = names.get(frame.userId);
  const data = Buffer.from(frame.payload.buffer, frame.payload.byteOffset, frame.payload.byteLength);
  const base = { userId: frame.userId, userName, data, timestamp: frame.timestamp };
  switch (frame.msgType) {
    case RtmsMsgType.MEDIA_DATA_AUDIO:
      return { kind: 'audio', frame: base };
    case RtmsMsgType.MEDIA_DATA_VIDEO:
      return { kind: 'video', frame: { ...base, keyFrame: frame.keyFrame } };
    case RtmsMsgType.MEDIA_DATA_TRANSCRIPT: {
      const body: unknown = JSON.parse(data.toString('utf8'));
      if (!isRecord(body) || typeof body.text !== 'string') throw new Error('binary transcript without text');
      const times = segmentTimes(body);
      return {
        kind: 'transcript',
        segment: { userId: frame.userId, userName, text: body.text, ...times, final: times.final || frame.final, timestamp: frame.timestamp },
      };
    }
    default:
      return undefined;
  }
}

export function readStreamState(message: RtmsJsonMessage): StreamStateUpdate | undefined {
  const source = pickStateSource(message);
  const state = readState(source.state);
  return state ? { state, reason: readReason(source) } : undefined;
}

export function readSessionState(message: RtmsJsonMessage, names: UserNames): SessionStateUpdate | undefined {
  const source = pickStateSource(message);
  const state = readState(source.state);
  if (!state || typeof source.user_id !== 'number') return undefined;
  names.learn(source);
  const userName = typeof source.user_name === 'string' ? source.user_name : names.get(source.user_id);
  return { userId: source.user_id, userName, state, reason: readReason(source) };
}

/**
 * msg_type 6. Roomcast sends `{event: {event_type, timestamp, ...fields}}`; `{event: <type>, data}`
 * and RTMS's `{content: {event_type, ...}}` are read as well.
 */
export function readEvent(message: RtmsJsonMessage, names: UserNames): RtmsEvent | undefined {
  const source = isRecord(message.event) ? message.event : isRecord(message.content) ? message.content : message;
  const type = [source.event, source.event_type, source.type].find((value) => typeof value === 'string') as string | undefined;
  if (!type) return undefined;
  const data = isRecord(source.data) ? source.data : omit(source, ['msg_type', 'event', 'event_type', 'type']);
  names.learn(data);
  return { type, data };
}

function segmentTimes(source: Record<string, unknown>): { start: number; end: number; final: boolean } {
  return {
    start: typeof source.start === 'number' ? source.start : 0,
    end: typeof source.end === 'number' ? source.end : 0,
    final: source.final === true,
  };
}

function pickStateSource(message: RtmsJsonMessage): Record<string, unknown> {
  return message.state === undefined && isRecord(message.content) ? message.content : message;
}

const STATE_BY_NUMBER = new Map(Object.entries(MEDIA_STREAM_STATE_NUMBER).map(([name, n]) => [n, name as MediaStreamState]));

/** States travel as RTMS's numbers; names are accepted as well. */
function readState(value: unknown): MediaStreamState | undefined {
  if (typeof value === 'number') return STATE_BY_NUMBER.get(value);
  const parsed = MediaStreamStateSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function readReason(source: Record<string, unknown>): string | null {
  const reason = source.reason ?? source.stop_reason;
  return typeof reason === 'string' ? reason : null;
}

function omit(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(source).filter(([key]) => !keys.includes(key)));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
