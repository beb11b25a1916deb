/** FFmpeg may open only the SDP file we wrote and the RTP/UDP sockets it describes. */
export const SDP_PROTOCOL_WHITELIST = 'file,udp,rtp';

const COMMON_INPUT = [
  '-hide_banner', '-nostdin', '-loglevel', 'warning',
  '-protocol_whitelist', SDP_PROTOCOL_WHITELIST,
  // Codec parameters come from the SDP: no probing, no waiting for other inputs.
  '-fflags', '+nobuffer+genpts', '-flags', 'low_delay',
  '-analyzeduration', '0', '-probesize', '32',
  // Reorder a little for loopback jitter, but never wait long for a lost packet.
  '-reorder_queue_size', '64', '-max_delay', '200000',
];

export interface VideoDecoderArgs {
  sdpPath: string;
  width: number;
  height: number;
  /** A file holding the participant's name (textfile= avoids every filter-escaping pitfall). */
  labelFile?: string;
  fontFile?: string;
}

/** Decodes one video track, fits it into its tile (letterboxed), labels it and writes raw YUV frames to stdout. */
export function videoDecoderArgs(o: VideoDecoderArgs): string[] {
  const filters = [
    `scale=${o.width}:${o.height}:force_original_aspect_ratio=decrease:flags=bilinear`,
    `pad=${o.width}:${o.height}:-1:-1:color=black`,
  ];
  if (o.labelFile) filters.push(labelFilter(o.labelFile, o.height, o.fontFile));
  return [
    ...COMMON_INPUT,
    '-f', 'sdp', '-i', o.sdpPath,
    '-an', '-vf', filters.join(','),
    '-fps_mode', 'passthrough',
    '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1',
  ];
}

/** Decodes one audio track to mono 48 kHz s16le on stdout, for the mixer. */
export function audioDecoderArgs(sdpPath: string): string[] {
  return [
    ...COMMON_INPUT,
    '-f', 'sdp', '-i', sdpPath,
    '-vn', '-af', 'aresample=async=1000',
    '-f', 's16le', '-ar', '48000', '-ac', '1', 'pipe:1',
  ];
}

/** A still placeholder tile: background, the name in the middle. One frame of raw YUV on stdout. */
export function placeholderArgs(o: { width: number; height: number; color: string; labelFile: string; fontFile?: string }): string[] {
  const size = Math.max(12, Math.round(o.height / 8));
  const font = o.fontFile ? `:fontfile=${o.fontFile}` : '';
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-f', 'lavfi', '-i', `color=c=${o.color}:s=${o.width}x${o.height}:r=1`,
    '-vf', `drawtext=textfile=${o.labelFile}:expansion=none${font}:fontsize=${size}:fontcolor=white:x=(w-tw)/2:y=(h-th)/2`,
    '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1',
  ];
}

function labelFilter(labelFile: string, tileHeight: number, fontFile?: string): string {
  const size = Math.max(10, Math.round(tileHeight / 18));
  const font = fontFile ? `:fontfile=${fontFile}` : '';
  return `drawtext=textfile=${labelFile}:expansion=none${font}:fontsize=${size}:fontcolor=white:box=1:boxcolor=black@0.55:boxborderw=${Math.round(size / 3)}:x=${size}:y=h-th-${size}`;
}
