import { randomUUID } from 'node:crypto';
import { type ms, type Participant, type Room, TypedEmitter } from '@roomcast/sfu';
import { ffmpegPath } from '../ffmpeg/ffmpegPath.js';
import { drawtextSupport } from '../ffmpeg/drawtextSupport.js';
import { describeFfmpegExit, type FfmpegExit, FfmpegProcess } from '../ffmpeg/FfmpegProcess.js';
import { buildSyntheticFfmpegArgs, type SyntheticArgsSpec } from './syntheticFfmpegArgs.js';
import {
  SYNTHETIC_AUDIO,
  SYNTHETIC_VIDEO,
  defaultToneFrequency,
  syntheticAudioRtpParameters,
  syntheticVideoRtpParameters,
} from './syntheticRtp.js';

export interface SyntheticVideoOptions {
  width: number;
  height: number;
  fps: number;
  /** Default 300. */
  bitrateKbps?: number;
  /** Burn the wall clock in as a machine-readable barcode at the top (latency benchmarks). */
  clockBarcode?: boolean;
}

export interface SyntheticAudioOptions {
  /** Sine tone in Hz; by default it differs from the other participants'. */
  frequency?: number;
  /** Play this audio file in a loop instead (e.g. speech made with espeak-ng, for transcripts). */
  file?: string;
}

export interface SyntheticPublisherOptions {
  identity: string;
  name: string;
  /** Default 320x240 at 15 fps; false for no video. */
  video?: SyntheticVideoOptions | false;
  /** Default a sine tone picked by the participant's index; false for no audio. */
  audio?: SyntheticAudioOptions | false;
  /** SIGTERM → SIGKILL grace on stop(), default 2000 ms. */
  stopGraceMs?: number;
  /** Flash white and beep at the same instant every 2 s (avMarks.ts), for A/V offset benchmarks. */
  avMarks?: boolean;
}

export interface SyntheticPublisherEvents extends Record<string, unknown[]> {
  /** FFmpeg exited. `expected` is false when it died by itself: the tracks then carry nothing. */
  ffmpegExit: [exit: FfmpegExit];
}

const DEFAULT_VIDEO = { width: 320, height: 240, fps: 15, bitrateKbps: 300 };

interface Track {
  transport: ms.PlainTransport;
  producer: ms.Producer;
}

/**
 * A server-side participant that publishes FFmpeg test media (a test pattern with its name and a
 * clock, and a sine tone) into a Room, for tests and benchmarks. One FFmpeg process sends VP8 and
 * Opus RTP to two comedia PlainTransports. stop() ends FFmpeg and removes the participant; so does
 * the participant being removed or the room closing.
 */
export class SyntheticPublisher extends TypedEmitter<SyntheticPublisherEvents> {
  /** Unique token in FFmpeg's argument list (`pgrep -f <marker>` finds the process). */
  readonly marker: string;
  #ffmpeg: FfmpegProcess | undefined;
  #stopping: Promise<void> | undefined;

  private constructor(
    readonly room: Room,
    readonly participant: Participant,
    readonly video: Track | undefined,
    readonly audio: Track | undefined,
    readonly drawsText: boolean,
    readonly options: SyntheticPublisherOptions,
  ) {
    super();
    this.marker = `roomcast-synthetic-${randomUUID()}`;
  }

  static async start(room: Room, options: SyntheticPublisherOptions): Promise<SyntheticPublisher> {
    if (options.video === false && options.audio === false) throw new Error('a synthetic publisher needs video or audio');
    const index = room.participants.size;
    const participant = room.addParticipant({ identity: options.identity, name: options.name, role: 'participant', notify: () => {} });
    try {
      room.join(participant, room.router.rtpCapabilities);
      const video = options.video === false ? undefined : await produceTrack(room, participant, 'video');
      const audio = options.audio === false ? undefined : await produceTrack(room, participant, 'audio');
      const binary = ffmpegPath();
      const text = video ? await drawtextSupport(binary) : { enabled: false };
      const publisher = new SyntheticPublisher(room, participant, video, audio, text.enabled, options);
      await publisher.#spawn(binary, index, text.fontFile);
      return publisher;
    } catch (error) {
      room.removeParticipant(participant);
      throw error;
    }
  }

  get videoProducer(): ms.Producer | undefined {
    return this.video?.producer;
  }

  get audioProducer(): ms.Producer | undefined {
    return this.audio?.producer;
  }

  /** FFmpeg's pid while it runs. */
  get pid(): number | undefined {
    return this.#ffmpeg?.running ? this.#ffmpeg.pid : undefined;
  }

  /** Resolves when FFmpeg exits, whether by stop() or by itself. */
  get exited(): Promise<FfmpegExit> {
    if (!this.#ffmpeg) throw new Error('FFmpeg was not started');
    return this.#ffmpeg.exited;
  }

  /** FFmpeg's last stderr lines, for error messages. */
  stderrTail(): string[] {
    return this.#ffmpeg?.stderrTail() ?? [];
  }

  /** Ends FFmpeg (awaiting its exit) and removes the participant. Safe to call twice. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#ffmpeg?.stop(this.options.stopGraceMs ?? 2000);
      this.room.removeParticipant(this.participant);
    })();
    return this.#stopping;
  }

  async #spawn(binary: string, index: number, fontFile: string | undefined): Promise<void> {
    const args = buildSyntheticFfmpegArgs(this.#argsSpec(index, fontFile));
    const ffmpeg = await FfmpegProcess.spawn(args, { binary });
    this.#ffmpeg = ffmpeg;
    ffmpeg.on('exit', (exit) => {
      if (!exit.expected) console.warn(`synthetic publisher ${this.options.identity}: ${describeFfmpegExit(exit)}`);
      this.safeEmit('ffmpegExit', exit);
    });
    // Removed from the room by anyone (or the room closed): FFmpeg has nowhere to send to any more.
    this.participant.once('closed', () => void this.stop());
  }

  #argsSpec(index: number, fontFile: string | undefined): SyntheticArgsSpec {
    const { video: videoOptions, audio: audioOptions } = this.options;
    const spec: SyntheticArgsSpec = { name: this.options.name, marker: this.marker, startedAtMs: Date.now(), avMarks: this.options.avMarks };
    if (this.video) {
      const size = { ...DEFAULT_VIDEO, ...(videoOptions || {}) };
      spec.video = { ...size, ...SYNTHETIC_VIDEO, port: this.video.transport.tuple.localPort, drawText: this.drawsText, fontFile };
    }
    if (this.audio) {
      const frequency = (audioOptions && audioOptions.frequency) || defaultToneFrequency(index);
      spec.audio = { frequency, file: audioOptions ? audioOptions.file : undefined, payloadType: SYNTHETIC_AUDIO.payloadType, ssrc: SYNTHETIC_AUDIO.ssrc, port: this.audio.transport.tuple.localPort };
    }
    return spec;
  }
}

/**
 * One comedia PlainTransport per track: FFmpeg sends each RTP output from its own socket, and
 * comedia learns one source address per transport from the first packet.
 */
async function produceTrack(room: Room, participant: Participant, kind: ms.MediaKind): Promise<Track> {
  const transport = await room.router.createPlainTransport({
    listenIp: { ip: '127.0.0.1' },
    rtcpMux: true,
    comedia: true,
    appData: { direction: 'send', participantId: participant.id },
  });
  room.adoptTransport(participant, transport);
  const rtpParameters = kind === 'video' ? syntheticVideoRtpParameters() : syntheticAudioRtpParameters();
  const producer = await room.produce(participant, { transportId: transport.id, kind, rtpParameters, source: 'synthetic' });
  return { transport, producer };
}
