import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Participant } from './Participant.js';
import { watchMediaLiveness } from './transports.js';

/**
 * A stand-in transport: only its state events matter here, and a real WebRTC transport cannot be
 * made to lose ICE on demand without a browser whose network we could cut.
 */
function fakeTransport() {
  const events = new EventEmitter();
  const observer = new EventEmitter();
  return { transport: Object.assign(events, { observer }), events, observer };
}

describe('watchMediaLiveness', () => {
  afterEach(() => vi.useRealTimers());

  it('removes a participant whose transport stays disconnected past the grace period', () => {
    vi.useFakeTimers();
    const { transport, events } = fakeTransport();
    const safeEmit = vi.fn();
    watchMediaLiveness(transport as never, { safeEmit } as unknown as Participant, 1000);
    events.emit('icestatechange', 'disconnected');
    vi.advanceTimersByTime(999);
    expect(safeEmit).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(safeEmit).toHaveBeenCalledWith('mediaTimeout');
  });

  it('forgives a transport that reconnects in time', () => {
    vi.useFakeTimers();
    const { transport, events } = fakeTransport();
    const safeEmit = vi.fn();
    watchMediaLiveness(transport as never, { safeEmit } as unknown as Participant, 1000);
    events.emit('icestatechange', 'disconnected');
    vi.advanceTimersByTime(500);
    events.emit('icestatechange', 'completed');
    vi.advanceTimersByTime(5000);
    expect(safeEmit).not.toHaveBeenCalled();
  });

  it('treats a failed DTLS handshake like a lost path, and stops watching once closed', () => {
    vi.useFakeTimers();
    const { transport, events, observer } = fakeTransport();
    const safeEmit = vi.fn();
    watchMediaLiveness(transport as never, { safeEmit } as unknown as Participant, 1000);
    events.emit('dtlsstatechange', 'failed');
    vi.advanceTimersByTime(1000);
    expect(safeEmit).toHaveBeenCalledTimes(1);
    events.emit('icestatechange', 'disconnected');
    observer.emit('close');
    vi.advanceTimersByTime(5000);
    expect(safeEmit).toHaveBeenCalledTimes(1);
  });
});
