import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The null sink the page plays into; FFmpeg records its monitor, as Jibri and LiveKit's egress do. */
export const PULSE_SINK = 'rec';
export const PULSE_MONITOR = `${PULSE_SINK}.monitor`;
export const PULSEAUDIO_MISSING = 'pulseaudio not installed (apt-get install pulseaudio)';

/** Whether a `pulseaudio` binary runs here (the page-audio baseline is skipped without it). */
export function pulseAudioInstalled(): boolean {
  const probe = spawnSync('pulseaudio', ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A PulseAudio daemon for one benchmark window: its own runtime, state and config directory
 * (nothing of the machine's or another run's), one null sink, and a socket that a client reaches
 * through `PULSE_SERVER`. In the foreground, so it is a child of this process: its CPU is sampled
 * with the baseline's, and stop() ends it.
 */
export class PulseAudioDaemon {
  #stderrTail = '';
  #spawnError: Error | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {
    child.once('error', (error) => {
      this.#spawnError = error;
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      this.#stderrTail = (this.#stderrTail + chunk.toString('utf8')).slice(-2000);
    });
  }

  /** `PULSE_SERVER` for a client's environment (Chromium, FFmpeg): no autospawn, no machine default. */
  get env(): Record<string, string> {
    return { PULSE_SERVER: `unix:${join(this.dir, 'native')}` };
  }

  static async start(): Promise<PulseAudioDaemon> {
    const dir = mkdtempSync(join(tmpdir(), 'bench-pulse-'));
    // The sink is loaded before the socket, so the socket's existence says the sink is there too.
    // Anonymous auth: only this run's processes know the socket, which sits in a private mkdtemp.
    writeFileSync(join(dir, 'default.pa'), [
      `load-module module-null-sink sink_name=${PULSE_SINK} rate=48000 channels=2`,
      `set-default-sink ${PULSE_SINK}`,
      `load-module module-native-protocol-unix socket=${join(dir, 'native')} auth-anonymous=1`,
      '',
    ].join('\n'));
    const child = spawn('pulseaudio', [
      // As root without --system it warns and runs; HOME, XDG_* and PULSE_RUNTIME_PATH keep its files in `dir`.
      '--daemonize=no', '--system=no', '--exit-idle-time=-1', '--disallow-exit', '--use-pid-file=no',
      // -n: not the machine's default.pa; no SHM (a client in another namespace or sandbox never needs it here).
      '-n', '-F', join(dir, 'default.pa'), '--disable-shm=yes',
      // No realtime or nice boost: it would change how the baseline competes for the 2 shared cores.
      '--realtime=no', '--high-priority=no', '--log-target=stderr', '--log-level=error',
    ], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: dir, XDG_RUNTIME_DIR: dir, PULSE_RUNTIME_PATH: join(dir, 'run'), PULSE_STATE_PATH: join(dir, 'state') },
    });
    const daemon = new PulseAudioDaemon(child, dir);
    child.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    try {
      await daemon.#ready();
    } catch (error) {
      await daemon.stop();
      throw error;
    }
    return daemon;
  }

  async #ready(): Promise<void> {
    const until = Date.now() + 10_000;
    while (!existsSync(join(this.dir, 'native'))) {
      if (this.#spawnError) throw this.#spawnError;
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`pulseaudio exited at start: ${this.#stderrTail.trim()}`);
      if (Date.now() > until) throw new Error(`pulseaudio gave no socket within 10 s: ${this.#stderrTail.trim()}`);
      await sleep(50);
    }
  }

  /**
   * The mean volume of what the sink plays over `seconds` (FFmpeg volumedetect on its monitor):
   * about -91 dB is digital silence, so this says the page's audio really reached the recorder.
   */
  meanVolumeDb(seconds: number): Promise<number | undefined> {
    return new Promise((resolve) => {
      const ffmpeg = spawn('ffmpeg', ['-hide_banner', '-nostats', '-f', 'pulse', '-sample_rate', '48000', '-channels', '2', '-i', PULSE_MONITOR,
        '-t', String(seconds), '-af', 'volumedetect', '-f', 'null', '-'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...this.env } });
      let text = '';
      // Bounded even if the monitor never delivers: the result is then undefined, not a hang.
      const timer = setTimeout(() => ffmpeg.kill('SIGKILL'), (seconds + 10) * 1000);
      ffmpeg.stderr.on('data', (chunk: Buffer) => {
        text = (text + chunk.toString('utf8')).slice(-4000);
      });
      ffmpeg.once('error', () => resolve(undefined));
      ffmpeg.once('close', () => {
        clearTimeout(timer);
        const match = /mean_volume: (-?[\d.]+|-inf) dB/.exec(text);
        resolve(match ? (match[1] === '-inf' ? -Infinity : Number(match[1])) : undefined);
      });
    });
  }

  /** SIGTERM (it unloads its modules and removes its socket), then its directory goes. */
  stop(): Promise<void> {
    const { child } = this;
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      rmSync(this.dir, { recursive: true, force: true });
      return Promise.resolve();
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.kill('SIGTERM');
    return exited.finally(() => clearTimeout(timer));
  }
}
