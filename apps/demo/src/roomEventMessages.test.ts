import { describe, expect, it } from 'vitest';
import { roomEventMessage } from './roomEventMessages.js';

const broadcast = (fields: Record<string, unknown>) => ({ broadcast: { name: 'yt', status: 'live', retries: 0, error: null, started_at: null, ...fields } });

describe('room event toasts', () => {
  it('announces broadcasts starting, failing and stopping', () => {
    expect(roomEventMessage('rtmp_broadcast.started', broadcast({}))).toEqual({ text: 'Broadcast “yt” is live', kind: 'success' });
    expect(roomEventMessage('rtmp_broadcast.failed', broadcast({ status: 'failed', error: 'connection refused' }))).toEqual({
      text: 'Broadcast “yt” failed: connection refused',
      kind: 'error',
    });
    expect(roomEventMessage('rtmp_broadcast.stopped', broadcast({ status: 'stopped' }))?.kind).toBe('info');
  });

  it('tells retries apart from recoveries', () => {
    expect(roomEventMessage('rtmp_broadcast.updated', broadcast({ status: 'retrying', retries: 2 }))?.text).toContain('retrying (2)');
    expect(roomEventMessage('rtmp_broadcast.updated', broadcast({ status: 'live' }))?.text).toContain('live again');
    expect(roomEventMessage('rtmp_broadcast.updated', broadcast({ status: 'starting' }))).toBeUndefined();
  });

  it('ignores what it does not know', () => {
    expect(roomEventMessage('live_stream.started', {})).toBeUndefined();
    expect(roomEventMessage('rtmp_broadcast.started', { broadcast: 'nonsense' })).toBeUndefined();
  });
});
