import { describe, expect, it } from 'vitest';
import { decodeBinaryFrame } from '@roomcast/protocol';
import { mediaMessage } from './mediaFrames.js';

const pcm = Buffer.from([1, 2, 3, 4]);

describe('mediaMessage', () => {
  it('JSON audio: RTMS content with base64 data', () => {
    const text = mediaMessage({ msgType: 14, userId: 3, userName: 'Ada', data: pcm, timestamp: 1700000000123 }, false) as string;
    expect(JSON.parse(text)).toEqual({ msg_type: 14, content: { user_id: 3, user_name: 'Ada', data: pcm.toString('base64'), timestamp: 1700000000123 } });
  });

  it('JSON video carries key_frame; JSON transcript carries start, end, final and its text as base64', () => {
    const video = JSON.parse(mediaMessage({ msgType: 15, userId: 1, userName: 'A', data: pcm, timestamp: 1, keyFrame: true }, false) as string);
    expect(video.content.key_frame).toBe(true);
    const t = JSON.parse(mediaMessage({ msgType: 17, userId: 1, userName: 'A', data: Buffer.from('héllo'), text: 'héllo', start: 10, end: 20, final: true, timestamp: 1 }, false) as string);
    expect(Buffer.from(t.content.data, 'base64').toString('utf8')).toBe('héllo');
    expect(t.content).toMatchObject({ start: 10, end: 20, final: true });
  });

  it('binary frames decode with the protocol decoder', () => {
    const audio = decodeBinaryFrame(mediaMessage({ msgType: 14, userId: 7, userName: 'A', data: pcm, timestamp: 1700000000123.5 }, true) as Uint8Array);
    expect(audio).toMatchObject({ msgType: 14, userId: 7, timestamp: 1700000000123.5, keyFrame: false });
    expect(Buffer.from(audio.payload)).toEqual(pcm);
    const video = decodeBinaryFrame(mediaMessage({ msgType: 15, userId: 2, userName: 'A', data: pcm, timestamp: 1, keyFrame: true }, true) as Uint8Array);
    expect(video.keyFrame).toBe(true);
    const t = decodeBinaryFrame(mediaMessage({ msgType: 17, userId: 2, userName: 'A', data: Buffer.from('hi'), text: 'hi', start: 1, end: 2, final: true, timestamp: 1 }, true) as Uint8Array);
    expect(t.final).toBe(true);
    expect(JSON.parse(Buffer.from(t.payload).toString('utf8'))).toEqual({ text: 'hi', start: 1, end: 2, final: true });
  });
});
