import { spawn } from 'node:child_process';
import { ffprobePath } from '@roomcast/egress';

export interface ProbedVideo {
  codec: string;
  width: number;
  height: number;
  /** Frames per second from avg_frame_rate, else r_frame_rate; 0 if neither is known. */
  fps: number;
  profile?: string;
  pixFmt?: string;
}

export interface ProbedAudio {
  codec: string;
  sampleRate: number;
  channels: number;
}

export interface ProbeResult {
  video?: ProbedVideo;
  audio?: ProbedAudio;
  /** ffprobe's streams as printed, for anything else a test wants to check. */
  streams: Record<string, unknown>[];
}

export interface ProbeOptions {
  /** ffprobe is killed after this long (a live URL with no publisher would wait forever). Default 15 s. */
  timeoutMs?: number;
  /**
   * How much of the stream ffprobe analyses, default 1000 ms. Its default (5 s) outlasts short
   * pushes, and once a publisher stops nginx keeps players waiting, so the probe would only time out.
   */
  analyzeDurationMs?: number;
  /** Extra ffprobe input options, placed before -i. */
  inputArgs?: string[];
}

/** Runs `ffprobe -show_streams -of json` on a URL (an RTMP stream live on nginx, an HLS playlist, a file). */
export function probeStream(url: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const analyze = ['-analyzeduration', String((options.analyzeDurationMs ?? 1000) * 1000)];
  const args = ['-hide_banner', '-v', 'error', '-show_streams', '-of', 'json', ...analyze, ...(options.inputArgs ?? []), '-i', url];
  return new Promise((resolve, reject) => {
    const child = spawn(ffprobePath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ffprobe: ${error.message}`, { cause: error }));
    });
    // 'close' comes after the exit and after stdout is drained: the process is gone when we settle.
    child.once('close', (code) => {
      clearTimeout(timer);
      if (timedOut) reject(new Error(`ffprobe timed out after ${timeoutMs} ms on ${url}: ${stderr.trim()}`));
      else if (code !== 0) reject(new Error(`ffprobe failed (code ${code}) on ${url}: ${stderr.trim()}`));
      else resolve(parseProbeOutput(stdout));
    });
  });
}

export function parseProbeOutput(json: string): ProbeResult {
  const streams = ((JSON.parse(json) as { streams?: Record<string, unknown>[] }).streams ?? []);
  const video = streams.find((s) => s.codec_type === 'video');
  const audio = streams.find((s) => s.codec_type === 'audio');
  return {
    streams,
    video: video && {
      codec: String(video.codec_name),
      width: Number(video.width),
      height: Number(video.height),
      fps: frameRate(video.avg_frame_rate) || frameRate(video.r_frame_rate),
      profile: video.profile as string | undefined,
      pixFmt: video.pix_fmt as string | undefined,
    },
    audio: audio && {
      codec: String(audio.codec_name),
      sampleRate: Number(audio.sample_rate),
      channels: Number(audio.channels),
    },
  };
}

/** "30000/1001" → 29.97; "0/0" or garbage → 0. */
function frameRate(value: unknown): number {
  const [num, den] = String(value).split('/').map(Number);
  if (!num || !den || !Number.isFinite(num / den)) return 0;
  return Math.round((num / den) * 1000) / 1000;
}
