import { type Layout, type LayoutSpec, normalizeLayout } from '@roomcast/protocol';
import type { DestinationPolicy } from '../destinations/DestinationPolicy.js';
import { imageAddress } from './overlays/fetchImage.js';

/**
 * What can be checked of a layout before anything changes: a logo on a host the destination
 * policy refuses is a 400 now, not a warning later. (A logo that fails to load later is a warning
 * and a picture without it.)
 */
export async function checkLayout(layout: Layout | undefined, policy: DestinationPolicy): Promise<void> {
  const url = layout === undefined ? undefined : normalizeLayout(layout).options.logo?.url;
  if (url) await imageAddress(url, policy);
}

export function sameLayout(a: LayoutSpec, b: LayoutSpec): boolean {
  return a.name === b.name && JSON.stringify(a.options) === JSON.stringify(b.options);
}
