import { COMMON_INPUT } from './decoderArgs.js';

/*
 * FFmpeg command lines of the realtime media stream sources (issue 11): per-microphone decoders,
 * the mix's Opus encoder, and the per-participant video transcoders. Pure; the reason sits beside
 * each flag. Every output is flushed per packet: an app gets each 20 ms frame as soon as it exists.
 */

/** The low-rate PCM a speech detector reads beside Opus packets: energy needs no more. */
export const SPEECH_PCM_RATE = 8000;

/** Write each packet as soon as it is muxed: no output buffering. */
const FLUSH = ['-flush_packets', '1'];

/**
 * Ogg pages of about one packet each (page_duration is in µs): the default (1 s) would hold a
 * second of packets back. FFmpeg still keeps one page back per stream, so 20 ms of extra delay.
 */
const OGG_OUTPUT = ['-f', 'ogg', '-page_duration', '20000', ...FLUSH];

function rtpInput(sdpPath: string): string[] {
  return [...COMMON_INPUT, '-f', 'sdp', '-i', sdpPath];
}

/** One microphone to mono s16le at `sampleRate` on stdout. */
export function pcmDecoderArgs(sdpPath: string, sampleRate: number): string[] {
  return [
    ...rtpInput(sdpPath),
    // No `aresample=async`: it would fill a muted microphone's gap with all its silence at once.
    '-vn', '-map', '0:a:0', '-ac', '1', '-ar', String(sampleRate),
    '-f', 's16le', ...FLUSH, 'pipe:1',
  ];
}

/**
 * One microphone's Opus packets as they came (copied, not re-encoded: no CPU, no added delay) in
 * Ogg on stdout, and the same audio as low-rate mono PCM on fd 3 for the speech detector.
 */
export function opusCopyArgs(sdpPath: string): string[] {
  return [
    ...rtpInput(sdpPath),
    '-vn', '-map', '0:a:0', '-c:a', 'copy', ...OGG_OUTPUT, 'pipe:1',
    '-vn', '-map', '0:a:0', '-ac', '1', '-ar', String(SPEECH_PCM_RATE), '-f', 's16le', ...FLUSH, 'pipe:3',
  ];
}

/** The room's mix (mono s16le at `sampleRate` on stdin) to 20 ms Opus packets in Ogg on stdout. */
export function opusEncoderArgs(sampleRate: number): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'warning',
    // Raw PCM needs no probing; read each frame as it is written.
    '-fflags', '+nobuffer', '-probesize', '32', '-analyzeduration', '0',
    '-f', 's16le', '-ar', String(sampleRate), '-ac', '1', '-i', 'pipe:0',
    // `voip` favours speech intelligibility; 20 ms frames are what the apps are promised.
    '-c:a', 'libopus', '-b:a', '32k', '-application', 'voip', '-frame_duration', '20',
    ...OGG_OUTPUT, 'pipe:1',
  ];
}

export interface VideoTranscodeFormat {
  codec: 'h264' | 'jpeg';
  fps: number;
  width: number;
}

/** H.264 keyframe interval, seconds: an app joining late (or a lost frame) waits at most this long. */
export const H264_KEYFRAME_INTERVAL_S = 2;

/** One camera (VP8 RTP) to H.264 Annex B or concatenated JPEGs on stdout, at `fps` and `width`. */
export function videoTranscoderArgs(sdpPath: string, format: VideoTranscodeFormat): string[] {
  return [
    ...rtpInput(sdpPath),
    // One decoder thread: frame threading holds pictures back; the pictures are small.
    '-threads', '1', '-filter_threads', '1',
    '-an', '-map', '0:v:0',
    // Height follows the aspect ratio, rounded to even (4:2:0 needs it).
    '-vf', `fps=${format.fps},scale=${format.width}:-2:flags=bilinear`,
    ...(format.codec === 'h264' ? h264Output(format.fps) : jpegOutput()),
    ...FLUSH, 'pipe:1',
  ];
}

function h264Output(fps: number): string[] {
  const gop = String(Math.max(1, Math.round(fps * H264_KEYFRAME_INTERVAL_S)));
  return [
    // ultrafast + zerolatency: no look-ahead, no B-frames, each picture out as soon as it is in.
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-threads', '1',
    // Constrained baseline: every decoder an app may use (browsers, phones, hardware) plays it.
    '-profile:v', 'baseline', '-pix_fmt', 'yuv420p',
    '-g', gop, '-keyint_min', gop, '-sc_threshold', '0',
    // SPS/PPS before every IDR (an app can start at any keyframe) and an access unit delimiter
    // before every picture (the splitter cuts there).
    '-x264-params', 'repeat-headers=1:aud=1',
    '-f', 'h264',
  ];
}

function jpegOutput(): string[] {
  // q 5: sharp enough to read a face or a slide at a few KB per picture.
  return ['-c:v', 'mjpeg', '-q:v', '5', '-pix_fmt', 'yuvj420p', '-f', 'mjpeg'];
}
