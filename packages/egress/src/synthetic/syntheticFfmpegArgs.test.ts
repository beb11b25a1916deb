import { describe, expect, it } from 'vitest';
import { buildSyntheticFfmpegArgs, displayName, type SyntheticArgsSpec } from './syntheticFfmpegArgs.js';
import { defaultToneFrequency, syntheticAudioRtpParameters, syntheticVideoRtpParameters } from './syntheticRtp.js';

const video = { width: 320, height: 240, fps: 15, bitrateKbps: 300, payloadType: 101, ssrc: 222, port: 40000, drawText: true };
const audio = { frequency: 440, payloadType: 100, ssrc: 111, port: 40002 };
// 2024-01-01T01:00:00.500Z: 3600.5 s into the UTC day.
const base: SyntheticArgsSpec = { name: 'alice', marker: 'roomcast-synthetic-abc', startedAtMs: Date.UTC(2024, 0, 1, 1, 0, 0, 500), video, audio };

/** The value following `flag` at its n-th occurrence. */
function valueOf(args: string[], flag: string, nth = 0): string | undefined {
  const indexes = args.flatMap((a, i) => (a === flag ? [i] : []));
  const index = indexes[nth];
  return index === undefined ? undefined : args[index + 1];
}

describe('buildSyntheticFfmpegArgs', () => {
  it('reads two realtime lavfi inputs: testsrc2 at the asked size/rate and a sine at the asked pitch', () => {
    const args = buildSyntheticFfmpegArgs(base);
    expect(args.filter((a) => a === '-re')).toHaveLength(2);
    expect(valueOf(args, '-i', 0)).toMatch(/^testsrc2=size=320x240:rate=15,drawtext=/);
    expect(valueOf(args, '-i', 1)).toBe('sine=frequency=440:sample_rate=48000');
    expect(args).not.toContain('-y');
  });

  it('burns in the name and a wall clock offset by the spawn time of day', () => {
    const graph = valueOf(buildSyntheticFfmpegArgs(base), '-i', 0) ?? '';
    expect(graph).toContain("text='alice %{pts\\:hms\\:3600.500} #%{n}'");
    expect(graph).not.toContain('fontfile');
    const withFont = valueOf(buildSyntheticFfmpegArgs({ ...base, video: { ...video, fontFile: '/f/Sans.ttf' } }), '-i', 0);
    expect(withFont).toContain("fontfile='/f/Sans.ttf'");
  });

  it('burns in the machine-readable clock only when asked, after the text', () => {
    expect(valueOf(buildSyntheticFfmpegArgs(base), '-i', 0)).not.toContain('drawbox');
    const graph = valueOf(buildSyntheticFfmpegArgs({ ...base, video: { ...video, clockBarcode: true } }), '-i', 0) ?? '';
    expect(graph).toMatch(/drawtext=.*,drawbox=x=0:y=0:w=iw:h=ih\/16:color=black:t=fill,/);
    expect(graph.match(/drawbox=/g)).toHaveLength(27);
  });

  it('flashes and beeps together only when asked: a white frame last in the graph, a gated beep instead of the sine', () => {
    const plain = buildSyntheticFfmpegArgs(base);
    expect(valueOf(plain, '-i', 0)).not.toContain('h=ih:color=white');
    expect(valueOf(plain, '-i', 1)).toBe('sine=frequency=440:sample_rate=48000');
    const args = buildSyntheticFfmpegArgs({ ...base, avMarks: true });
    expect(valueOf(args, '-i', 0)).toMatch(/,drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='lt\(mod\(n,30\),2\)'$/);
    expect(valueOf(args, '-i', 1)).toMatch(/^aevalsrc=exprs='0\.5\*sin\(2\*PI\*1000\*t\)\*lt\(mod\(n\\,96000\)\\,4800\)':sample_rate=48000$/);
    expect(args.filter((a) => a === '-re')).toHaveLength(2);
  });

  it('leaves the text out when drawtext is unusable', () => {
    const args = buildSyntheticFfmpegArgs({ ...base, video: { ...video, drawText: false } });
    expect(valueOf(args, '-i', 0)).toBe('testsrc2=size=320x240:rate=15');
  });

  it('encodes realtime VP8 with a keyframe every 2 s and sends it to the video port', () => {
    const args = buildSyntheticFfmpegArgs(base);
    expect(valueOf(args, '-c:v')).toBe('libvpx');
    expect(valueOf(args, '-b:v')).toBe('300k');
    expect(valueOf(args, '-deadline')).toBe('realtime');
    expect(valueOf(args, '-cpu-used')).toBe('8');
    expect(valueOf(args, '-g')).toBe('30');
    expect(valueOf(args, '-keyint_min')).toBe('30');
    expect(valueOf(args, '-payload_type', 0)).toBe('101');
    expect(valueOf(args, '-ssrc', 0)).toBe('222');
    expect(args).toContain('rtp://127.0.0.1:40000?rtcpport=40000&pkt_size=1200');
  });

  it('encodes Opus and sends it to the audio port', () => {
    const args = buildSyntheticFfmpegArgs(base);
    expect(valueOf(args, '-map', 1)).toBe('1:a:0');
    expect(valueOf(args, '-c:a')).toBe('libopus');
    expect(valueOf(args, '-payload_type', 1)).toBe('100');
    expect(valueOf(args, '-ssrc', 1)).toBe('111');
    expect(args.at(-1)).toBe('rtp://127.0.0.1:40002?rtcpport=40002&pkt_size=1200');
  });

  it('sends no RTCP, whose separate source port would mislead a comedia transport', () => {
    const args = buildSyntheticFfmpegArgs(base);
    expect(args.filter((a) => a === 'skip_rtcp')).toHaveLength(2);
  });

  it('carries the marker so the process can be found', () => {
    expect(buildSyntheticFfmpegArgs(base)).toContain('comment=roomcast-synthetic-abc');
  });

  it('builds audio-only and video-only commands, and refuses neither', () => {
    const audioOnly = buildSyntheticFfmpegArgs({ ...base, video: undefined });
    expect(valueOf(audioOnly, '-map')).toBe('0:a:0');
    expect(audioOnly).not.toContain('-c:v');
    const videoOnly = buildSyntheticFfmpegArgs({ ...base, audio: undefined });
    expect(videoOnly).not.toContain('-c:a');
    expect(() => buildSyntheticFfmpegArgs({ ...base, video: undefined, audio: undefined })).toThrow();
  });

  it('scales the gop with the frame rate', () => {
    expect(valueOf(buildSyntheticFfmpegArgs({ ...base, video: { ...video, fps: 30 } }), '-g')).toBe('60');
  });
});

describe('displayName', () => {
  it('keeps letters, digits and a few safe signs; replaces what would need filtergraph escaping', () => {
    expect(displayName('Zoë Bot-1')).toBe('Zoë Bot-1');
    expect(displayName("a'b:c\\d%{n}")).toBe('a_b_c_d__n_');
    expect(displayName('')).toBe('_');
    expect(displayName('x'.repeat(50))).toHaveLength(32);
  });
});

describe('synthetic RTP parameters', () => {
  it('match the payload types and SSRCs FFmpeg sends', () => {
    expect(syntheticVideoRtpParameters().codecs[0]).toMatchObject({ mimeType: 'video/VP8', payloadType: 101 });
    expect(syntheticAudioRtpParameters().codecs[0]).toMatchObject({ mimeType: 'audio/opus', payloadType: 100, channels: 2 });
  });

  it('gives neighbouring participants different tones', () => {
    expect(defaultToneFrequency(0)).not.toBe(defaultToneFrequency(1));
    expect(defaultToneFrequency(8)).toBe(defaultToneFrequency(0));
  });
});
