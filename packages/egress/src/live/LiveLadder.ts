import type { Quality } from '@roomcast/protocol';
import type { EncodeLease } from '../composite/Encodes.js';
import type { HlsOutput, LiveRendition } from './LiveRendition.js';
import { renditionOptions } from './liveStreamRequest.js';

interface Rung {
  quality: Quality;
  rendition: LiveRendition;
}

/**
 * The renditions of one live stream (one per quality of its ladder) and the encodes they read.
 * Ready when every rendition has its first part; stop() ends the renditions first (each flushes
 * its last part while its encode still runs), then lets go of the encodes.
 */
export class LiveLadder {
  readonly #rungs = new Map<Quality, Rung>();
  readonly #leases: EncodeLease[] = [];
  #stopping: Promise<void> | undefined;

  /** `qualities`: the ladder, top first. */
  constructor(readonly qualities: readonly Quality[]) {}

  get stopped(): boolean {
    return this.#stopping !== undefined;
  }

  /** Every rendition of the ladder exists and has its first part. */
  get ready(): boolean {
    return this.#rungs.size === this.qualities.length && [...this.#rungs.values()].every((r) => r.rendition.ready);
  }

  rendition(quality: string): LiveRendition | undefined {
    return this.#rungs.get(quality as Quality)?.rendition;
  }

  /** Holds an encode until stop(); one that comes after a stop is let go at once (false). */
  async keep(lease: EncodeLease): Promise<boolean> {
    if (!this.stopped) return this.#leases.push(lease) > 0;
    await lease.release();
    return false;
  }

  /** Adds a started rendition; one that comes after a stop is stopped at once (false). */
  async add(quality: Quality, rendition: LiveRendition): Promise<boolean> {
    if (!this.stopped) return this.#rungs.set(quality, { quality, rendition }).size > 0;
    await rendition.stop();
    return false;
  }

  /** The master playlist over every rendition, highest BANDWIDTH first; undefined until ready (CODECS come from each init segment). */
  master(hls: HlsOutput): string | undefined {
    if (!this.ready) return undefined;
    const variants = this.qualities.map((quality) => {
      const { width, height, frameRate, bandwidth } = renditionOptions(quality, '', false);
      return { uri: `${quality}/index.m3u8`, bandwidth, width, height, codecs: this.#rungs.get(quality)!.rendition.codecs, frameRate };
    });
    return hls.masterPlaylist(variants.sort((a, b) => b.bandwidth - a.bandwidth));
  }

  /** Stops every rendition, then releases the encodes (a lower one stops with its last reader). Safe twice. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const stopped = await Promise.allSettled([...this.#rungs.values()].map((r) => r.rendition.stop()));
    const released = await Promise.allSettled(this.#leases.splice(0).map((lease) => lease.release()));
    const failure = [...stopped, ...released].find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
  }
}
