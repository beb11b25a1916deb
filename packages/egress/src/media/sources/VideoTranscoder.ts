import type { RoomView } from '@roomcast/sfu';
import { videoTranscoderArgs } from '../../args/mediaStreamArgs.js';
import type { PortAllocator } from '../../rtp/PortAllocator.js';
import { TappedProcess } from '../../rtp/TappedProcess.js';
import type { VideoFormat, VideoFrame } from '../types.js';
import { AccessUnitSplitter } from './AccessUnitSplitter.js';
import { JpegSplitter } from './JpegSplitter.js';

export interface VideoTranscoderOptions {
  room: RoomView;
  producerId: string;
  participantId: string;
  ports: PortAllocator;
  format: VideoFormat;
  onFrame: (frame: VideoFrame) => void;
  /** FFmpeg died by itself; the tap and port are released already. */
  onExit: (stderr: string[]) => void;
}

/**
 * One camera transcoded for the apps: a tap (which asks the publisher for a keyframe once FFmpeg
 * listens), one FFmpeg (VP8 → H.264 Annex B or JPEG), and the splitter that cuts its stdout into
 * access units or pictures.
 */
export class VideoTranscoder {
  private constructor(readonly process: TappedProcess) {}

  static async start(options: VideoTranscoderOptions): Promise<VideoTranscoder> {
    const { format, participantId } = options;
    const process = await TappedProcess.open({ ...options, args: (sdpPath) => videoTranscoderArgs(sdpPath, format), pipes: { stdout: true } });
    const transcoder = new VideoTranscoder(process);
    const emit = (data: Buffer, keyFrame: boolean) => {
      if (!transcoder.closed) options.onFrame({ participantId, data, keyFrame, timestamp: Date.now() });
    };
    const splitter =
      format.codec === 'h264'
        ? new AccessUnitSplitter((unit) => emit(unit.data, unit.keyFrame))
        : new JpegSplitter((picture) => emit(picture, true));
    process.ffmpeg.stdout.on('data', (chunk: Buffer) => splitter.push(chunk));
    return transcoder;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get closed(): boolean {
    return this.process.closed;
  }

  close(): Promise<void> {
    return this.process.close();
  }
}
