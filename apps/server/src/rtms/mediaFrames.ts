import { encodeBinaryFrame, type RtmsMediaMessage } from '@roomcast/protocol';

export interface MediaPayload {
  msgType: 14 | 15 | 17;
  userId: number;
  userName: string;
  data: Buffer;
  timestamp: number;
  keyFrame?: boolean;
  /** transcript only */
  text?: string;
  start?: number;
  end?: number;
  final?: boolean;
}

/**
 * One media message in the form the app asked for: RTMS's JSON (`data` base64; for a transcript,
 * the base64 of its UTF-8 text, with start/end/final beside it) or a binary frame, whose
 * transcript payload is UTF-8 JSON `{text, start, end, final}` (see protocol/mediaStreams.ts).
 */
export function mediaMessage(p: MediaPayload, binary: boolean): string | Uint8Array {
  if (binary) {
    const payload = p.msgType === 17 ? Buffer.from(JSON.stringify({ text: p.text, start: p.start, end: p.end, final: p.final })) : p.data;
    return encodeBinaryFrame({ msgType: p.msgType, userId: p.userId, timestamp: p.timestamp, payload, keyFrame: p.keyFrame, final: p.final });
  }
  const content: RtmsMediaMessage['content'] = {
    user_id: p.userId,
    user_name: p.userName,
    data: p.data.toString('base64'),
    timestamp: p.timestamp,
  };
  if (p.msgType === 15) content.key_frame = p.keyFrame === true;
  if (p.msgType === 17) Object.assign(content, { start: p.start, end: p.end, final: p.final });
  return JSON.stringify({ msg_type: p.msgType, content });
}
