import type { Layout, LayoutSpec, Quality } from '@roomcast/protocol';
import type { EncodeLease } from './Encodes.js';

/** What an output asks of the room's composite when it is started (C: what its check sees of a running one). */
export interface CompositeRequest<C = CompositeView> {
  /**
   * Checks the request against the composite already running (undefined: one will start) and
   * says what to start; throws a coded error to refuse, before anything changes.
   */
  check(running: C | undefined): { layout?: Layout; quality: Quality };
  /**
   * Runs in the same tick as a successful check, before any await: from here on the caller's
   * output keeps the composite alive, so nothing can end it in between.
   */
  claim?(): void;
}

/** The part of a composite an output sees: its (top) quality, and the encode of a quality to subscribe to. */
export interface CompositeView {
  readonly quality: Quality;
  readonly layout: LayoutSpec;
  readonly stopped: boolean;
  /** Held until the output releases it; a lower quality is scaled from the composite (409 if it cannot be). */
  encodeFor(quality: Quality): Promise<EncodeLease>;
}
