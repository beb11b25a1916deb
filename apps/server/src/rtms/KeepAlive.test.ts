import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeepAlive } from './KeepAlive.js';

describe('KeepAlive', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup() {
    const requests: number[] = [];
    const onTimeout = vi.fn();
    const keepAlive = new KeepAlive({ intervalMs: 10_000, maxMissed: 3, sendRequest: (t) => requests.push(t), onTimeout });
    keepAlive.start();
    return { requests, onTimeout, keepAlive };
  }

  it('sends a request every interval while nothing flows, and times out after three unanswered ones', () => {
    const { requests, onTimeout } = setup();
    vi.advanceTimersByTime(9_999);
    expect(requests).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(requests).toHaveLength(1);
    vi.advanceTimersByTime(20_000);
    expect(requests).toHaveLength(3);
    expect(onTimeout).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10_000);
    expect(onTimeout).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(requests).toHaveLength(3);
    expect(onTimeout).toHaveBeenCalledTimes(1);
  });

  it('an answer resets the count', () => {
    const { requests, onTimeout, keepAlive } = setup();
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(10_000);
      keepAlive.answered();
    }
    expect(requests).toHaveLength(10);
    expect(onTimeout).not.toHaveBeenCalled();
  });

  it('sends no request while data flows, and data flowing clears missed requests', () => {
    const { requests, onTimeout, keepAlive } = setup();
    vi.advanceTimersByTime(20_000);
    expect(keepAlive.outstanding).toBe(2);
    for (let i = 0; i < 10; i++) {
      keepAlive.dataSent();
      vi.advanceTimersByTime(10_000);
    }
    expect(requests).toHaveLength(2);
    expect(keepAlive.outstanding).toBe(0);
    vi.advanceTimersByTime(30_000);
    expect(onTimeout).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10_000);
    expect(onTimeout).toHaveBeenCalledTimes(1);
  });

  it('stop ends the timer', () => {
    const { requests, onTimeout, keepAlive } = setup();
    keepAlive.stop();
    vi.advanceTimersByTime(100_000);
    expect(requests).toHaveLength(0);
    expect(onTimeout).not.toHaveBeenCalled();
  });
});
