import { describe, expect, it } from 'vitest';
import { masterUrlOf, nextWatchState, watchIdFromPath, watchMessage, type WatchEvent, type WatchState } from './watchState.js';

const run = (events: WatchEvent[], from: WatchState = 'connecting'): WatchState => events.reduce(nextWatchState, from);

describe('watch page master URL', () => {
  it('is the id\'s master playlist beside /watch, under a prefix too, with the page\'s signature if any', () => {
    expect(masterUrlOf('AbC_12-xyz', 'http://h:3000/watch/AbC_12-xyz')).toBe('http://h:3000/hls/AbC_12-xyz/master.m3u8');
    expect(masterUrlOf('AbC_12-xyz', 'http://h/rc/watch/AbC_12-xyz?exp=17&sig=ab&x=1')).toBe('http://h/rc/hls/AbC_12-xyz/master.m3u8?exp=17&sig=ab');
  });
});

describe('watch page state', () => {
  it('goes live when playing, and ends at ENDLIST or when the stream goes away after playing', () => {
    expect(run([{ type: 'playing' }])).toBe('live');
    expect(run([{ type: 'playing' }, { type: 'endlist' }])).toBe('ended');
    expect(run([{ type: 'playing' }, { type: 'gone' }])).toBe('ended');
  });

  it('calls a stream that was never there unavailable, and a player failure failed', () => {
    expect(run([{ type: 'gone' }])).toBe('unavailable');
    expect(run([{ type: 'fatal', details: 'bufferAppendError' }])).toBe('failed');
  });

  it('keeps a final state: late events change nothing', () => {
    expect(run([{ type: 'playing' }, { type: 'endlist' }, { type: 'fatal', details: 'x' }, { type: 'playing' }])).toBe('ended');
    expect(run([{ type: 'gone' }, { type: 'playing' }])).toBe('unavailable');
    expect(run([{ type: 'fatal', details: 'x' }, { type: 'gone' }])).toBe('failed');
  });

  it('says what happened: a live badge while live, a message otherwise', () => {
    expect(watchMessage('live')).toEqual({ badge: 'Live', text: '' });
    expect(watchMessage('ended').text).toContain('has ended');
    expect(watchMessage('unavailable').badge).toBe('Offline');
    expect(watchMessage('failed', 'manifestLoadError').text).toContain('(manifestLoadError)');
  });
});

describe('watchIdFromPath', () => {
  it('takes a well-formed id, also under a prefix and with a trailing slash', () => {
    expect(watchIdFromPath('/watch/AbC_12-xyz')).toBe('AbC_12-xyz');
    expect(watchIdFromPath('/demo/watch/AbC_12-xyz/')).toBe('AbC_12-xyz');
  });

  it('refuses a missing or malformed id', () => {
    for (const path of ['/watch/', '/watch', '/', '/watch/a%2Fb', '/watch/a.b', '/watch/%E0%A4%A', `/watch/${'a'.repeat(65)}`, '/watch/a/b']) {
      expect(watchIdFromPath(path), path).toBeNull();
    }
  });
});
