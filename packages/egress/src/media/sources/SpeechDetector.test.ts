import { describe, expect, it } from 'vitest';
import { rms, SpeechDetector } from './SpeechDetector.js';

/** 20 ms of a 440 Hz sine at 16 kHz with this peak amplitude. */
function tone(amplitude: number, samples = 320): Buffer {
  const b = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) b.writeInt16LE(Math.round(amplitude * Math.sin((2 * Math.PI * 440 * i) / 16000)), i * 2);
  return b;
}

describe('SpeechDetector', () => {
  it('measures RMS', () => {
    expect(rms(Buffer.alloc(0))).toBe(0);
    expect(rms(tone(0))).toBe(0);
    expect(rms(tone(10000))).toBeCloseTo(10000 / Math.SQRT2, -2);
  });

  it('is silent on silence and faint noise, speech on a loud frame', () => {
    const detector = new SpeechDetector();
    expect(detector.push(tone(0), 20)).toBe(false);
    // -50 dBFS peak: under the -45 dBFS default.
    expect(detector.push(tone(32768 * 10 ** (-50 / 20)), 20)).toBe(false);
    expect(detector.push(tone(4000), 20)).toBe(true);
    expect(detector.speaking).toBe(true);
  });

  it('holds speech for the hangover after the last loud frame, then drops it', () => {
    const detector = new SpeechDetector({ hangoverMs: 300 });
    detector.push(tone(4000), 20);
    const after = Array.from({ length: 20 }, () => detector.push(tone(0), 20));
    // 300 ms of 20 ms frames: 15 frames still speech, then none.
    expect(after.filter(Boolean)).toHaveLength(15);
    expect(after.slice(0, 15).every(Boolean)).toBe(true);
    expect(after.slice(15).some(Boolean)).toBe(false);
    expect(detector.speaking).toBe(false);
  });

  it('restarts the hangover on each loud frame', () => {
    const detector = new SpeechDetector({ hangoverMs: 40 });
    detector.push(tone(4000), 20);
    expect(detector.push(tone(0), 20)).toBe(true);
    expect(detector.push(tone(4000), 20)).toBe(true);
    expect(detector.push(tone(0), 20)).toBe(true);
    expect(detector.push(tone(0), 20)).toBe(true);
    expect(detector.push(tone(0), 20)).toBe(false);
  });

  it('takes its threshold from the options', () => {
    const detector = new SpeechDetector({ thresholdDbfs: -10, hangoverMs: 0 });
    expect(detector.push(tone(4000), 20)).toBe(false);
    expect(detector.push(tone(30000), 20)).toBe(true);
  });
});
