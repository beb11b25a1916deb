import { describe, expect, it } from 'vitest';
import { qualityPreset } from '../composite/presets.js';
import { audioDecoderArgs, videoDecoderArgs } from './decoderArgs.js';
import { encoderArgs } from './encoderArgs.js';
import { redactStreamKey, relayArgs, relayOptionsText, relayTarget } from './relayArgs.js';

const valueOf = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('FFmpeg argument builders', () => {
  it('lets decoders open only the SDP file and RTP over UDP, without probing', () => {
    for (const args of [videoDecoderArgs({ sdpPath: '/tmp/x/input.sdp', width: 320, height: 180 }), audioDecoderArgs('/tmp/x/input.sdp')]) {
      expect(valueOf(args, '-protocol_whitelist')).toBe('file,udp,rtp,srtp');
      expect(valueOf(args, '-analyzeduration')).toBe('0');
      expect(args.indexOf('-protocol_whitelist')).toBeLessThan(args.indexOf('-i'));
    }
  });

  it('decodes video at the tile size, letterboxed, one raw frame per decoded frame', () => {
    const args = videoDecoderArgs({ sdpPath: 's.sdp', width: 320, height: 180, labelFile: '/tmp/x/label.txt' });
    expect(valueOf(args, '-vf')).toMatch(/^scale=w='if\(.*\)':h=.*force_original_aspect_ratio=decrease.*,crop=.*,pad=320:180:.*drawtext=textfile=\/tmp\/x\/label.txt:expansion=none/);
    expect(valueOf(args, '-fps_mode')).toBe('passthrough');
    expect(args.slice(-5)).toEqual(['-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1']);
  });

  it('encodes the preset with a fixed 2 s GOP and capped bitrate, for RTMP ingest', () => {
    const args = encoderArgs(qualityPreset('720p'));
    expect(valueOf(args, '-s')).toBe('1280x720');
    expect(valueOf(args, '-g')).toBe('60');
    expect(valueOf(args, '-keyint_min')).toBe('60');
    expect(valueOf(args, '-sc_threshold')).toBe('0');
    expect(valueOf(args, '-maxrate')).toBe('3000k');
    expect(valueOf(args, '-c:a')).toBe('aac');
    expect(valueOf(args, '-aac_coder')).toBe('fast');
    expect(args.at(-1)).toBe('pipe:1');
  });

  it("grabs a web layout's display itself at the composite's size and rate, the mixed audio still on fd 3", () => {
    const display = { kind: 'display', display: ':42', xauthority: '/tmp/x/Xauthority' } as const;
    const args = encoderArgs(qualityPreset('360p'), {}, { width: 1280, height: 720 }, display);
    expect(valueOf(args, '-f')).toBe('x11grab');
    expect(valueOf(args, '-video_size')).toBe('1280x720');
    expect(valueOf(args, '-framerate')).toBe('30');
    expect(valueOf(args, '-i')).toBe(':42');
    expect(args).not.toContain('pipe:0');
    expect(args.filter((a) => a === '-i')).toHaveLength(2);
    expect(args[args.lastIndexOf('-i') + 1]).toBe('pipe:3');
    // Its start time is read from FFmpeg's input description (info level), and a late grab never leaves a hole.
    expect(valueOf(args, '-loglevel')).toBe('info');
    expect(args).toContain('-nostats');
    expect(valueOf(args, '-fps_mode')).toBe('cfr');
    expect(valueOf(args, '-vf')).toBe('scale=640:360');
    // The cookie reaches FFmpeg through its environment, never its arguments.
    expect(args.join(' ')).not.toContain('Xauthority');
    expect(valueOf(encoderArgs(qualityPreset('360p')), '-loglevel')).toBe('warning');
  });

  it('a lower encode reads the composite\'s size and scales to its own preset; the top one does not scale', () => {
    expect(encoderArgs(qualityPreset('720p'))).not.toContain('-vf');
    const args = encoderArgs(qualityPreset('360p'), {}, { width: 1280, height: 720 });
    expect(valueOf(args, '-s')).toBe('1280x720');
    expect(valueOf(args, '-vf')).toBe('scale=640:360');
    expect(args.indexOf('-vf')).toBeGreaterThan(args.indexOf('pipe:3'));
    expect(valueOf(args, '-b:v')).toBe('1000k');
  });

  it('encodes up to 720p on one x264 thread and leaves bigger frames to x264, unless told', () => {
    expect(valueOf(encoderArgs(qualityPreset('720p')), '-threads')).toBe('1');
    expect(valueOf(encoderArgs(qualityPreset('720p-portrait')), '-threads')).toBe('1');
    expect(valueOf(encoderArgs(qualityPreset('1080p')), '-threads')).toBe('0');
    const tuned = encoderArgs(qualityPreset('720p'), { speed: 'superfast', threads: 2 });
    expect(valueOf(tuned, '-threads')).toBe('2');
    expect(valueOf(tuned, '-preset')).toBe('superfast');
    expect(valueOf(encoderArgs(qualityPreset('720p')), '-preset')).toBe('veryfast');
  });

  it('relays by copying, to the destination URL only', () => {
    const args = relayArgs('rtmp://host:1935');
    expect(valueOf(args, '-c')).toBe('copy');
    expect(valueOf(args, '-protocol_whitelist')).toBe('pipe');
    expect(args.at(-1)).toBe('rtmp://host:1935');
    // The rest of the destination (app, key) is a per-output preset read from fd 3, before the URL.
    expect(args.slice(-3)).toEqual(['-fpre', '/dev/fd/3', 'rtmp://host:1935']);
  });

  it('checks an rtmps:// certificate unless told not to, with a private CA when given one', () => {
    const rtmps = 'rtmps://live.example:443/app/key';
    expect(valueOf(relayArgs(rtmps), '-tls_verify')).toBe('1');
    expect(relayArgs(rtmps)).not.toContain('-ca_file');
    const privateCa = relayArgs(rtmps, { tls: { verify: true, caFile: '/etc/roomcast/ca.pem' } });
    expect(valueOf(privateCa, '-ca_file')).toBe('/etc/roomcast/ca.pem');
    expect(privateCa.at(-1)).toBe(rtmps);
    expect(relayArgs(rtmps, { tls: { verify: false } })).not.toContain('-tls_verify');
    expect(relayArgs('rtmp://host/app/key')).not.toContain('-tls_verify');
  });

  it('joins stream URL and key, and redacts the key from anything shown', () => {
    expect(relayTarget('rtmp://a.rtmp.youtube.com/live2/', 'abcd-1234').options).toMatchObject({ rtmp_app: 'live2', rtmp_playpath: 'abcd-1234' });
    expect(relayTarget('rtmps://live.example/app').options).toMatchObject({ rtmp_app: 'app' });
    const line = "[flv] rtmp://a.rtmp.youtube.com/live2/abcd-1234: Connection refused, key abcd-1234";
    const redacted = redactStreamKey(line, 'abcd-1234');
    expect(redacted).not.toContain('abcd-1234');
    expect(redactStreamKey('rtmp://host/app/secretpath', undefined)).toBe('rtmp://host/app/[redacted]');
  });

  it('puts nothing secret on the command line: app, key and tcUrl go to the fd 3 preset', () => {
    const key = 'sk_live_SECRET?x=1';
    const target = relayTarget('rtmp://a.rtmp.youtube.com/live2', key);
    expect(target.connectUrl).toBe('rtmp://a.rtmp.youtube.com:1935');
    const args = relayArgs(target.connectUrl);
    expect(args.join(' ')).not.toContain('SECRET');
    expect(args.join(' ')).not.toContain('live2');
    expect(relayOptionsText(target.options)).toBe(
      'rtmp_tcurl=rtmp://a.rtmp.youtube.com:1935/live2\nrtmp_app=live2\nrtmp_playpath=sk_live_SECRET?x=1\n',
    );
  });

  it('splits a URL without a key into app and play path the way FFmpeg does', () => {
    const split = (url: string) => {
      const { rtmp_app, rtmp_playpath } = relayTarget(url).options;
      return [rtmp_app, rtmp_playpath];
    };
    expect(split('rtmp://h/live/stream')).toEqual(['live', 'stream']);
    expect(split('rtmp://h/app/inst/stream')).toEqual(['app/inst', 'stream']);
    expect(split('rtmp://h/a/b/c/d')).toEqual(['a/b', 'c/d']);
    expect(split('rtmp://h/live/mp4:name/x')).toEqual(['live', 'mp4:name/x']);
    expect(split('rtmp://h/live/movie.flv')).toEqual(['live', 'movie']);
    expect(split('rtmp://h/live/movie.mp4')).toEqual(['live', 'mp4:movie.mp4']);
    expect(split('rtmp://h/live')).toEqual(['live', undefined]);
    expect(split('rtmp://h')).toEqual([undefined, undefined]);
    // With a key, the whole path is the app (Facebook's `rtmp/`, a query string kept).
    expect(relayTarget('rtmps://live-api-s.facebook.com:443/rtmp/', 'FB-1?s=2').options).toMatchObject({ rtmp_app: 'rtmp', rtmp_playpath: 'FB-1?s=2' });
    expect(relayTarget('rtmp://h/app/inst', 'k').options).toMatchObject({ rtmp_app: 'app/inst', rtmp_playpath: 'k' });
  });

  it('connects to the address the policy resolved, keeping the name for tcUrl and the TLS check', () => {
    const plain = relayTarget('rtmp://ingest.example/live', 'k', '203.0.113.7');
    expect(plain.connectUrl).toBe('rtmp://203.0.113.7:1935');
    expect(plain.options.rtmp_tcurl).toBe('rtmp://ingest.example:1935/live');
    expect(plain.verifyHost).toBeUndefined();
    const tls = relayTarget('rtmps://ingest.example/live', 'k', '2001:db8::7');
    expect(tls.connectUrl).toBe('rtmps://[2001:db8::7]:443');
    expect(tls.verifyHost).toBe('ingest.example');
    const args = relayArgs(tls.connectUrl, { verifyHost: tls.verifyHost, tls: { verify: true } });
    expect(valueOf(args, '-verifyhost')).toBe('ingest.example');
    expect(valueOf(args, '-tls_verify')).toBe('1');
    expect(args.indexOf('-verifyhost')).toBeLessThan(args.indexOf('-fpre'));
    // An address given as such is used as it is: no name to check against.
    expect(relayTarget('rtmps://198.51.100.1:8443/app', 'k', '198.51.100.1')).toMatchObject({ connectUrl: 'rtmps://198.51.100.1:8443', verifyHost: undefined });
  });

  it('refuses option lines FFmpeg would split (and then print back)', () => {
    expect(() => relayOptionsText({ rtmp_playpath: 'k'.repeat(1000) })).toThrow();
    expect(() => relayOptionsText({ rtmp_playpath: 'a\nrtmp_app=x' })).toThrow();
  });

  it('redacts keys, user info, URL paths and RTMP option values, also across lines', () => {
    const key = 'abcd-1234';
    // Fixed: the key's placeholder used to be re-redacted as a path, printing `[redacted] key]`.
    const joined = redactStreamKey(`[flv] rtmp://a.rtmp.youtube.com/live2/${key}: Connection refused, key ${key}`, key);
    expect(joined).toBe('[flv] rtmp://a.rtmp.youtube.com/live2/[redacted]: Connection refused, key [redacted]');
    expect(joined).not.toContain('key]');
    expect(redactStreamKey('tcp://bob:hunter22@host:1935 failed', undefined)).toBe('tcp://[redacted]@host:1935 failed');
    expect(redactStreamKey('rtmp://user:pw@h/live', undefined)).not.toContain('pw');
    expect(redactStreamKey("Invalid option: 'rtmp_playpath=zzz-secret'", undefined)).not.toContain('zzz-secret');
    expect(redactStreamKey('rtmp://h/live?token=abc', undefined)).toBe('rtmp://h/live?[redacted]');
    // A key with a line break (the schemas refuse one now) is caught line by line too.
    const split = 'first-half\nsecond-half';
    const out = redactStreamKey(`x first-half | y\nsecond-half z\n${split}`, split);
    expect(out).not.toMatch(/first-half|second-half/);
  });
});
