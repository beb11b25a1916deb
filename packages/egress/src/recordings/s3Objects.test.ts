import { describe, expect, it } from 'vitest';
import { assetEntry, contentTypeOf, hlsVodFiles, objectKey, objectUrl } from './s3Objects.js';

const location = { bucket: 'media', prefix: 'recordings/', region: 'us-east-1', forcePathStyle: true };

describe('S3 objects of a recording', () => {
  it('keys mirror the recording directory under the prefix', () => {
    expect(objectKey('recordings/', 'ls_abc', 'master.m3u8')).toBe('recordings/ls_abc/master.m3u8');
    expect(objectKey('recordings/', 'ls_abc', '720p/seg3.m4s')).toBe('recordings/ls_abc/720p/seg3.m4s');
    expect(objectKey('', 'ls_abc', '360p\\init.mp4')).toBe('ls_abc/360p/init.mp4');
    expect(objectKey('a/b-', 'x', 'recording.mp4')).toBe('a/b-x/recording.mp4');
  });

  it('gives each file the content type the server sends', () => {
    expect(contentTypeOf('master.m3u8')).toBe('application/vnd.apple.mpegurl');
    expect(contentTypeOf('720p/index.m3u8')).toBe('application/vnd.apple.mpegurl');
    expect(contentTypeOf('720p/seg0.m4s')).toBe('video/iso.segment');
    expect(contentTypeOf('720p/init.mp4')).toBe('video/mp4');
    expect(contentTypeOf('recording.mp4')).toBe('video/mp4');
    expect(contentTypeOf('recording.json')).toBe('application/octet-stream');
  });

  it('builds object URLs: path style, virtual host, AWS', () => {
    expect(objectUrl({ ...location, endpoint: 'http://127.0.0.1:9000' }, 'recordings/x/master.m3u8')).toBe('http://127.0.0.1:9000/media/recordings/x/master.m3u8');
    expect(objectUrl({ ...location, endpoint: 'https://s3.example.com/base/', forcePathStyle: false }, 'r/x y.mp4')).toBe('https://media.s3.example.com/base/r/x%20y.mp4');
    expect(objectUrl({ ...location, region: 'eu-west-3' }, 'r/x.mp4')).toBe('https://media.s3.eu-west-3.amazonaws.com/r/x.mp4');
  });

  it('points an asset at its master playlist or MP4', () => {
    expect(assetEntry('hls_vod')).toBe('master.m3u8');
    expect(assetEntry('mp4')).toBe('recording.mp4');
  });

  it('lists every file of an HLS VOD, parts and foreign paths left out', () => {
    const playlist = [
      '#EXTM3U',
      '#EXT-X-MAP:URI="init.mp4"',
      '#EXT-X-PART:DURATION=0.333,URI="part0.m4s"',
      '#EXTINF:2.0,',
      'seg0.m4s',
      '#EXTINF:2.0,',
      'seg1.m4s',
      '../../etc/passwd',
      '#EXT-X-ENDLIST',
    ].join('\n');
    expect(hlsVodFiles([{ rendition: '720p', playlist }, { rendition: '360p', playlist: '#EXTM3U\n#EXTINF:2.0,\nseg0.m4s\n' }])).toEqual([
      'master.m3u8',
      '720p/index.m3u8',
      '720p/init.mp4',
      '720p/seg0.m4s',
      '720p/seg1.m4s',
      '360p/index.m3u8',
      '360p/init.mp4',
      '360p/seg0.m4s',
    ]);
  });
});
