/** FFmpeg may open only the SDP file we wrote and the RTP/UDP sockets it describes. */
/** The SDP file, then RTP over UDP, SRTP when the SDP carries a key (EGRESS_RTP_SRTP). */
export const SDP_PROTOCOL_WHITELIST = 'file,udp,rtp,srtp';

/** The only address decoders receive on, unless EGRESS_RTP_LISTEN_IP says another (see boundTo). */
export const LOOPBACK = '127.0.0.1';

/** The input options every RTP decoder shares (media stream sources reuse them). */
export const COMMON_INPUT: readonly string[] = [
  '-hide_banner', '-nostdin', '-loglevel', 'warning',
  '-protocol_whitelist', SDP_PROTOCOL_WHITELIST,
  // Codec parameters come from the SDP: no probing, no waiting for other inputs.
  '-fflags', '+nobuffer+genpts', '-flags', 'low_delay',
  '-analyzeduration', '0', '-probesize', '32',
  // Reorder a little for loopback jitter, but never wait long for a lost packet.
  '-reorder_queue_size', '64', '-max_delay', '200000',
  // Bind the RTP and RTCP sockets to loopback, where mediasoup sends from: on 0.0.0.0 (FFmpeg's
  // default) anyone who reaches the port range could inject RTP into a broadcast. Not
  // `-sdp_flags filter_src`: it connect()s the socket to the SDP's own port, and mediasoup sends
  // from another one, so nothing would arrive.
  '-localaddr', LOOPBACK,
];

export interface VideoDecoderArgs {
  sdpPath: string;
  width: number;
  height: number;
  /** A file holding the participant's name (textfile= avoids every filter-escaping pitfall). */
  labelFile?: string;
  fontFile?: string;
  /** `#rrggbb` of the label's text and box (default white on translucent black). */
  labelColor?: string;
  labelBackground?: string;
}

/** Decodes one video track, fits it into its tile (letterboxed), labels it and writes raw YUV frames to stdout. */
export function videoDecoderArgs(o: VideoDecoderArgs): string[] {
  const filters = fitToTile(o.width, o.height);
  if (o.labelFile) filters.push(labelFilter(o.labelFile, o.height, o.fontFile, o.labelColor, o.labelBackground));
  return [
    ...COMMON_INPUT,
    // One thread: frame threading would hold each picture back a frame or two, and a tile-sized
    // decode is cheap (measured: the same CPU either way, 3 threads instead of 10).
    '-threads', '1', '-filter_threads', '1',
    '-f', 'sdp', '-i', o.sdpPath,
    '-an', '-vf', filters.join(','),
    '-fps_mode', 'passthrough',
    '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1',
  ];
}

/**
 * A decoder's arguments with its RTP sockets bound to `ip` instead of loopback: an egress node
 * on another host than its SFU nodes receives on the address they reach (EGRESS_RTP_LISTEN_IP).
 */
export function boundTo(args: readonly string[], ip: string): string[] {
  const at = args.indexOf('-localaddr');
  if (at < 0) throw new Error('not an RTP decoder\'s arguments (no -localaddr)');
  return [...args.slice(0, at + 1), ip, ...args.slice(at + 2)];
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

/**
 * A picture within this fraction of its tile's size is cropped or padded to fit, not scaled.
 * Cameras send 640x360 or 1280x720 and grid tiles are a few pixels smaller (the gaps): rescaling
 * by 1 % costs as much as any rescale (about a quarter of the decoder's CPU) and softens every
 * pixel, while cropping 4 pixels a side costs nothing and keeps the picture sharp.
 */
export const FIT_TOLERANCE = 0.03;

/**
 * Scale (keeping the aspect ratio) unless the picture is near the tile's size, then centre-crop
 * what overflows and letterbox what is short. Decided per frame from FFmpeg's iw/ih, because a
 * track's resolution is unknown up front and changes (simulcast layers, browser adaptation);
 * scale passes frames through untouched when asked for their own size.
 */
function fitToTile(width: number, height: number): string[] {
  const near = (input: string, size: number) =>
    `gte(${input},${Math.floor(size * (1 - FIT_TOLERANCE))})*lte(${input},${Math.ceil(size * (1 + FIT_TOLERANCE))})`;
  const keep = `${near('iw', width)}*${near('ih', height)}`;
  return [
    `scale=w='if(${keep},iw,${width})':h='if(${keep},ih,${height})':force_original_aspect_ratio=decrease:flags=bilinear`,
    `crop=w='min(iw,${width})':h='min(ih,${height})'`,
    `pad=${width}:${height}:-1:-1:color=black`,
  ];
}

function labelFilter(labelFile: string, tileHeight: number, fontFile?: string, color?: string, background?: string): string {
  const size = Math.max(10, Math.round(tileHeight / 18));
  const font = fontFile ? `:fontfile=${fontFile}` : '';
  // Colours were validated as #rrggbb: nothing here can break out of the filter string.
  const fontColor = color ? `0x${color.slice(1)}` : 'white';
  const boxColor = background ? `0x${background.slice(1)}@0.55` : 'black@0.55';
  return `drawtext=textfile=${labelFile}:expansion=none${font}:fontsize=${size}:fontcolor=${fontColor}:box=1:boxcolor=${boxColor}:boxborderw=${Math.round(size / 3)}:x=${size}:y=h-th-${size}`;
}
