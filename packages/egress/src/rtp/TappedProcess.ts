import type { RoomView } from '@roomcast/sfu';
import { FfmpegProcess, type FfmpegSpawnOptions } from '../ffmpeg/FfmpegProcess.js';
import type { PortAllocator } from './PortAllocator.js';
import { TrackTap } from './TrackTap.js';

export interface TappedProcessOptions {
  room: RoomView;
  producerId: string;
  ports: PortAllocator;
  /** FFmpeg's arguments, given the SDP file of the tap. */
  args: (sdpPath: string) => string[];
  pipes: FfmpegSpawnOptions['pipes'];
  /** FFmpeg died by itself; the tap and its port are released already. */
  onExit: (stderr: string[]) => void;
}

/**
 * One producer read by one FFmpeg: the tap (a PlainTransport consumer that resumes once FFmpeg
 * listens, with a keyframe request) and the process. What reads FFmpeg's output is the owner's;
 * stdout buffers until the owner attaches its reader, so nothing is lost in between.
 */
export class TappedProcess {
  #closing: Promise<void> | undefined;

  private constructor(
    readonly tap: TrackTap,
    readonly ffmpeg: FfmpegProcess,
  ) {}

  static async open(options: TappedProcessOptions): Promise<TappedProcess> {
    const tap = await TrackTap.open(options.room, options.producerId, options.ports);
    let ffmpeg: FfmpegProcess;
    try {
      ffmpeg = await FfmpegProcess.spawn(tap.decoderArgs(options.args(tap.sdpPath)), { pipes: options.pipes });
    } catch (error) {
      await tap.close();
      throw error;
    }
    const tapped = new TappedProcess(tap, ffmpeg);
    ffmpeg.once('exit', (exit) => {
      if (exit.expected || tapped.closed) return;
      void tapped.close().finally(() => options.onExit(exit.stderr));
    });
    // Never rejects; a producer gone meanwhile just leaves FFmpeg waiting until close().
    void tap.startWhenListening();
    return tapped;
  }

  get pid(): number | undefined {
    return this.ffmpeg.running ? this.ffmpeg.pid : undefined;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** Stops FFmpeg and releases the tap. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.ffmpeg.stop(1000);
      await this.tap.close();
    })();
    return this.#closing;
  }
}
