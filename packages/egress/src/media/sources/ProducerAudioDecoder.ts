import type { Readable } from 'node:stream';
import type { RoomView } from '@roomcast/sfu';
import { opusCopyArgs, pcmDecoderArgs, SPEECH_PCM_RATE } from '../../args/mediaStreamArgs.js';
import type { FfmpegProcess } from '../../ffmpeg/FfmpegProcess.js';
import type { PortAllocator } from '../../rtp/PortAllocator.js';
import { TappedProcess } from '../../rtp/TappedProcess.js';
import type { AudioFormat } from '../types.js';
import { isOpusHeader, OggPacketReader } from './OggPacketReader.js';
import { FRAME_MS, PcmFramer, pcmFrameBytes } from './PcmFramer.js';
import { SpeechDetector } from './SpeechDetector.js';

export interface ProducerAudioDecoderOptions {
  room: RoomView;
  producerId: string;
  ports: PortAllocator;
  format: AudioFormat;
  /** One 20 ms frame (PCM) or one Opus packet, and whether it is speech. */
  onFrame: (data: Buffer, speech: boolean) => void;
  /** FFmpeg died by itself; the decoder has released its tap and port already. */
  onExit: (stderr: string[]) => void;
}

/**
 * One microphone in one output format: a tap, one FFmpeg, and the Node side that cuts its output
 * into frames and flags speech. PCM is framed in 20 ms; Opus packets are passed on as the publisher
 * made them (browsers send 20 ms packets), with speech judged on a low-rate PCM copy on fd 3.
 */
export class ProducerAudioDecoder {
  readonly #detector = new SpeechDetector();

  private constructor(
    readonly options: ProducerAudioDecoderOptions,
    readonly process: TappedProcess,
  ) {}

  static async start(options: ProducerAudioDecoderOptions): Promise<ProducerAudioDecoder> {
    const { format } = options;
    const opus = format.codec === 'opus';
    const process = await TappedProcess.open({
      ...options,
      args: (sdpPath) => (opus ? opusCopyArgs(sdpPath) : pcmDecoderArgs(sdpPath, format.sample_rate)),
      pipes: { stdout: true, extraInputs: opus ? 1 : 0 },
    });
    const decoder = new ProducerAudioDecoder(options, process);
    if (opus) decoder.#readOpus(process.ffmpeg);
    else decoder.#readPcm(process.ffmpeg.stdout, format.sample_rate);
    return decoder;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get closed(): boolean {
    return this.process.closed;
  }

  /** Stops FFmpeg and releases the tap. Safe to call twice. */
  close(): Promise<void> {
    return this.process.close();
  }

  #readPcm(stdout: Readable, sampleRate: number): void {
    const framer = new PcmFramer(pcmFrameBytes(sampleRate, FRAME_MS), (frame) => {
      if (!this.closed) this.options.onFrame(frame, this.#detector.push(frame, FRAME_MS));
    });
    stdout.on('data', (chunk: Buffer) => framer.push(chunk));
  }

  #readOpus(ffmpeg: FfmpegProcess): void {
    const reader = new OggPacketReader((packet) => {
      if (!this.closed && !isOpusHeader(packet)) this.options.onFrame(packet, this.#detector.speaking);
    });
    ffmpeg.stdout.on('data', (chunk: Buffer) => reader.push(chunk));
    const speechPcm = new PcmFramer(pcmFrameBytes(SPEECH_PCM_RATE, FRAME_MS), (frame) => this.#detector.push(frame, FRAME_MS));
    // fd 3 is an output here: Node's extra stdio pipes are sockets, readable both ways.
    (ffmpeg.inputPipe(3) as unknown as Readable).on('data', (chunk: Buffer) => speechPcm.push(chunk));
  }
}
