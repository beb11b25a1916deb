import { AppError, type Quality, type StartLiveStreamBody } from '@roomcast/protocol';
import { DEFAULT_QUALITY, type QualityPreset, qualityPreset } from '../composite/presets.js';
import type { LiveRenditionOptions } from './LiveRendition.js';
import { topRendition } from './ladder.js';

/** Why a live stream failed when its room closed under it (a fixed phrase, like every `error`). */
export const ROOM_CLOSED = 'the room was closed';

/**
 * The quality a live stream's composite runs at (the top of its ladder, see ladder.ts), or a coded
 * error: the running composite's quality (one composite per room), else the requested one, else
 * the room's quality (`fallback`, see roomDefaults.ts), else the largest requested rendition, else the default.
 */
export function liveStreamQuality(body: StartLiveStreamBody, running: Quality | undefined, fallback?: Quality): Quality {
  if (running && body.quality && body.quality !== running) {
    throw new AppError('conflict', `the room is already composited at ${running}; stop its broadcasts first to change quality`);
  }
  return body.quality ?? running ?? fallback ?? topRendition(body.renditions) ?? DEFAULT_QUALITY;
}

/** BANDWIDTH of the master playlist: the preset's peak bit rate plus container overhead (~10 %). */
export function renditionBandwidth(preset: QualityPreset): number {
  return Math.round((preset.videoKbps + preset.audioKbps) * 1000 * 1.1);
}

/** The rendition of a quality, written into `dir`. */
export function renditionOptions(quality: Quality, dir: string, keepAll: boolean): LiveRenditionOptions {
  const preset = qualityPreset(quality);
  return {
    dir,
    name: quality,
    width: preset.width,
    height: preset.height,
    frameRate: preset.fps,
    bandwidth: renditionBandwidth(preset),
    keepAll,
  };
}
