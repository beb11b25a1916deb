import type { ms } from '@roomcast/sfu';

/**
 * Fixed RTP identities of a synthetic publisher. Each track has its own PlainTransport, so the
 * same SSRCs can be reused by every synthetic participant without clashing in mediasoup.
 */
export const SYNTHETIC_VIDEO = { payloadType: 101, ssrc: 22_222_222, clockRate: 90_000 } as const;
export const SYNTHETIC_AUDIO = { payloadType: 100, ssrc: 11_111_111, clockRate: 48_000, channels: 2 } as const;

export function syntheticVideoRtpParameters(): ms.RtpParameters {
  return {
    codecs: [{ mimeType: 'video/VP8', payloadType: SYNTHETIC_VIDEO.payloadType, clockRate: SYNTHETIC_VIDEO.clockRate }],
    encodings: [{ ssrc: SYNTHETIC_VIDEO.ssrc }],
  };
}

export function syntheticAudioRtpParameters(): ms.RtpParameters {
  return {
    codecs: [
      {
        mimeType: 'audio/opus',
        payloadType: SYNTHETIC_AUDIO.payloadType,
        clockRate: SYNTHETIC_AUDIO.clockRate,
        channels: SYNTHETIC_AUDIO.channels,
        parameters: { 'sprop-stereo': 1 },
      },
    ],
    encodings: [{ ssrc: SYNTHETIC_AUDIO.ssrc }],
  };
}

/** Distinct, pleasant tones (A major-ish) so mixed participants can be told apart by ear or FFT. */
const TONES_HZ = [440, 554, 659, 880, 330, 392, 494, 587] as const;

export function defaultToneFrequency(index: number): number {
  return TONES_HZ[Math.abs(Math.trunc(index)) % TONES_HZ.length] ?? 440;
}
