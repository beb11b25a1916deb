import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a child that must behave like a user's shell outside this repo: without the
 * npm_/pnpm_ variables pnpm and vitest pass down (they would point npm at this workspace).
 */
export function outsideEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|pnpm_|PNPM_|VITEST|NODE_OPTIONS$|INIT_CWD$)/i.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs a command to its end (killed after `timeoutMs`); never rejects on a non-zero exit. */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env ?? outsideEnv(), timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number' && !error.killed) return reject(error);
        resolvePromise({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
      },
    );
  });
}

/** scripts/pack.sh into `outDir`: the tarball paths it printed, by package short name. */
export async function packPackages(outDir: string): Promise<Record<'protocol' | 'client' | 'server-sdk', string>> {
  const result = await run('bash', [join(repoRoot, 'scripts/pack.sh'), outDir], { cwd: repoRoot, env: process.env, timeoutMs: 240_000 });
  if (result.code !== 0) throw new Error(`pack.sh failed (${result.code}): ${result.stderr.slice(-2000)}`);
  const paths = result.stdout.trim().split('\n');
  const find = (name: string): string => {
    const path = paths.find((line) => line.endsWith(`/roomcast-${name}.tgz`));
    if (!path) throw new Error(`pack.sh printed no tarball for ${name}: ${result.stdout}`);
    return path;
  };
  return { protocol: find('protocol'), client: find('client'), 'server-sdk': find('server-sdk') };
}

export interface ConsumerProject {
  dir: string;
  remove(): Promise<void>;
}

/** An empty ESM project under the OS temp dir (outside the workspace) with `packages` npm-installed. */
export async function createConsumerProject(packages: string[]): Promise<ConsumerProject> {
  const dir = await mkdtemp(join(tmpdir(), 'roomcast-consumer-'));
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'roomcast-consumer', private: true, type: 'module' }));
    const args = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...packages];
    const result = await run('npm', args, { cwd: dir, timeoutMs: 240_000 });
    if (result.code !== 0) throw new Error(`npm install failed (${result.code}): ${result.stderr.slice(-2000)}`);
  } catch (error) {
    await remove();
    throw error;
  }
  return { dir, remove };
}

/** The repo's own binaries, run against files in the consumer project (nothing resolves through the repo). */
const repoRequire = createRequire(join(repoRoot, 'apps/demo/package.json'));
export const tscBin = createRequire(join(repoRoot, 'package.json')).resolve('typescript/bin/tsc');
export const viteBin = join(dirname(repoRequire.resolve('vite/package.json')), 'bin/vite.js');

/** Starts `node script` in `cwd` and returns its output once it exits (killed after `timeoutMs`). */
export function runNodeScript(script: string, cwd: string, env: Record<string, string>, timeoutMs = 60_000): Promise<RunResult> {
  return run(process.execPath, [script], { cwd, env: outsideEnv(env), timeoutMs });
}

const CONTENT_TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** Serves a built page from `root` on 127.0.0.1 (GET only; nothing outside `root`). */
export async function serveStatic(root: string): Promise<StaticServer> {
  const base = resolve(root);
  const server: Server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = normalize(join(base, pathname === '/' ? 'index.html' : pathname));
    if (!file.startsWith(base + sep)) return void response.writeHead(404).end();
    stat(file).then(
      (info) => {
        if (!info.isFile()) return void response.writeHead(404).end();
        response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
        createReadStream(file).pipe(response);
      },
      () => void response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) };
}

export interface NodeProcess {
  /** Everything it wrote so far, stdout and stderr interleaved. */
  output(): string;
  /** Ends it (SIGTERM, then SIGKILL) and waits for its exit. Safe twice. */
  stop(): Promise<void>;
}

/** Starts a long-running `node script` in `cwd` (a server): the caller stops it. */
export function startNodeProcess(script: string, cwd: string, env: Record<string, string>): NodeProcess {
  const child = spawn(process.execPath, [script], { cwd, env: outsideEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = once(child, 'exit').catch(() => undefined);
  return {
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
