import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ms, Room } from '@roomcast/sfu';
import { type PortAllocator, waitForUdpListener } from './PortAllocator.js';
import { buildSdp } from './sdp.js';
import { makeEgressTempDir } from '../tempDirs.js';

/**
 * A server-side subscription to one producer, delivered as RTP to a local FFmpeg: a PlainTransport
 * connected explicitly to FFmpeg's port (no comedia), a consumer that starts paused and resumes
 * only once FFmpeg listens, and the SDP file FFmpeg reads. `close()` releases all of it.
 */
export class TrackTap {
  #closed = false;

  private constructor(
    readonly transport: ms.PlainTransport,
    readonly consumer: ms.Consumer,
    readonly port: number,
    readonly sdpPath: string,
    readonly dir: string,
    readonly ports: PortAllocator,
  ) {}

  static async open(room: Room, producerId: string, ports: PortAllocator): Promise<TrackTap> {
    const port = await ports.allocate();
    const transport = await room.router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: false, comedia: false });
    try {
      const consumer = await transport.consume({ producerId, rtpCapabilities: room.router.rtpCapabilities, paused: true });
      await transport.connect({ ip: '127.0.0.1', port, rtcpPort: port + 1 });
      const dir = await makeEgressTempDir('tap');
      const sdpPath = join(dir, 'input.sdp');
      await writeFile(sdpPath, buildSdp({ kind: consumer.kind, rtpPort: port, rtpParameters: consumer.rtpParameters }));
      return new TrackTap(transport, consumer, port, sdpPath, dir, ports);
    } catch (error) {
      transport.close();
      ports.release(port);
      throw error;
    }
  }

  get closed(): boolean {
    return this.#closed || this.consumer.closed;
  }

  /**
   * Resumes the consumer once FFmpeg's socket is bound, and asks the sender for a keyframe. Never
   * rejects (its callers do not wait for it): a producer that closed meanwhile is just false.
   */
  async startWhenListening(timeoutMs = 5000): Promise<boolean> {
    const listening = await waitForUdpListener(this.port, timeoutMs, () => this.closed);
    if (!listening || this.closed) return false;
    try {
      await this.consumer.resume();
    } catch {
      return false;
    }
    await this.requestKeyFrame();
    return true;
  }

  async requestKeyFrame(): Promise<void> {
    if (this.closed || this.consumer.kind !== 'video') return;
    await this.consumer.requestKeyFrame().catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.transport.close();
    this.ports.release(this.port);
    await rm(this.dir, { recursive: true, force: true });
  }
}
