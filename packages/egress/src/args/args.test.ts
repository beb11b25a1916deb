import { describe, expect, it } from 'vitest';
import { qualityPreset } from '../composite/presets.js';
import { audioDecoderArgs, videoDecoderArgs } from './decoderArgs.js';
import { encoderArgs } from './encoderArgs.js';
import { destinationUrl, redactStreamKey, relayArgs } from './relayArgs.js';

const valueOf = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('FFmpeg argument builders', () => {
  it('lets decoders open only the SDP file and RTP over UDP, without probing', () => {
    for (const args of [videoDecoderArgs({ sdpPath: '/tmp/x/input.sdp', width: 320, height: 180 }), audioDecoderArgs('/tmp/x/input.sdp')]) {
      expect(valueOf(args, '-protocol_whitelist')).toBe('file,udp,rtp');
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
    const args = relayArgs('rtmp://host/app/key');
    expect(valueOf(args, '-c')).toBe('copy');
    expect(valueOf(args, '-protocol_whitelist')).toBe('pipe');
    expect(args.at(-1)).toBe('rtmp://host/app/key');
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
    expect(destinationUrl('rtmp://a.rtmp.youtube.com/live2/', 'abcd-1234')).toBe('rtmp://a.rtmp.youtube.com/live2/abcd-1234');
    expect(destinationUrl('rtmps://live.example/app')).toBe('rtmps://live.example/app');
    const line = "[flv] rtmp://a.rtmp.youtube.com/live2/abcd-1234: Connection refused, key abcd-1234";
    const redacted = redactStreamKey(line, 'abcd-1234');
    expect(redacted).not.toContain('abcd-1234');
    expect(redactStreamKey('rtmp://host/app/secretpath', undefined)).toBe('rtmp://host/app/[redacted]');
  });
});
