import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureOf, signPlaylist, signUrl, verifySignature, withQuery } from './urlSigning.js';

const SIGNING = { secret: 'hls-url-secret-0123456789', ttlS: 3600 };
const NOW = 1_800_000_000;
const ID = 'AbCdEfGhIjKlMnOpQrStUv';

/** The query a URL carries, as the route sees it. */
const queryOf = (url: string): Record<string, string> => Object.fromEntries(new URL(url, 'http://x').searchParams);
const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('signed playback URLs', () => {
  it('signs the id directory with HMAC-SHA256 of prefix + exp, expiring ttl from now', () => {
    const url = signUrl(SIGNING, `https://tv.example/hls/${ID}/master.m3u8`, NOW);
    const { exp, sig } = queryOf(url);
    expect(url.startsWith(`https://tv.example/hls/${ID}/master.m3u8?exp=${NOW + 3600}&sig=`)).toBe(true);
    expect(Number(exp)).toBe(NOW + 3600);
    expect(sig).toBe(createHmac('sha256', SIGNING.secret).update(`/hls/${ID}/${NOW + 3600}`).digest('hex'));
    // A path under a PUBLIC_URL prefix signs the same directory; a recording's its own.
    expect(queryOf(signUrl(SIGNING, `https://x.example/tv/hls/${ID}/master.m3u8`, NOW)).sig).toBe(sig);
    expect(queryOf(signUrl(SIGNING, `/recordings/${ID}/recording.mp4`, NOW)).sig).toBe(signatureOf(SIGNING.secret, `/recordings/${ID}/`, NOW + 3600));
  });

  it('re-signs a signed URL with one fresh signature, and leaves URLs that are not ours alone', () => {
    const once = signUrl(SIGNING, `/hls/${ID}/master.m3u8`, NOW);
    const twice = signUrl(SIGNING, once, NOW + 10);
    expect(twice).toBe(signUrl(SIGNING, `/hls/${ID}/master.m3u8`, NOW + 10));
    expect(twice.match(/exp=/g)).toHaveLength(1);
    expect(signUrl(SIGNING, 'https://cdn.example/video.mp4', NOW)).toBe('https://cdn.example/video.mp4');
  });

  it('accepts one signature for every file under the prefix until it expires', () => {
    const query = queryOf(signUrl(SIGNING, `/hls/${ID}/master.m3u8`, NOW));
    expect(verifySignature(SIGNING.secret, `/hls/${ID}/`, query, NOW)).toEqual({ exp: NOW + 3600, sig: query.sig });
    expect(verifySignature(SIGNING.secret, `/hls/${ID}/`, query, NOW + 3599).exp).toBe(NOW + 3600);
    expect(codeOf(() => verifySignature(SIGNING.secret, `/hls/${ID}/`, query, NOW + 3600))).toBe('forbidden');
  });

  it('refuses a missing, malformed, tampered or foreign signature with forbidden', () => {
    const prefix = `/hls/${ID}/`;
    const query = queryOf(signUrl(SIGNING, `${prefix}master.m3u8`, NOW));
    const flipped = `${query.sig![0] === 'a' ? 'b' : 'a'}${query.sig!.slice(1)}`;
    for (const bad of [
      {},
      { exp: query.exp },
      { sig: query.sig },
      { ...query, sig: flipped },
      { ...query, exp: String(Number(query.exp) + 1) },
      { ...query, sig: query.sig!.toUpperCase() },
      { ...query, sig: query.sig!.slice(2) },
      { ...query, exp: `0${query.exp}` },
      { ...query, exp: [query.exp, query.exp] },
    ]) {
      expect(codeOf(() => verifySignature(SIGNING.secret, prefix, bad, NOW)), JSON.stringify(bad)).toBe('forbidden');
    }
    expect(codeOf(() => verifySignature('another-secret-0123456789', prefix, query, NOW))).toBe('forbidden');
    expect(codeOf(() => verifySignature(SIGNING.secret, '/hls/AnotherIdAnotherIdAnot/', query, NOW))).toBe('forbidden');
    expect(codeOf(() => verifySignature(SIGNING.secret, `/recordings/${ID}/`, query, NOW))).toBe('forbidden');
  });

  it('appends after an existing query and before a fragment', () => {
    expect(withQuery('a.m4s', 'exp=1&sig=f')).toBe('a.m4s?exp=1&sig=f');
    expect(withQuery('index.m3u8?_HLS_msn=3', 'exp=1&sig=f')).toBe('index.m3u8?_HLS_msn=3&exp=1&sig=f');
    expect(withQuery('a.mp4#t=2', 'exp=1&sig=f')).toBe('a.mp4?exp=1&sig=f#t=2');
  });
});

describe('playlist rewriting', () => {
  const q = 'exp=5&sig=ab';

  it('carries the signature into every URI of a live media playlist', () => {
    const media = [
      '#EXTM3U',
      '#EXT-X-VERSION:9',
      '#EXT-X-TARGETDURATION:2',
      '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.000',
      '#EXT-X-PART-INF:PART-TARGET=0.33333',
      '#EXT-X-MEDIA-SEQUENCE:3',
      '#EXT-X-MAP:URI="init.mp4"',
      '#EXTINF:2.00000,',
      'seg3.m4s',
      '#EXT-X-PART:DURATION=0.33333,URI="part12.m4s",INDEPENDENT=YES',
      '#EXT-X-PART:DURATION=0.33333,URI="part13.m4s"',
      '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part14.m4s"',
      '#EXT-X-RENDITION-REPORT:URI="../360p/index.m3u8",LAST-MSN=4,LAST-PART=1',
      '',
    ].join('\n');
    expect(signPlaylist(media, q)).toBe([
      '#EXTM3U',
      '#EXT-X-VERSION:9',
      '#EXT-X-TARGETDURATION:2',
      '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.000',
      '#EXT-X-PART-INF:PART-TARGET=0.33333',
      '#EXT-X-MEDIA-SEQUENCE:3',
      `#EXT-X-MAP:URI="init.mp4?${q}"`,
      '#EXTINF:2.00000,',
      `seg3.m4s?${q}`,
      `#EXT-X-PART:DURATION=0.33333,URI="part12.m4s?${q}",INDEPENDENT=YES`,
      `#EXT-X-PART:DURATION=0.33333,URI="part13.m4s?${q}"`,
      `#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part14.m4s?${q}"`,
      `#EXT-X-RENDITION-REPORT:URI="../360p/index.m3u8?${q}",LAST-MSN=4,LAST-PART=1`,
      '',
    ].join('\n'));
  });

  it('carries it into the variant lines of a master playlist, leaving comments and blank lines', () => {
    const master = '#EXTM3U\n# a comment\n#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2"\n360p/index.m3u8\n\n';
    expect(signPlaylist(master, q)).toBe(
      `#EXTM3U\n# a comment\n#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2"\n360p/index.m3u8?${q}\n\n`,
    );
  });

  it('keeps CRLF line ends', () => {
    expect(signPlaylist('#EXTM3U\r\n#EXT-X-MAP:URI="init.mp4"\r\nseg0.m4s\r\n', q)).toBe(`#EXTM3U\r\n#EXT-X-MAP:URI="init.mp4?${q}"\r\nseg0.m4s?${q}\r\n`);
  });
});
