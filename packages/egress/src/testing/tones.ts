/** Mono s16le samples as numbers in -1 … 1. */
export function samples(pcm: Buffer): Float64Array {
  const out = new Float64Array(pcm.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = pcm.readInt16LE(i * 2) / 32768;
  return out;
}

/** The dominant frequency of a pure tone, from its zero crossings (rising and falling). */
export function zeroCrossingHz(pcm: Buffer, sampleRate: number): number {
  const s = samples(pcm);
  let crossings = 0;
  for (let i = 1; i < s.length; i++) if ((s[i - 1]! < 0 && s[i]! >= 0) || (s[i - 1]! >= 0 && s[i]! < 0)) crossings++;
  return crossings / 2 / (s.length / sampleRate);
}

/** Magnitude of one frequency in the signal (a single DFT bin, normalised: a full-scale sine gives 0.5). */
export function toneLevel(pcm: Buffer, sampleRate: number, hz: number): number {
  const s = samples(pcm);
  let re = 0;
  let im = 0;
  for (let i = 0; i < s.length; i++) {
    const phase = (2 * Math.PI * hz * i) / sampleRate;
    re += s[i]! * Math.cos(phase);
    im -= s[i]! * Math.sin(phase);
  }
  return Math.hypot(re, im) / s.length;
}
