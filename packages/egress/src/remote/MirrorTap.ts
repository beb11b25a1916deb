import type { ms, RtpTap } from '@roomcast/sfu';
import type { OpenedTap } from './feedMessages.js';
import type { SfuCalls } from './RoomMirror.js';

/** A tap the SFU opened for this egress: each call goes to the SFU; `tapClosed` from it ends it. */
export class MirrorTap implements RtpTap {
  readonly kind: ms.MediaKind;
  readonly rtpParameters: ms.RtpParameters;
  readonly srtpParameters: OpenedTap['srtpParameters'];
  readonly #listeners: Array<() => void> = [];
  #closed = false;

  constructor(
    readonly opened: OpenedTap,
    readonly sfu: SfuCalls,
    readonly forget: () => void,
  ) {
    this.kind = opened.kind;
    this.rtpParameters = opened.rtpParameters;
    this.srtpParameters = opened.srtpParameters;
  }

  get closed(): boolean {
    return this.#closed;
  }

  resume(): Promise<void> {
    return this.sfu.tapResume(this.opened.tapId);
  }

  requestKeyFrame(): Promise<void> {
    return this.sfu.tapRequestKeyFrame(this.opened.tapId);
  }

  preferSpatialLayer(spatialLayer: number): Promise<void> {
    return this.sfu.tapPreferSpatialLayer(this.opened.tapId, spatialLayer);
  }

  onClose(listener: () => void): void {
    if (this.#closed) listener();
    else this.#listeners.push(listener);
  }

  /** The SFU closed it (its producer went). */
  closedBySfu(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.forget();
    for (const listener of this.#listeners.splice(0)) listener();
  }

  close(): void {
    if (this.#closed) return;
    this.sfu.tapClose(this.opened.tapId).catch(() => undefined);
    this.closedBySfu();
  }
}
