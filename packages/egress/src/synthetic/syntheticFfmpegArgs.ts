import { beepSource, flashFilter } from './avMarks.js';
import { clockBarcodeFilters } from './clockBarcode.js';

/**
 * The FFmpeg command line of a synthetic publisher, as a pure function of its inputs:
 * FFmpeg's own test sources (testsrc2 + sine) encoded in realtime and sent as RTP to mediasoup.
 */

export interface SyntheticVideoArgs {
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  payloadType: number;
  ssrc: number;
  /** Local port of the mediasoup PlainTransport receiving this track. */
  port: number;
  /** Burn in the name and a clock; false when drawtext or a font is unusable. */
  drawText: boolean;
  /** A font file for drawtext; without it fontconfig's default font is used. */
  fontFile?: string;
  /** Burn the wall clock in as a machine-readable barcode (clockBarcode.ts), for latency benchmarks. */
  clockBarcode?: boolean;
}

export interface SyntheticAudioArgs {
  frequency: number;
  /** An audio file played in a loop instead of the tone (spoken samples for transcript tests). */
  file?: string;
  payloadType: number;
  ssrc: number;
  port: number;
}

export interface SyntheticArgsSpec {
  /** Shown in the picture. */
  name: string;
  /** A unique token placed in the argument list, so the process can be found (pgrep -f) in tests. */
  marker: string;
  /** Wall clock (ms since epoch) at spawn: the burnt-in clock is this plus the frame's pts. */
  startedAtMs: number;
  video?: SyntheticVideoArgs;
  audio?: SyntheticAudioArgs;
  host?: string;
  /**
   * A/V sync marks (avMarks.ts): a white frame and a 1 kHz beep at the same instant every 2 s;
   * the audio is silent between beeps (the tone's frequency is then unused).
   */
  avMarks?: boolean;
}

/** Keyframes every 2 s: FFmpeg's RTP sender ignores PLIs, so late joiners wait at most that long. */
export const KEYFRAME_INTERVAL_S = 2;

export function buildSyntheticFfmpegArgs(spec: SyntheticArgsSpec): string[] {
  if (!spec.video && !spec.audio) throw new Error('a synthetic publisher needs video, audio or both');
  const host = spec.host ?? '127.0.0.1';
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'warning'];
  // Inputs: each lavfi source is read at its native rate (-re), so the output is realtime.
  if (spec.video) args.push('-re', '-f', 'lavfi', '-i', videoSourceGraph(spec.video, spec));
  if (spec.audio) args.push(...audioInputArgs(spec.audio, spec.avMarks));
  // The marker rides on the first output as harmless metadata (RTP carries no metadata).
  args.push('-metadata', `comment=${spec.marker}`);
  if (spec.video) args.push(...videoOutputArgs(spec.video, host));
  if (spec.audio) args.push(...audioOutputArgs(spec.audio, spec.video ? 1 : 0, host));
  return args;
}

function audioInputArgs(audio: SyntheticAudioArgs, avMarks?: boolean): string[] {
  if (audio.file) return ['-re', '-stream_loop', '-1', '-i', audio.file];
  return ['-re', '-f', 'lavfi', '-i', avMarks ? beepSource() : `sine=frequency=${audio.frequency}:sample_rate=48000`];
}

function videoSourceGraph(video: SyntheticVideoArgs, spec: SyntheticArgsSpec): string {
  const filters = [`testsrc2=size=${video.width}x${video.height}:rate=${video.fps}`];
  if (video.drawText) filters.push(drawtextFilter(video, spec));
  if (video.clockBarcode) filters.push(...clockBarcodeFilters(spec.startedAtMs));
  if (spec.avMarks) filters.push(flashFilter(video.fps));
  return filters.join(',');
}

/**
 * Name, wall clock with milliseconds and frame number, at the bottom (testsrc2 draws its own
 * counter at the top left). The clock is pts + the UTC time of day at spawn, because drawtext's
 * localtime has no milliseconds; with -re the two stay within a frame or so. It reads past 24:00
 * after midnight UTC, which is fine for a test picture.
 */
function drawtextFilter(video: SyntheticVideoArgs, spec: SyntheticArgsSpec): string {
  const secondsOfDay = ((spec.startedAtMs % 86_400_000) / 1000).toFixed(3);
  const fontSize = Math.max(10, Math.round(video.height / 15));
  const text = `${displayName(spec.name)} %{pts\\:hms\\:${secondsOfDay}} #%{n}`;
  const options = [
    ...(video.fontFile ? [`fontfile='${video.fontFile}'`] : []),
    `text='${text}'`,
    'fontcolor=white',
    `fontsize=${fontSize}`,
    'box=1',
    'boxcolor=black@0.6',
    'x=8',
    'y=h-th-8',
  ];
  return `drawtext=${options.join(':')}`;
}

/** Only characters that need no escaping in a filtergraph or drawtext expansion reach FFmpeg. */
export function displayName(name: string): string {
  const safe = name.replace(/[^\p{L}\p{N} _.@-]/gu, '_').slice(0, 32);
  return safe.length > 0 ? safe : '_';
}

/**
 * FFmpeg sends RTCP from a second socket (RTP port + 1), and its first packet is an RTCP sender
 * report: a comedia transport would lock onto that socket and drop all RTP. So sender reports are
 * skipped (mediasoup 3.8.4 builds its consumers' reports from arrival times anyway), and rtcpport
 * points at the RTP port so nothing can stray to a neighbouring transport. 1200 bytes leaves room
 * for headers on any path.
 */
function rtpOutput(host: string, port: number): string[] {
  return ['-rtpflags', 'skip_rtcp', '-f', 'rtp', `rtp://${host}:${port}?rtcpport=${port}&pkt_size=1200`];
}

function videoOutputArgs(video: SyntheticVideoArgs, host: string): string[] {
  const gop = String(Math.max(1, Math.round(video.fps * KEYFRAME_INTERVAL_S)));
  const bitrate = `${video.bitrateKbps}k`;
  return [
    '-map', '0:v:0',
    '-c:v', 'libvpx', '-b:v', bitrate, '-maxrate', bitrate, '-bufsize', bitrate,
    // Cheapest realtime VP8: no look-ahead, one thread (two cores are shared with everything else).
    '-deadline', 'realtime', '-cpu-used', '8', '-lag-in-frames', '0', '-error-resilient', '1', '-threads', '1',
    '-g', gop, '-keyint_min', gop, '-pix_fmt', 'yuv420p',
    '-payload_type', String(video.payloadType), '-ssrc', String(video.ssrc),
    ...rtpOutput(host, video.port),
  ];
}

function audioOutputArgs(audio: SyntheticAudioArgs, inputIndex: number, host: string): string[] {
  return [
    '-map', `${inputIndex}:a:0`,
    '-c:a', 'libopus', '-b:a', '48k', '-ac', '2', '-ar', '48000', '-application', 'lowdelay',
    '-payload_type', String(audio.payloadType), '-ssrc', String(audio.ssrc),
    ...rtpOutput(host, audio.port),
  ];
}
