import { describe, expect, it } from 'vitest';
import { endReasonForClose, ServerCloseCode } from './closeCodes.js';

describe('endReasonForClose', () => {
  it('does not reconnect after a closed room, a replaced identity or a deliberate removal', () => {
    expect(endReasonForClose(ServerCloseCode.roomClosed, '')?.[0]).toBe('room_closed');
    expect(endReasonForClose(ServerCloseCode.replaced, '')?.[0]).toBe('replaced');
    expect(endReasonForClose(ServerCloseCode.left, 'kicked')).toEqual(['removed', 'kicked']);
  });

  it('reconnects after network drops, server restarts and timeouts', () => {
    for (const code of [1001, 1006, 1011, ServerCloseCode.mediaTimeout, ServerCloseCode.pingTimeout]) {
      expect(endReasonForClose(code, '')).toBeUndefined();
    }
  });
});
