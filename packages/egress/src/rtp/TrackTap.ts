import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RoomView, RtpTap } from '@roomcast/sfu';
import { type PortAllocator, waitForUdpListener } from './PortAllocator.js';
import { buildSdp } from './sdp.js';
import { boundTo, LOOPBACK } from '../args/decoderArgs.js';
import { makeEgressTempDir } from '../tempDirs.js';

/**
 * A server-side subscription to one producer, delivered as RTP to a local FFmpeg: the room's tap
 * (RoomView.openTap: the SFU sends to FFmpeg's port, paused until FFmpeg listens), the port, and the
 * SDP file FFmpeg reads. `close()` releases all of it.
 */
export class TrackTap {
  #closed = false;

  private constructor(
    readonly tap: RtpTap,
    readonly port: number,
    readonly sdpPath: string,
    readonly dir: string,
    readonly ports: PortAllocator,
  ) {}

  static async open(room: RoomView, producerId: string, ports: PortAllocator): Promise<TrackTap> {
    const port = await ports.allocate();
    let tap: RtpTap | undefined;
    try {
      tap = await room.openTap(producerId, { ip: ports.announcedIp, port, rtcpPort: port + 1, srtp: ports.srtp });
      const dir = await makeEgressTempDir('tap');
      const sdpPath = join(dir, 'input.sdp');
      await writeFile(sdpPath, buildSdp({ kind: tap.kind, rtpPort: port, rtpParameters: tap.rtpParameters, srtp: tap.srtpParameters }));
      return new TrackTap(tap, port, sdpPath, dir, ports);
    } catch (error) {
      tap?.close();
      ports.release(port);
      throw error;
    }
  }

  /** A decoder's arguments for this tap: its sockets bound where the SFU sends (the port range's listen address). */
  decoderArgs(args: readonly string[]): string[] {
    return this.ports.listenIp === LOOPBACK ? [...args] : boundTo(args, this.ports.listenIp);
  }

  get closed(): boolean {
    return this.#closed || this.tap.closed;
  }

  /**
   * Resumes the consumer once FFmpeg's socket is bound, and asks the sender for a keyframe. Never
   * rejects (its callers do not wait for it): a producer that closed meanwhile is just false.
   */
  async startWhenListening(timeoutMs = 5000): Promise<boolean> {
    const listening = await waitForUdpListener(this.port, timeoutMs, () => this.closed);
    if (!listening || this.closed) return false;
    try {
      await this.tap.resume();
    } catch {
      return false;
    }
    await this.requestKeyFrame();
    return true;
  }

  async requestKeyFrame(): Promise<void> {
    if (this.closed || this.tap.kind !== 'video') return;
    await this.tap.requestKeyFrame().catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.tap.close();
    this.ports.release(this.port);
    await rm(this.dir, { recursive: true, force: true });
  }
}
