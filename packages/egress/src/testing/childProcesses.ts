import { readdirSync, readFileSync } from 'node:fs';

export interface ChildProcessInfo {
  pid: number;
  argv: string[];
}

/**
 * Live (non-zombie) children of this process, read from /proc. For tests that count what the
 * egress spawned: `decoderChildren()` are the FFmpeg decoders (they read an SDP input).
 */
export function childProcesses(parent = process.pid): ChildProcessInfo[] {
  const children: ChildProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z' || Number(ppid) !== parent) continue;
      children.push({ pid: Number(entry), argv: readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean) });
    } catch {
      // It exited while we looked.
    }
  }
  return children;
}

/** FFmpeg decoders of this process: `-f sdp -i …`. */
export function decoderChildren(parent = process.pid): ChildProcessInfo[] {
  return childProcesses(parent).filter(({ argv }) => argv.some((arg, i) => arg === 'sdp' && argv[i - 1] === '-f'));
}

/** Every FFmpeg child of this process. */
export function ffmpegChildren(parent = process.pid): ChildProcessInfo[] {
  return childProcesses(parent).filter(({ argv }) => /ffmpeg[^/]*$/.test(argv[0] ?? ''));
}
