import { AppError, type Layout, type LayoutSpec, normalizeLayout } from '@roomcast/protocol';
import type { AssetStore } from '../assets/AssetStore.js';
import type { DestinationPolicy } from '../destinations/DestinationPolicy.js';
import { imageAddress } from './overlays/fetchImage.js';

/**
 * What can be checked of a layout before anything changes: a logo on a host the destination
 * policy refuses, or an uploaded asset that does not exist, is a 400 now, not a warning later. (A
 * logo that fails to load later is a warning and a picture without it.)
 */
export async function checkLayout(layout: Layout | undefined, policy: DestinationPolicy, assets?: Pick<AssetStore, 'get'>): Promise<void> {
  const logo = layout === undefined ? undefined : normalizeLayout(layout).options.logo;
  if (logo?.url) await imageAddress(logo.url, policy);
  if (logo?.asset !== undefined && !(await assets?.get(logo.asset))) {
    throw new AppError('bad_request', `layout logo asset ${logo.asset} does not exist (POST /v1/assets first)`);
  }
}

export function sameLayout(a: LayoutSpec, b: LayoutSpec): boolean {
  return a.name === b.name && JSON.stringify(a.options) === JSON.stringify(b.options);
}
