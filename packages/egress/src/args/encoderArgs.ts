import type { QualityPreset } from '../composite/presets.js';
import { PIPE_SOURCE, type VideoSource } from '../composite/videoSource.js';

/**
 * The one encoder of a composite: raw YUV frames on stdin, the mixed mono PCM on fd 3, H.264 + AAC
 * in FLV on stdout. Constant-bitrate-like rate control and a fixed 2 s GOP, as RTMP ingest wants.
 */
export type X264Speed = 'ultrafast' | 'superfast' | 'veryfast' | 'faster' | 'fast' | 'medium';

export interface X264Tuning {
  /** x264 preset: slower presets look better at the same bitrate and cost more CPU. */
  speed?: X264Speed;
  /** Encoder threads; 0 lets x264 choose. Unset: {@link defaultX264Threads}. */
  threads?: number;
}

/** Frames up to 1280x720 (921,600 pixels) are encoded on one thread. */
const SINGLE_THREAD_MAX_PIXELS = 1280 * 720;

/**
 * One thread up to 720p, x264's own choice above. With `-tune zerolatency` x264 splits every frame
 * into slices, one per thread; on this 2-core host that costs about a third more CPU at 720p
 * (bench: 7.8 vs 5.8 CPU-seconds for 20 s of a 720p30 grid), while one thread still encodes 720p30
 * several times faster than realtime. At 1080p one thread is too close to realtime.
 */
export function defaultX264Threads(p: QualityPreset): number {
  return p.width * p.height <= SINGLE_THREAD_MAX_PIXELS ? 1 : 0;
}

/** The size of the raw pictures on stdin: the composite's, which a lower encode scales down. */
export interface FrameSize {
  width: number;
  height: number;
}

export function encoderArgs(p: QualityPreset, tuning: X264Tuning = {}, input: FrameSize = p, source: VideoSource = PIPE_SOURCE): string[] {
  const gop = p.fps * p.keyframeIntervalS;
  const threads = tuning.threads ?? defaultX264Threads(p);
  const scaled = input.width !== p.width || input.height !== p.height;
  return [
    '-hide_banner', '-nostdin',
    // A display grab's start time is read from its input's description (AudioStartAligner), which
    // FFmpeg prints at `info`; -nostats keeps the progress lines of that level off stderr.
    ...(source.kind === 'display' ? ['-loglevel', 'info', '-nostats'] : ['-loglevel', 'warning']),
    ...videoInputArgs(p, input, source),
    '-probesize', '32', '-analyzeduration', '0',
    '-protocol_whitelist', 'pipe', '-f', 's16le', '-ar', '48000', '-ac', '1', '-thread_queue_size', '256', '-i', 'pipe:3',
    '-map', '0:v', '-map', '1:a',
    // A lower rung of the ladder scales the composite's picture here, once. `-vf scale` rather than
    // the output's `-s`: both insert the same bicubic swscale (measured: 0.98 vs 0.97 CPU-s for 300
    // frames 720p→360p with x264, equal within noise), and the filter leaves no doubt which `-s` is the input's.
    ...(scaled ? ['-vf', `scale=${p.width}:${p.height}`] : []),
    // x11grab stamps each grab with the wall clock: a late grab would leave a hole; one frame every 1/fps, always.
    ...(source.kind === 'display' ? ['-fps_mode', 'cfr', '-r', String(p.fps)] : []),
    '-c:v', 'libx264', '-preset', tuning.speed ?? 'veryfast', '-tune', 'zerolatency', '-threads', String(threads), '-profile:v', 'high', '-pix_fmt', 'yuv420p',
    '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0',
    '-b:v', `${p.videoKbps}k`, '-maxrate', `${p.videoKbps}k`, '-bufsize', `${p.videoKbps * 2}k`,
    // The `fast` AAC coder: at 128 kbit/s it sounds better than twoloop (FFmpeg's default here) and
    // costs a third of its CPU (measured). Its author's word: ffmpeg-cvslog 2018-January/112166.
    '-c:a', 'aac', '-aac_coder', 'fast', '-b:a', `${p.audioKbps}k`, '-ar', '48000', '-ac', '2',
    '-f', 'flv', '-flvflags', 'no_duration_filesize', 'pipe:1',
  ];
}

/**
 * The video input: the compositor's raw pictures on stdin, or the page's display grabbed here at the
 * composite's size and rate (what the compositor's own grab would have carried through Node).
 */
function videoInputArgs(p: QualityPreset, input: FrameSize, source: VideoSource): string[] {
  if (source.kind === 'display') {
    return ['-f', 'x11grab', '-framerate', String(p.fps), '-video_size', `${input.width}x${input.height}`, '-draw_mouse', '0', '-thread_queue_size', '64', '-i', source.display];
  }
  return [
    // Both inputs are fully described here: no probing, so the first frame is encoded at once.
    '-probesize', '32', '-analyzeduration', '0',
    '-protocol_whitelist', 'pipe',
    '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${input.width}x${input.height}`, '-r', String(p.fps),
    '-thread_queue_size', '64', '-i', 'pipe:0',
  ];
}
