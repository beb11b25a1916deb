import type { types } from 'mediasoup-client';
import type { LocalSource } from './tracks.js';

/**
 * Camera simulcast: quarter, half and full resolution, so the SFU can send each subscriber the
 * layer its window and bandwidth can take (see `Room.setPreferredLayers`). Three temporal layers
 * each (L1T3) let it also drop frame rate before dropping resolution.
 */
export const CAMERA_SIMULCAST_ENCODINGS: readonly types.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 100_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 2, maxBitrate: 300_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 1, maxBitrate: 900_000, scalabilityMode: 'L1T3' },
];

/** Screen shares are sharp text at a low frame rate: one full-resolution layer with room to spare. */
export const SCREEN_ENCODINGS: readonly types.RtpEncodingParameters[] = [{ maxBitrate: 1_500_000 }];

export interface ProduceSettings {
  encodings?: types.RtpEncodingParameters[];
  codecOptions?: types.ProducerCodecOptions;
  /** mimeType of the codec to force (case-insensitive), e.g. `video/VP8`. */
  codecMimeType?: string;
}

/** What to hand mediasoup-client's `produce()` for each source. */
export function produceSettings(source: LocalSource): ProduceSettings {
  switch (source) {
    case 'camera':
      // VP8: the simulcast codec every browser and the server's compositor handle.
      return {
        encodings: CAMERA_SIMULCAST_ENCODINGS.map((e) => ({ ...e })),
        codecOptions: { videoGoogleStartBitrate: 1000 },
        codecMimeType: 'video/VP8',
      };
    case 'screen':
      return { encodings: SCREEN_ENCODINGS.map((e) => ({ ...e })), codecMimeType: 'video/VP8' };
    case 'microphone':
      return { codecOptions: { opusStereo: false, opusDtx: true, opusFec: true } };
    case 'screen-audio':
      return { codecOptions: { opusStereo: true, opusFec: true } };
  }
}

/** The device codec to force, if the settings name one and the device has it. */
export function pickCodec(
  capabilities: types.RtpCapabilities,
  mimeType: string | undefined,
): types.RtpCodecCapability | undefined {
  if (!mimeType) return undefined;
  return capabilities.codecs?.find((codec) => codec.mimeType.toLowerCase() === mimeType.toLowerCase());
}
