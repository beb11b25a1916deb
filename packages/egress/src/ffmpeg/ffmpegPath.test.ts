import { describe, expect, it } from 'vitest';
import { resolveFfmpegPath, resolveFfprobePath } from './ffmpegPath.js';

const present = (): boolean => true;
const absent = (): boolean => false;

describe('resolveFfmpegPath', () => {
  it('prefers FFMPEG_PATH over everything', () => {
    const path = resolveFfmpegPath({ env: { FFMPEG_PATH: '/opt/ff/ffmpeg' }, staticBinary: () => '/static/ffmpeg', exists: present });
    expect(path).toBe('/opt/ff/ffmpeg');
  });

  it("uses ffmpeg-static's binary when it exists on disk", () => {
    expect(resolveFfmpegPath({ env: {}, staticBinary: () => '/static/ffmpeg', exists: present })).toBe('/static/ffmpeg');
  });

  it("ignores ffmpeg-static's path when its download failed (file missing)", () => {
    expect(resolveFfmpegPath({ env: {}, staticBinary: () => '/static/ffmpeg', exists: absent })).toBe('ffmpeg');
  });

  it('falls back to PATH when ffmpeg-static is not installed or has no binary for this platform', () => {
    expect(resolveFfmpegPath({ env: {}, staticBinary: () => undefined, exists: present })).toBe('ffmpeg');
    expect(resolveFfmpegPath({ env: {}, staticBinary: () => null, exists: present })).toBe('ffmpeg');
  });

  it('ignores an empty FFMPEG_PATH', () => {
    expect(resolveFfmpegPath({ env: { FFMPEG_PATH: '' }, staticBinary: () => undefined })).toBe('ffmpeg');
  });

  it('resolves something usable on this machine with the real sources', () => {
    expect(resolveFfmpegPath()).toMatch(/ffmpeg$/);
  });
});

describe('resolveFfprobePath', () => {
  it('prefers FFPROBE_PATH, else ffprobe on PATH', () => {
    expect(resolveFfprobePath({ FFPROBE_PATH: '/opt/ff/ffprobe' })).toBe('/opt/ff/ffprobe');
    expect(resolveFfprobePath({})).toBe('ffprobe');
  });
});
