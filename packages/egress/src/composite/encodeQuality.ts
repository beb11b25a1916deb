import type { Quality } from '@roomcast/protocol';
import { qualityPreset } from './presets.js';

/**
 * Why an encode of `quality` cannot be scaled from a composite rendered at `top`, or undefined if
 * it can. Encodes only scale down (up would cost CPU and add nothing), and keep the composite's
 * orientation (a portrait rung of a landscape picture would be stretched).
 */
export function encodeRefusal(top: Quality, quality: Quality): string | undefined {
  const a = qualityPreset(top);
  const b = qualityPreset(quality);
  if (a.width >= a.height !== b.width >= b.height) {
    return `${quality} is ${orientation(b)} but the room is composited ${orientation(a)} at ${top}`;
  }
  if (b.width > a.width || b.height > a.height) return `${quality} is above the room's composite quality ${top}: renditions only scale down`;
  return undefined;
}

function orientation(p: { width: number; height: number }): string {
  return p.width >= p.height ? 'landscape' : 'portrait';
}
