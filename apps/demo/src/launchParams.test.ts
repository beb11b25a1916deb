import { describe, expect, it } from 'vitest';
import { launchSearch, readLaunchParams } from './launchParams.js';

describe('launch parameters', () => {
  it('reads the deep link', () => {
    expect(readLaunchParams('?room=demo&token=abc.def.ghi&autojoin=1')).toEqual({
      room: 'demo',
      token: 'abc.def.ghi',
      autojoin: true,
    });
  });

  it('autojoin is off unless asked for', () => {
    expect(readLaunchParams('?token=t').autojoin).toBe(false);
    expect(readLaunchParams('?token=t&autojoin=0').autojoin).toBe(false);
    expect(readLaunchParams('?autojoin=true').autojoin).toBe(true);
    expect(readLaunchParams('').room).toBe('');
  });

  it('round-trips', () => {
    const params = { room: 'r-1', token: 'a+b', autojoin: true };
    expect(readLaunchParams(launchSearch(params))).toEqual(params);
  });
});
