import { type ChildProcess, spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeEgressTempDir } from '../tempDirs.js';
import { chromiumArgs } from './webLayoutArgs.js';

/** An X display to draw on, and the cookie file that lets a client connect to it. */
export interface XDisplay {
  display: string;
  xauthority: string;
}

const DEVTOOLS_LINE = /DevTools listening on (ws:\/\/\S+)/;

/**
 * The profile's `Local State` before the first start: Chromium's energy saver always on
 * (`performance_tuning.battery_saver_mode.state` 3, "enabled", in Chromium 156). It caps the
 * page's frames (requestAnimationFrame, compositing) at 30 a second, which is the composite's
 * rate: the 30 extra frames a second Chromium draws at its default 60 would never be captured.
 * Measured on an animated page under Xvfb: 0.08–0.10 of a core against 0.17–0.18 (README, Web layout).
 * No command-line switch does this, and Xvfb has no refresh rate to lower (its RandR mode is 0 Hz).
 */
const LOCAL_STATE = { performance_tuning: { battery_saver_mode: { state: 3 } } };

/** Debian's chromium (CHROMIUM_PATH to override): never a downloaded browser. */
export function chromiumBinary(): string {
  return process.env.CHROMIUM_PATH ?? 'chromium';
}

/**
 * One Chromium, owned here rather than by Playwright: started in its own process group on a
 * throw-away profile, so stop() can kill the browser and every helper process it forked at once
 * and remove the profile, whatever state the browser is in.
 */
export class ChromiumProcess {
  #stopped = false;
  readonly exited: Promise<void>;

  private constructor(
    readonly child: ChildProcess,
    readonly profileDir: string,
    readonly devtoolsUrl: string,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
  }

  /**
   * Starts Chromium and waits (at most `timeoutMs`) for its DevTools endpoint: headless, or headful
   * on an X display when `x` is given (its cookie file in XAUTHORITY).
   */
  static async start(width: number, height: number, timeoutMs: number, x?: XDisplay): Promise<ChromiumProcess> {
    const profileDir = await makeEgressTempDir('chromium');
    await writeFile(join(profileDir, 'Local State'), JSON.stringify(LOCAL_STATE));
    const args = chromiumArgs({ profileDir, width, height, runningAsRoot: process.getuid?.() === 0, onDisplay: x !== undefined });
    const env = x ? { ...process.env, DISPLAY: x.display, XAUTHORITY: x.xauthority } : process.env;
    const child = spawn(chromiumBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true, env });
    try {
      const url = await devtoolsUrlOf(child, timeoutMs);
      return new ChromiumProcess(child, profileDir, url);
    } catch (error) {
      killGroup(child);
      await rm(profileDir, { recursive: true, force: true });
      throw error;
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Kills the whole process group (renderers, GPU and zygote helpers too) and removes the profile. Safe twice. */
  async stop(): Promise<void> {
    if (this.#stopped) return this.exited;
    this.#stopped = true;
    killGroup(this.child);
    await this.exited;
    await rm(this.profileDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

function killGroup(child: ChildProcess): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function devtoolsUrlOf(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => done(new Error(`chromium did not start within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      text = (text + chunk.toString('utf8')).slice(-8192);
      const match = DEVTOOLS_LINE.exec(text);
      if (match) done(undefined, match[1]);
    };
    const onExit = (): void => done(new Error(`chromium exited at start: ${text.trim().split('\n').slice(-3).join(' | ')}`));
    const onError = (error: Error): void => done(new Error(`cannot run ${chromiumBinary()}: ${error.message}`));
    function done(error?: Error, url?: string): void {
      clearTimeout(timer);
      child.off('exit', onExit).off('error', onError);
      child.stderr?.off('data', onData);
      // Chromium goes on writing to stderr: keep draining it so it never blocks on a full pipe.
      child.stderr?.resume();
      if (error) reject(error);
      else resolve(url!);
    }
    child.stderr?.on('data', onData);
    child.once('exit', onExit).once('error', onError);
  });
}
