import type { QualityPreset } from '../composite/presets.js';

/**
 * The one encoder of a composite: raw YUV frames on stdin, the mixed mono PCM on fd 3, H.264 + AAC
 * in FLV on stdout. Constant-bitrate-like rate control and a fixed 2 s GOP, as RTMP ingest wants.
 */
export type X264Speed = 'ultrafast' | 'superfast' | 'veryfast' | 'faster' | 'fast' | 'medium';

export function encoderArgs(p: QualityPreset, speed: X264Speed = 'veryfast'): string[] {
  const gop = p.fps * p.keyframeIntervalS;
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'warning',
    // Both inputs are fully described here: no probing, so the first frame is encoded at once.
    '-probesize', '32', '-analyzeduration', '0',
    '-protocol_whitelist', 'pipe',
    '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${p.width}x${p.height}`, '-r', String(p.fps),
    '-thread_queue_size', '64', '-i', 'pipe:0',
    '-probesize', '32', '-analyzeduration', '0',
    '-protocol_whitelist', 'pipe', '-f', 's16le', '-ar', '48000', '-ac', '1', '-thread_queue_size', '256', '-i', 'pipe:3',
    '-map', '0:v', '-map', '1:a',
    '-c:v', 'libx264', '-preset', speed, '-tune', 'zerolatency', '-profile:v', 'high', '-pix_fmt', 'yuv420p',
    '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0',
    '-b:v', `${p.videoKbps}k`, '-maxrate', `${p.videoKbps}k`, '-bufsize', `${p.videoKbps * 2}k`,
    '-c:a', 'aac', '-b:a', `${p.audioKbps}k`, '-ar', '48000', '-ac', '2',
    '-f', 'flv', '-flvflags', 'no_duration_filesize', 'pipe:1',
  ];
}
