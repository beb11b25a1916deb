import type { RoomView } from '@roomcast/sfu';
import { audioDecoderArgs } from '../args/decoderArgs.js';
import { FfmpegProcess } from '../ffmpeg/FfmpegProcess.js';
import type { PortAllocator } from '../rtp/PortAllocator.js';
import { TrackTap } from '../rtp/TrackTap.js';

export interface AudioTrackInputOptions {
  room: RoomView;
  producerId: string;
  ports: PortAllocator;
  onPcm: (pcm: Buffer) => void;
  onExit?: (input: AudioTrackInput) => void;
}

/** One microphone decoded to mono 48 kHz PCM for the mixer. */
export class AudioTrackInput {
  #decoder: FfmpegProcess | undefined;
  #closed = false;

  private constructor(
    readonly options: AudioTrackInputOptions,
    readonly tap: TrackTap,
  ) {}

  static async start(options: AudioTrackInputOptions): Promise<AudioTrackInput> {
    const tap = await TrackTap.open(options.room, options.producerId, options.ports);
    const input = new AudioTrackInput(options, tap);
    try {
      const decoder = await FfmpegProcess.spawn(tap.decoderArgs(audioDecoderArgs(tap.sdpPath)), { pipes: { stdout: true } });
      input.#decoder = decoder;
      // PCM still in the pipe after close() would re-add a removed producer to the mixer, for good.
      decoder.stdout.on('data', (pcm: Buffer) => {
        if (!input.#closed) options.onPcm(pcm);
      });
      decoder.once('exit', () => {
        if (!input.#closed) options.onExit?.(input);
      });
      void tap.startWhenListening();
    } catch (error) {
      await input.close();
      throw error;
    }
    return input;
  }

  get running(): boolean {
    return !this.#closed && !!this.#decoder?.running;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#decoder?.stop(1000);
    await this.tap.close();
  }
}
