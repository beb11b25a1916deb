import { AppError, type Quality } from '@roomcast/protocol';
import { encodeRefusal } from '../composite/encodeQuality.js';
import { qualityPreset } from '../composite/presets.js';

/** The standard rungs under the top: what players switch between on a bad network. */
const STANDARD_RUNGS = ['1080p', '720p', '360p'] as const;

/**
 * The renditions of a live stream whose composite renders at `top`, highest first: the requested
 * ones, or by default the top and every standard rung (1080p, 720p, 360p) below it, in the top's
 * orientation. A requested quality the composite cannot be scaled down to is a 409.
 */
export function liveStreamLadder(top: Quality, requested?: readonly Quality[]): Quality[] {
  if (!requested) return bySize([top, ...STANDARD_RUNGS.map((rung) => oriented(rung, top)).filter((q) => pixels(q) < pixels(top))]);
  const duplicate = requested.find((q, i) => requested.indexOf(q) !== i);
  if (duplicate) throw new AppError('bad_request', `rendition ${duplicate} is listed twice`);
  for (const quality of requested) {
    const refusal = encodeRefusal(top, quality);
    if (refusal) throw new AppError('conflict', refusal);
  }
  return bySize([...requested]);
}

/** The largest of the requested renditions: the composite's quality when nothing else sets it. */
export function topRendition(requested: readonly Quality[] | undefined): Quality | undefined {
  return requested && bySize([...requested])[0];
}

function oriented(rung: (typeof STANDARD_RUNGS)[number], top: Quality): Quality {
  return top.endsWith('-portrait') ? `${rung}-portrait` : rung;
}

function pixels(quality: Quality): number {
  const { width, height } = qualityPreset(quality);
  return width * height;
}

function bySize(qualities: Quality[]): Quality[] {
  return qualities.sort((a, b) => pixels(b) - pixels(a));
}
