import { READER_MARKER } from './firstFrame.js';
import type { ProcSample } from './procstat.js';

export type Kind =
  | 'node' // this process: the server (SFU control, REST, compositor, mixer, fan-out)
  | 'encoder' // the composite's libx264 + AAC FFmpeg
  | 'video_decoder' // per-track VP8 → tile FFmpeg
  | 'audio_decoder' // per-track Opus → PCM FFmpeg
  | 'relay' // per-destination copy relay FFmpeg
  | 'hls_remux' // per-rendition FLV → fragmented MP4 copy remux feeding the HLS packager
  | 'other_egress' // any other FFmpeg the egress starts (placeholder tiles)
  | 'publisher' // synthetic participants: remote in real life, not egress
  | 'reader' // the benchmark's first-frame players
  | 'nginx' // the RTMP destination
  | 'sfu_worker'; // mediasoup worker

export const EGRESS_FFMPEG: ReadonlySet<Kind> = new Set(['encoder', 'video_decoder', 'audio_decoder', 'relay', 'hls_remux', 'other_egress']);

/** What a descendant of this process is, from its command line (see packages/egress/src/args). */
export function classify(s: ProcSample, self = process.pid): Kind {
  const c = ` ${s.cmdline} `;
  if (s.pid === self) return 'node';
  if (c.includes('mediasoup-worker')) return 'sfu_worker';
  if (s.cmdline.startsWith('nginx')) return 'nginx';
  if (c.includes('roomcast-synthetic-')) return 'publisher';
  if (c.includes(READER_MARKER)) return 'reader';
  if (c.includes(' libx264 ')) return 'encoder';
  if (c.includes(' -f sdp ')) return c.includes(' -an ') ? 'video_decoder' : 'audio_decoder';
  if (c.includes(' -c copy ') && /\srtmps?:\/\//.test(c)) return 'relay';
  // hlsRemuxArgs: the encode's FLV in, fragmented MP4 out (a copy, like a relay, but to the packager).
  if (c.includes(' -f flv -i pipe:0 ') && c.includes(' -f mp4 ')) return 'hls_remux';
  return 'other_egress';
}

export const isEgressFfmpeg = (s: ProcSample): boolean => EGRESS_FFMPEG.has(classify(s));

/**
 * bench/webLayout.ts's split: both sides of that comparison (the web layout's egress and the
 * headless-browser compositor) by process, Chromium by process type and FFmpeg by role.
 */
export type WebLayoutKind =
  | 'node' | 'chromium-browser' | 'chromium-renderer' | 'chromium-gpu' | 'chromium-audio' | 'chromium-other' | 'xvfb'
  | 'pulseaudio' // the page-audio baseline's sound server: the page plays into its null sink, FFmpeg records the monitor
  | 'ffmpeg-encoder' | 'ffmpeg-jpeg-decoder' | 'ffmpeg-audio-decoder' | 'ffmpeg-relay' | 'ffmpeg-x11grab-x264' | 'ffmpeg-x11grab' | 'ffmpeg-other'
  | 'publisher' | 'sfu_worker' | 'nginx' | 'other';
export const WEB_LAYOUT_KINDS: readonly WebLayoutKind[] = ['node', 'chromium-browser', 'chromium-renderer', 'chromium-gpu', 'chromium-audio', 'chromium-other', 'xvfb', 'pulseaudio',
  'ffmpeg-encoder', 'ffmpeg-jpeg-decoder', 'ffmpeg-audio-decoder', 'ffmpeg-relay', 'ffmpeg-x11grab-x264', 'ffmpeg-x11grab', 'ffmpeg-other', 'other'];
/** The same for both sides and not the egress (remote participants, the SFU, the destination): shown, not counted. */
export const WEB_LAYOUT_NOT_COUNTED: readonly WebLayoutKind[] = ['publisher', 'sfu_worker', 'nginx'];

export function classifyWebLayout(s: ProcSample, self = process.pid): WebLayoutKind {
  if (s.pid === self) return 'node';
  const c = ` ${s.cmdline} `;
  if (c.includes('mediasoup-worker')) return 'sfu_worker';
  if (/nginx/.test(s.cmdline)) return 'nginx';
  if (c.includes('roomcast-synthetic-')) return 'publisher';
  if (/^\S*pulseaudio /.test(`${s.cmdline} `)) return 'pulseaudio';
  if (/chromium/.test(s.cmdline)) {
    const type = /--type=([a-z-]+)/.exec(s.cmdline)?.[1];
    if (type === undefined) return 'chromium-browser';
    if (type === 'renderer') return 'chromium-renderer';
    if (type === 'gpu-process') return 'chromium-gpu';
    // The audio service decodes nothing (the renderer does) but mixes and writes to the sound server.
    return c.includes('audio.mojom.AudioService') ? 'chromium-audio' : 'chromium-other';
  }
  if (/^\S*Xvfb/.test(s.cmdline)) return 'xvfb';
  if (/^\S*ffmpeg/.test(s.cmdline)) {
    if (c.includes(' x11grab ')) return c.includes(' libx264 ') ? 'ffmpeg-x11grab-x264' : 'ffmpeg-x11grab';
    if (c.includes(' libx264 ')) return 'ffmpeg-encoder';
    if (c.includes(' image2pipe ')) return 'ffmpeg-jpeg-decoder';
    if (c.includes(' -f sdp ')) return 'ffmpeg-audio-decoder';
    if (c.includes(' -c copy ')) return 'ffmpeg-relay';
    return 'ffmpeg-other';
  }
  return 'other';
}
