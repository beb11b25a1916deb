import type { Quality, LayoutSpec } from '@roomcast/protocol';
import type { RoomView } from '@roomcast/sfu';
import type { EgressServiceOptions } from '../egressOptions.js';
import type { PortAllocator } from '../rtp/PortAllocator.js';
import type { WebLayout } from '../web/WebLayout.js';
import type { CompositeEgressOptions } from './CompositeEgress.js';

/** What a room's composite starts with: the service's settings plus this room's layout, quality and page. */
export function compositeSettings(
  options: EgressServiceOptions,
  started: { room: RoomView; layout: LayoutSpec; quality: Quality; ports: PortAllocator; fontFile?: string; webLayout?: WebLayout },
): CompositeEgressOptions {
  const { room } = started;
  return {
    ...started,
    destinations: options.relay.destinations,
    assets: options.assets,
    onLayoutWarning: (what, reason) => options.relay.log?.warn({ room: room.name, what, reason }, 'layout overlay left out'),
    background: options.background,
    placeholderColor: options.placeholderColor,
    relay: options.relay,
    x264: options.x264,
    maxTiles: options.maxTiles,
    maxDecoders: options.maxDecodersPerComposite,
    encoderRestart: options.encoderRestart,
  };
}
