/**
 * Level of s16le samples in dB relative to full scale (RMS); -Infinity for digital silence.
 * A trailing odd byte is ignored.
 */
export function levelDbfs(pcm: Buffer, from = 0, to = pcm.length): number {
  const end = from + Math.floor((to - from) / 2) * 2;
  const samples = (end - from) / 2;
  if (samples === 0) return -Infinity;
  let sum = 0;
  for (let i = from; i < end; i += 2) {
    const s = pcm.readInt16LE(i);
    sum += s * s;
  }
  return 10 * Math.log10(sum / samples / (32768 * 32768));
}

/**
 * Default speech threshold. Speech from a headset or laptop microphone sits around -35 to -15 dBFS
 * RMS; room noise and a WebRTC noise-suppressed microphone stay below -50. Voice activity this
 * coarse only has to find the gaps between utterances; the recognizer decides what was said.
 */
export const DEFAULT_SPEECH_THRESHOLD_DBFS = -45;
