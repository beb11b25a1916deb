import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { descendantsOf, listProcesses, type ProcessInfo } from './processes.js';

/** What an FFmpeg child of the server does, told from its command line (not from server internals). */
export type FfmpegRole = 'encoder' | 'relay' | 'hls' | 'decoder' | 'publisher' | 'other';

export function ffmpegRole(cmdline: string): FfmpegRole {
  // Both copy the encoder's FLV from stdin: to an RTMP server (relay) or to fMP4 for HLS.
  if (cmdline.includes('-f flv -i pipe:0')) return cmdline.includes('-f mp4') ? 'hls' : 'relay';
  if (cmdline.includes('.sdp')) return 'decoder';
  if (cmdline.includes('-f rawvideo') && cmdline.includes('pipe:0')) return 'encoder';
  if (cmdline.includes('-re -f lavfi')) return 'publisher';
  return 'other';
}

/** The FFmpeg processes this test process (and the server inside it) started, by role. */
export function ffmpegChildren(role?: FfmpegRole): ProcessInfo[] {
  return descendantsOf(process.pid, listProcesses()).filter(
    (p) => p.name === 'ffmpeg' && (role === undefined || ffmpegRole(p.cmdline) === role),
  );
}

/**
 * The egress's temp directories (SDP files, labels) made by this process: none may outlive what
 * made them. They live under one folder per server process, `roomcast-egress-<pid>`.
 */
export function egressTempDirs(): string[] {
  const root = join(tmpdir(), `roomcast-egress-${process.pid}`);
  return existsSync(root) ? readdirSync(root) : [];
}
