import { describe, expect, it } from 'vitest';
import { COMMON_INPUT } from './decoderArgs.js';
import { opusCopyArgs, opusEncoderArgs, pcmDecoderArgs, SPEECH_PCM_RATE, videoTranscoderArgs } from './mediaStreamArgs.js';

const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('media stream FFmpeg arguments', () => {
  it('decodes a microphone to mono PCM at the asked rate, from loopback RTP only, flushed per packet', () => {
    const args = pcmDecoderArgs('/tmp/x/input.sdp', 16000);
    expect(args.slice(0, COMMON_INPUT.length)).toEqual(COMMON_INPUT);
    expect(after(args, '-localaddr')).toBe('127.0.0.1');
    expect(after(args, '-i')).toBe('/tmp/x/input.sdp');
    expect(after(args, '-ar')).toBe('16000');
    expect(after(args, '-ac')).toBe('1');
    expect(after(args, '-flush_packets')).toBe('1');
    expect(args.join(' ')).not.toContain('async');
    expect(args.at(-1)).toBe('pipe:1');
  });

  it('copies Opus into small Ogg pages on stdout and PCM for the speech detector on fd 3', () => {
    const args = opusCopyArgs('/tmp/x/input.sdp');
    expect(after(args, '-c:a')).toBe('copy');
    expect(after(args, '-page_duration')).toBe('20000');
    expect(args.indexOf('pipe:1')).toBeLessThan(args.indexOf('pipe:3'));
    expect(args.slice(args.indexOf('pipe:1'))).toContain(String(SPEECH_PCM_RATE));
    expect(args.filter((a) => a === '-flush_packets')).toHaveLength(2);
  });

  it('encodes the mix to 20 ms Opus frames from stdin', () => {
    const args = opusEncoderArgs(48000);
    expect(after(args, '-i')).toBe('pipe:0');
    expect(after(args, '-ar')).toBe('48000');
    expect(after(args, '-c:a')).toBe('libopus');
    expect(after(args, '-frame_duration')).toBe('20');
    expect(after(args, '-f')).toBe('s16le');
    expect(args.at(-1)).toBe('pipe:1');
  });

  it('transcodes to low-latency constrained-baseline H.264 with delimiters and headers at every 2 s keyframe', () => {
    const args = videoTranscoderArgs('/tmp/x/input.sdp', { codec: 'h264', fps: 15, width: 640 });
    expect(after(args, '-vf')).toBe('fps=15,scale=640:-2:flags=bilinear');
    expect(after(args, '-c:v')).toBe('libx264');
    expect(after(args, '-tune')).toBe('zerolatency');
    expect(after(args, '-profile:v')).toBe('baseline');
    expect(after(args, '-g')).toBe('30');
    expect(after(args, '-x264-params')).toBe('repeat-headers=1:aud=1');
    expect(args.slice(-4)).toEqual(['h264', '-flush_packets', '1', 'pipe:1']);
  });

  it('transcodes to JPEG pictures at a low rate', () => {
    const args = videoTranscoderArgs('/tmp/x/input.sdp', { codec: 'jpeg', fps: 1, width: 320 });
    expect(after(args, '-vf')).toBe('fps=1,scale=320:-2:flags=bilinear');
    expect(after(args, '-c:v')).toBe('mjpeg');
    expect(after(args, '-q:v')).toBe('5');
    expect(args).not.toContain('libx264');
  });
});
