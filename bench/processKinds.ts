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
