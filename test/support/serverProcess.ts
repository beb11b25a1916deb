import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Auth } from '../../apps/server/src/auth.js';
import { descendantsOf, type ProcessInfo } from './processes.js';
import { freePort, waitFor } from './ports.js';

/** The built server: scripts/test.sh builds it (scripts/setup.sh) before any test runs. */
export const SERVER_MAIN = fileURLToPath(new URL('../../apps/server/dist/main.js', import.meta.url));

export interface ServerProcess {
  pid: number;
  url: string;
  /** Everything it wrote (its JSON log), for a failure's message. */
  output: () => string;
  api(path: string, init?: { method?: string; body?: unknown }): Promise<Response>;
  /** Settles once it exited, with its exit code (null when a signal ended it) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Media processes it started (FFmpeg, mediasoup workers): a SIGKILL of the server leaves them behind. */
  children(): ProcessInfo[];
  /** SIGKILL, unless it has exited already (safe to call twice). */
  kill(): void;
}

/**
 * `node apps/server/dist/main.js` as a child process with `env` on top of a loopback config:
 * what a crash or a signal does can only be seen on a real process.
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: build the server first (pnpm run build, or scripts/setup.sh)`);
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [SERVER_MAIN], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${port}`;
  const healthy = await waitFor(async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.ok === true, 20_000, () => gone);
  if (!healthy) {
    child.kill('SIGKILL');
    throw new Error(`the server did not start:\n${output.slice(-3000)}`);
  }
  const auth = new Auth(env.ROOMCAST_API_KEY ?? '', env.ROOMCAST_API_SECRET ?? '');
  return {
    pid: child.pid!,
    url,
    output: () => output,
    exited,
    api: async (path, init = {}) => {
      const headers: Record<string, string> = { authorization: `Bearer ${await auth.mintAdmin()}` };
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      const body = init.body === undefined ? undefined : JSON.stringify(init.body);
      return fetch(`${url}${path}`, { method: init.method ?? 'GET', headers, body });
    },
    children: () => descendantsOf(child.pid!),
    kill: () => {
      if (!gone) child.kill('SIGKILL');
    },
  };
}

/** SIGKILLs processes a crashed server left (by pid, ignoring those already gone). */
export function killOrphans(orphans: ProcessInfo[]): void {
  for (const orphan of orphans) {
    try {
      // The same process still (a pid is reused only after it exited): never kill a stranger.
      if (readFileSync(`/proc/${orphan.pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ') !== orphan.cmdline) continue;
      process.kill(orphan.pid, 'SIGKILL');
    } catch {
      // It exited on its own (a mediasoup worker ends when its channel closes).
    }
  }
}
