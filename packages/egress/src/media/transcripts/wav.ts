const HEADER_BYTES = 44;

/**
 * A canonical 44-byte-header PCM WAV around s16le samples: what every speech-to-text server
 * accepts without probing. Copies the samples (the caller may reuse its buffer).
 */
export function buildWav(pcm: Buffer, sampleRate: number, channels = 1): Buffer {
  const bytesPerSample = 2;
  const wav = Buffer.allocUnsafe(HEADER_BYTES + pcm.length);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + pcm.length, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16); // fmt chunk size for PCM
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(channels, 22);
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * channels * bytesPerSample, 28); // byte rate
  wav.writeUInt16LE(channels * bytesPerSample, 32); // block align
  wav.writeUInt16LE(bytesPerSample * 8, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(pcm.length, 40);
  pcm.copy(wav, HEADER_BYTES);
  return wav;
}

export interface WavInfo {
  format: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** The samples of the data chunk. */
  data: Buffer;
}

/** Reads a WAV's fmt and data chunks (any chunk order); throws on anything else. For tests and checks. */
export function parseWav(wav: Buffer): WavInfo {
  if (wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let fmt: Omit<WavInfo, 'data'> | undefined;
  for (let offset = 12; offset + 8 <= wav.length; ) {
    const id = wav.toString('ascii', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      fmt = {
        format: wav.readUInt16LE(body),
        channels: wav.readUInt16LE(body + 2),
        sampleRate: wav.readUInt32LE(body + 4),
        bitsPerSample: wav.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!fmt) throw new Error('data chunk before fmt chunk');
      if (body + size > wav.length) throw new Error('truncated data chunk');
      return { ...fmt, data: wav.subarray(body, body + size) };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('no data chunk');
}
