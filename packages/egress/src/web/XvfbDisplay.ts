import { randomBytes } from 'node:crypto';
import { type ChildProcess, spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeEgressTempDir } from '../tempDirs.js';
import { xauthorityFile, xvfbArgs } from './webLayoutArgs.js';

/** How long Xvfb gets to remove its lock file and socket after SIGTERM before it is killed. */
const TERM_GRACE_MS = 1000;

/**
 * One Xvfb for one web layout: a display of the composite's size that its Chromium draws on and
 * x11grab reads. Xvfb picks a free display number itself (`-displayfd`), so layouts started at
 * once never race for one; clients need the random cookie in `xauthority` (no other local user
 * can read the page). stop() ends Xvfb and removes the cookie. Safe twice.
 */
export class XvfbDisplay {
  #stopped = false;
  readonly exited: Promise<void>;

  private constructor(
    readonly child: ChildProcess,
    /** `:N`, for DISPLAY and x11grab. */
    readonly display: string,
    readonly dir: string,
    /** The cookie file for XAUTHORITY. */
    readonly xauthority: string,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
  }

  static async start(width: number, height: number, timeoutMs: number): Promise<XvfbDisplay> {
    const dir = await makeEgressTempDir('xvfb');
    const xauthority = join(dir, 'Xauthority');
    await writeFile(xauthority, xauthorityFile(randomBytes(16)), { mode: 0o600 });
    const child = spawn(xvfbBinary(), xvfbArgs(width, height, xauthority), { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    try {
      const display = await displayOf(child, timeoutMs);
      return new XvfbDisplay(child, display, dir, xauthority);
    } catch (error) {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async stop(): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = true;
      // SIGTERM first: Xvfb then removes its /tmp/.X<N>-lock and socket (a SIGKILL leaves both behind).
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), TERM_GRACE_MS);
      await this.exited;
      clearTimeout(timer);
      await rm(this.dir, { recursive: true, force: true });
    }
    return this.exited;
  }
}

/** Debian's Xvfb (XVFB_PATH to override). */
export function xvfbBinary(): string {
  return process.env.XVFB_PATH ?? 'Xvfb';
}

/** Xvfb writes the display number it took to fd 3 once it accepts clients. */
function displayOf(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    let stderr = '';
    const displayFd = child.stdio[3] as NodeJS.ReadableStream;
    const timer = setTimeout(() => done(new Error(`Xvfb did not start within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      const match = /^(\d+)\n/.exec(text);
      if (match) done(undefined, `:${match[1]}`);
    };
    const onStderr = (chunk: Buffer): void => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4096);
    };
    const onExit = (): void => done(new Error(`Xvfb exited at start: ${stderr.trim().split('\n').slice(-2).join(' | ')}`));
    const onError = (error: Error): void => done(new Error(`cannot run ${xvfbBinary()}: ${error.message}`));
    function done(error?: Error, display?: string): void {
      clearTimeout(timer);
      displayFd.removeListener('data', onData);
      child.off('exit', onExit).off('error', onError);
      // Xvfb may go on logging: keep draining so it never blocks on a full pipe.
      child.stderr?.off('data', onStderr).resume();
      displayFd.resume();
      if (error) reject(error);
      else resolve(display!);
    }
    displayFd.on('data', onData);
    child.stderr?.on('data', onStderr);
    child.once('exit', onExit).once('error', onError);
  });
}
