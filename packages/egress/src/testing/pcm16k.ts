/** Synthetic 16 kHz mono s16le for the transcripts tests (recognizers read this format). */
export const RATE = 16_000;

/** A sine tone at `dbfs` peak level, `ms` long. Loud enough for any speech threshold here. */
export function tone(ms: number, frequency = 440, dbfs = -12): Buffer {
  const samples = Math.round((RATE * ms) / 1000);
  const amplitude = 32767 * 10 ** (dbfs / 20);
  const pcm = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) pcm.writeInt16LE(Math.round(amplitude * Math.sin((2 * Math.PI * frequency * i) / RATE)), i * 2);
  return pcm;
}

export function silence(ms: number): Buffer {
  return Buffer.alloc(Math.round((RATE * ms) / 1000) * 2);
}

/** Splits audio into 20 ms chunks, as the media sources deliver it. */
export function chunks20ms(pcm: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let offset = 0; offset < pcm.length; offset += 640) out.push(pcm.subarray(offset, offset + 640));
  return out;
}
