import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { ffmpegPath } from '@roomcast/egress';

export interface MachineInfo {
  nproc: number;
  cpu_model: string;
  mem_total_mb: number;
  node: string;
  ffmpeg: string;
  /** 1-minute load average when the benchmark started: other work on the machine skews figures. */
  loadavg_1m_at_start: number;
}

export function machineInfo(): MachineInfo {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  let ffmpeg = 'unknown';
  try {
    ffmpeg = execFileSync(ffmpegPath(), ['-version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
  } catch (error) {
    ffmpeg = `unavailable: ${(error as Error).message}`;
  }
  return {
    nproc: availableParallelism(),
    cpu_model: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    mem_total_mb: Math.round(totalmem() / 2 ** 20),
    node: process.version,
    ffmpeg,
    loadavg_1m_at_start: Number(loadavg()[0]!.toFixed(2)),
  };
}
