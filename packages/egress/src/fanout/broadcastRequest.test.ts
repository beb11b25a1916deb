import { describe, expect, it } from 'vitest';
import type { RtmpStatus } from '@roomcast/protocol';
import { checkBroadcastRequest } from './broadcastRequest.js';
import type { RtmpRelay } from './RtmpRelay.js';

const relay = (name: string, status: RtmpStatus) => ({ name, status }) as RtmpRelay;
const body = (...names: string[]) => ({ broadcasts: names.map((name) => ({ name, stream_url: 'rtmp://ingest.example/live' })) });
const limits = { maxDestinationsPerRoom: 3, maxDestinationsPerServer: 4 };
const codeOf = (run: () => void) => {
  try {
    run();
    return 'ok';
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe('checkBroadcastRequest', () => {
  it('refuses names used twice, in the request or by a destination still going', () => {
    expect(codeOf(() => checkBroadcastRequest(body('a', 'a'), { roomName: 'r', relaysOnServer: 0 }, limits))).toBe('conflict');
    const running = { relays: [relay('a', 'live'), relay('b', 'failed')], quality: '720p' };
    expect(codeOf(() => checkBroadcastRequest(body('a'), { roomName: 'r', running, relaysOnServer: 2 }, limits))).toBe('conflict');
    expect(codeOf(() => checkBroadcastRequest(body('b'), { roomName: 'r', running, relaysOnServer: 2 }, limits))).toBe('ok');
  });

  it('refuses a quality change on a running composite', () => {
    const running = { relays: [relay('a', 'live')], quality: '720p' };
    expect(codeOf(() => checkBroadcastRequest({ ...body('b'), quality: '1080p' }, { roomName: 'r', running, relaysOnServer: 1 }, limits))).toBe('conflict');
    expect(codeOf(() => checkBroadcastRequest({ ...body('b'), quality: '720p' }, { roomName: 'r', running, relaysOnServer: 1 }, limits))).toBe('ok');
  });

  it('holds the per-room and per-server limits, not counting failed or stopped destinations', () => {
    const running = { relays: [relay('a', 'live'), relay('x', 'stopped'), relay('y', 'failed')], quality: '720p' };
    expect(codeOf(() => checkBroadcastRequest(body('b', 'c'), { roomName: 'r', running, relaysOnServer: 1 }, limits))).toBe('ok');
    expect(codeOf(() => checkBroadcastRequest(body('b', 'c', 'd'), { roomName: 'r', running, relaysOnServer: 1 }, limits))).toBe('limit_exceeded');
    expect(codeOf(() => checkBroadcastRequest(body('b'), { roomName: 'r', relaysOnServer: 4 }, limits))).toBe('limit_exceeded');
  });
});
