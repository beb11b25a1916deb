import { describe, expect, it } from 'vitest';
import { mp4RemuxArgs, playlistDurationS, playlistFiles } from './mp4Remux.js';

const ENDED = [
  '#EXTM3U', '#EXT-X-VERSION:6', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-MAP:URI="init.mp4"',
  '#EXT-X-PROGRAM-DATE-TIME:2026-11-30T15:01:29.606Z', '#EXTINF:2.00000,', 'seg0.m4s',
  '#EXTINF:1.96700,', 'seg1.m4s', '#EXTINF:0.93300,', 'seg2.m4s', '#EXT-X-ENDLIST', '',
].join('\n');

describe('mp4 remux of a recording', () => {
  it('copies (never re-encodes) local files only, into a faststart MP4 at the given name', () => {
    const args = mp4RemuxArgs('/rec/360p/index.m3u8', '/rec/.recording.mp4.tmp');
    const after = (flag: string): string | undefined => args[args.indexOf(flag) + 1];
    expect(after('-protocol_whitelist')).toBe('file');
    expect(after('-allowed_extensions')).toBe('ALL');
    expect(after('-i')).toBe('/rec/360p/index.m3u8');
    expect(after('-c')).toBe('copy');
    expect(after('-movflags')).toBe('+faststart');
    // The temporary name has no .mp4 to guess the format from.
    expect(after('-f')).toBe('mp4');
    expect(args.at(-1)).toBe('/rec/.recording.mp4.tmp');
    expect(args.some((a) => /^-(c:v|vcodec)$/.test(a) || a === 'libx264')).toBe(false);
    expect(args.indexOf('-protocol_whitelist')).toBeLessThan(args.indexOf('-i'));
  });

  it('reads the duration and the files of a media playlist', () => {
    expect(playlistDurationS(ENDED)).toBe(4.9);
    expect(playlistFiles(ENDED)).toEqual(['init.mp4', 'seg0.m4s', 'seg1.m4s', 'seg2.m4s']);
    expect(playlistDurationS('#EXTM3U\n')).toBe(0);
  });
});
