import type { Quality } from '@roomcast/protocol';

export interface QualityPreset {
  width: number;
  height: number;
  fps: number;
  /** Target video bitrate in kbit/s (CBR-like: maxrate = bitrate, buffer = 2 s, as RTMP ingest wants). */
  videoKbps: number;
  audioKbps: number;
  /** Seconds between keyframes: YouTube and Twitch ask for 2. */
  keyframeIntervalS: number;
}

const LANDSCAPE: Record<string, Omit<QualityPreset, 'audioKbps' | 'keyframeIntervalS'>> = {
  '360p': { width: 640, height: 360, fps: 30, videoKbps: 1000 },
  '480p': { width: 854, height: 480, fps: 30, videoKbps: 1500 },
  '720p': { width: 1280, height: 720, fps: 30, videoKbps: 3000 },
  '1080p': { width: 1920, height: 1080, fps: 30, videoKbps: 4500 },
  '1440p': { width: 2560, height: 1440, fps: 30, videoKbps: 9000 },
};

export const DEFAULT_QUALITY: Quality = '720p';

/** The encoder settings of a quality name; `-portrait` variants swap width and height. */
export function qualityPreset(quality: Quality): QualityPreset {
  const portrait = quality.endsWith('-portrait');
  const base = LANDSCAPE[quality.replace('-portrait', '')];
  if (!base) throw new Error(`unknown quality ${quality}`);
  const { width, height } = portrait ? { width: base.height, height: base.width } : base;
  return { ...base, width, height, audioKbps: 128, keyframeIntervalS: 2 };
}
