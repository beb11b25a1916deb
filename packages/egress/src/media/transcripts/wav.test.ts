import { describe, expect, it } from 'vitest';
import { buildWav, parseWav } from './wav.js';

describe('buildWav', () => {
  it('writes a 44-byte PCM header FFmpeg and Whisper read as 16 kHz mono s16', () => {
    const pcm = Buffer.from([1, 0, 2, 0, 0xff, 0x7f]);
    const wav = buildWav(pcm, 16_000);
    expect(wav.length).toBe(44 + 6);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(36 + 6);
    expect(wav.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect(wav.readUInt32LE(16)).toBe(16);
    expect(wav.readUInt16LE(20)).toBe(1);
    expect(wav.readUInt16LE(22)).toBe(1);
    expect(wav.readUInt32LE(24)).toBe(16_000);
    expect(wav.readUInt32LE(28)).toBe(32_000);
    expect(wav.readUInt16LE(32)).toBe(2);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.toString('ascii', 36, 40)).toBe('data');
    expect(wav.readUInt32LE(40)).toBe(6);
    expect(wav.subarray(44)).toEqual(pcm);
  });

  it('copies the samples (the caller may reuse its buffer)', () => {
    const pcm = Buffer.from([1, 2, 3, 4]);
    const wav = buildWav(pcm, 16_000);
    pcm.fill(0);
    expect([...wav.subarray(44)]).toEqual([1, 2, 3, 4]);
  });

  it('round-trips through parseWav', () => {
    const info = parseWav(buildWav(Buffer.alloc(640), 48_000, 2));
    expect(info).toMatchObject({ format: 1, channels: 2, sampleRate: 48_000, bitsPerSample: 16 });
    expect(info.data.length).toBe(640);
  });

  it('parseWav refuses what is not a whole WAV', () => {
    expect(() => parseWav(Buffer.from('not a wav file at all, really'))).toThrow(/RIFF/);
    expect(() => parseWav(buildWav(Buffer.alloc(100), 16_000).subarray(0, 100))).toThrow(/truncated/);
  });
});
