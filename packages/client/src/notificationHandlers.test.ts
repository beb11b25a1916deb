import { describe, expect, it, vi } from 'vitest';
import type { Connection } from './MediaSession.js';
import { handleNotification, terminalReason, type NotificationTarget } from './notificationHandlers.js';
import type { Publisher } from './Publisher.js';
import type { Subscriptions } from './Subscriptions.js';

/** Spies in place of the room's parts: this checks the routing table, not the parts themselves. */
function target() {
  const subscriptions = { upsert: vi.fn(), remove: vi.fn(), subscribe: vi.fn(), unsubscribe: vi.fn(), setMuted: vi.fn() };
  const publisher = { closedByServer: vi.fn() };
  const t = {
    subscriptions: subscriptions as unknown as Subscriptions,
    publisher: publisher as unknown as Publisher,
    setActiveSpeaker: vi.fn(),
    setEgress: vi.fn(),
    emitRoomEvent: vi.fn(),
    mediaStreamRequested: vi.fn(),
    mediaStreamRequestAnswered: vi.fn(),
  } satisfies NotificationTarget;
  return { t, subscriptions, publisher };
}

const conn = {} as Connection;

describe('notification routing', () => {
  it('routes each notification to its part', () => {
    const { t, subscriptions, publisher } = target();
    handleNotification(t, conn, { method: 'participantLeft', data: { participantId: 'p1' } });
    handleNotification(t, conn, { method: 'consumerPaused', data: { consumerId: 'c1' } });
    handleNotification(t, conn, { method: 'consumerResumed', data: { consumerId: 'c1' } });
    handleNotification(t, conn, { method: 'producerClosed', data: { producerId: 'pr1' } });
    handleNotification(t, conn, { method: 'activeSpeaker', data: { participantId: null } });
    handleNotification(t, conn, { method: 'roomEvent', data: { type: 'rtmp_broadcast.started', data: { name: 'yt' } } });
    expect(subscriptions.remove).toHaveBeenCalledWith('p1');
    expect(subscriptions.setMuted.mock.calls).toEqual([
      ['c1', true],
      ['c1', false],
    ]);
    expect(publisher.closedByServer).toHaveBeenCalledWith('pr1');
    expect(t.setActiveSpeaker).toHaveBeenCalledWith(null);
    expect(t.emitRoomEvent).toHaveBeenCalledWith('rtmp_broadcast.started', { name: 'yt' });
  });

  it('routes media stream requests and answers to the room', () => {
    const { t } = target();
    const request = { request_id: 'r1', app: 'notes', requested_by: { identity: 'ann', name: 'Ann' }, audio: true, video: false, transcript: true };
    const answer = { request_id: 'r1', approved: false, media_stream: null };
    handleNotification(t, conn, { method: 'mediaStreamRequested', data: request });
    handleNotification(t, conn, { method: 'mediaStreamRequestAnswered', data: answer });
    expect(t.mediaStreamRequested).toHaveBeenCalledWith(request);
    expect(t.mediaStreamRequestAnswered).toHaveBeenCalledWith(answer);
    expect(t.emitRoomEvent).not.toHaveBeenCalled();
  });

  it('passes the connection a new consumer arrived on', () => {
    const { t, subscriptions } = target();
    const data = { id: 'c', producerId: 'p', participantId: 'x', kind: 'audio' as const, source: 'microphone' as const, rtpParameters: {}, producerPaused: false };
    handleNotification(t, conn, { method: 'newConsumer', data });
    expect(subscriptions.subscribe).toHaveBeenCalledWith(conn, data);
  });

  it('tells terminal notifications apart and does not route them', () => {
    const { t } = target();
    const closed = { method: 'roomClosed' as const, data: { reason: 'deleted' as const, message: 'bye' } };
    expect(terminalReason(closed)).toEqual(['room_closed', 'deleted: bye']);
    expect(terminalReason({ method: 'replaced', data: {} })?.[0]).toBe('replaced');
    expect(terminalReason({ method: 'consumerClosed', data: { consumerId: 'c' } })).toBeUndefined();
    expect(handleNotification(t, conn, closed)).toBeUndefined();
  });
});
