import { spawn } from 'node:child_process';
import { ffmpegPath, type QualityPreset } from '@roomcast/egress';
import { encoderArgs } from '../packages/egress/src/args/encoderArgs.js';
import { loadConfig } from '../apps/server/src/config.js';
import { ProcWindow, sampleProcess } from './procstat.js';

export interface FloorResult {
  /** The encoder's exact arguments, lavfi testsrc2 + sine instead of the two pipes. */
  cpu_cores: number;
  /** The same lavfi inputs decoded to `-f null`: what generating the test picture costs. */
  lavfi_source_cpu_cores: number;
  /** cpu_cores − lavfi_source_cpu_cores: the encode itself, comparable to the egress encoder. */
  encode_only_cpu_cores: number;
  peak_rss_mb: number;
  args: string;
}

/**
 * The composite encoder's own cost with nothing else around it: `encoderArgs(preset)` with its
 * raw-video pipe:0 and PCM pipe:3 inputs replaced by realtime lavfi sources. Output still goes to
 * pipe:1 (stdout is /dev/null here).
 */
export async function measureFloor(preset: QualityPreset, warmupS: number, windowS: number): Promise<FloorResult> {
  const { floorArgs, sourceArgs } = floorCommands(preset);
  const encode = await measureFfmpeg(floorArgs, warmupS, windowS);
  const source = await measureFfmpeg(sourceArgs, warmupS, windowS);
  const r3 = (n: number): number => Math.round(n * 1000) / 1000;
  return {
    cpu_cores: r3(encode.cores),
    lavfi_source_cpu_cores: r3(source.cores),
    encode_only_cpu_cores: r3(encode.cores - source.cores),
    peak_rss_mb: Math.round(encode.peakRssMb * 10) / 10,
    args: floorArgs.join(' '),
  };
}

/**
 * The floor encoder alone, once more: run right after each broadcast, with the publishers still
 * running, so it sees the same host speed and background load as the run it is compared with.
 */
export async function measureFloorEncode(preset: QualityPreset, warmupS: number, windowS: number): Promise<number> {
  return (await measureFfmpeg(floorCommands(preset).floorArgs, warmupS, windowS)).cores;
}

function floorCommands(preset: QualityPreset): { floorArgs: string[]; sourceArgs: string[] } {
  // The server's own reading of EGRESS_X264_*, so floor and server cannot disagree.
  const args = encoderArgs(preset, loadConfig(process.env).egress.x264);
  const firstInput = args.indexOf('-f');
  const outputs = args.indexOf('-map');
  const inputs = args.slice(firstInput, outputs);
  if (inputs.filter((a) => a === '-i').length !== 2 || !inputs.includes('pipe:0') || !inputs.includes('pipe:3')) {
    throw new Error(`encoderArgs changed shape; update bench/floor.ts: ${args.join(' ')}`);
  }
  const lavfi = [
    '-re', '-f', 'lavfi', '-i', `testsrc2=size=${preset.width}x${preset.height}:rate=${preset.fps}`,
    '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
  ];
  const floorArgs = [...args.slice(0, firstInput), ...lavfi, ...args.slice(outputs)];
  const sourceArgs = ['-hide_banner', '-nostdin', '-loglevel', 'warning', ...lavfi, '-map', '0:v', '-map', '1:a', '-f', 'null', '-'];
  return { floorArgs, sourceArgs };
}

async function measureFfmpeg(args: string[], warmupS: number, windowS: number): Promise<{ cores: number; peakRssMb: number }> {
  const child = spawn(ffmpegPath(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (stderr = (stderr + t).slice(-1000)));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  try {
    await sleep(warmupS * 1000);
    const pid = child.pid!;
    const sample = () => [sampleProcess(pid)].filter((s) => s !== undefined);
    const window = new ProcWindow({ ffmpeg: () => true });
    window.start(sample());
    const timer = setInterval(() => window.tick(sample()), 500);
    await sleep(windowS * 1000);
    clearInterval(timer);
    window.stop(sample());
    if (child.exitCode !== null) throw new Error(`floor FFmpeg exited early: ${stderr.trim()}`);
    return { cores: window.cores(() => true), peakRssMb: window.peakRssMb('ffmpeg') };
  } finally {
    child.kill('SIGKILL');
    await closed;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
