import { describe, expect, it } from 'vitest';
import { blockingReload, checkReloadWithinReach, mediaContentType, targetDurationS } from './hlsRequest.js';

describe('LL-HLS request directives', () => {
  it('reads _HLS_msn and _HLS_part as decimal integers', () => {
    expect(blockingReload({})).toBeUndefined();
    expect(blockingReload({ other: 'x' })).toBeUndefined();
    expect(blockingReload({ _HLS_msn: '12' })).toEqual({ msn: 12, part: undefined });
    expect(blockingReload({ _HLS_msn: '0', _HLS_part: '3' })).toEqual({ msn: 0, part: 3 });
  });

  it('refuses malformed values and a part without a segment with 400', () => {
    for (const query of [{ _HLS_msn: '-1' }, { _HLS_msn: '1.5' }, { _HLS_msn: '' }, { _HLS_msn: '01' }, { _HLS_msn: 'x' }, { _HLS_msn: ['1', '2'] },
      { _HLS_msn: '9'.repeat(16) }, { _HLS_part: '1' }, { _HLS_msn: '1', _HLS_part: 'a' }]) {
      expect(() => blockingReload(query), JSON.stringify(query)).toThrow(expect.objectContaining({ code: 'bad_request' }));
    }
  });

  it('refuses a segment more than two beyond the last', () => {
    expect(() => checkReloadWithinReach({ msn: 7, part: undefined }, 5)).not.toThrow();
    expect(() => checkReloadWithinReach({ msn: 8, part: 0 }, 5)).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });

  it('reads the target duration, and names content types', () => {
    expect(targetDurationS('#EXTM3U\n#EXT-X-TARGETDURATION:3\n')).toBe(3);
    expect(targetDurationS('#EXTM3U\n')).toBe(2);
    expect(mediaContentType('index.m3u8')).toBe('application/vnd.apple.mpegurl');
    expect(mediaContentType('init.mp4')).toBe('video/mp4');
    expect(mediaContentType('part12.m4s')).toBe('video/iso.segment');
  });
});
