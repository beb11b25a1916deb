import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { createRedisClient } from './redisClient.js';

export interface RedisTestServer {
  /** redis://:<password>@127.0.0.1:<port> */
  url: string;
  password: string;
  /** Stops redis-server (SIGTERM) and waits for it to exit; its data stays in the directory. */
  stop(): Promise<void>;
  /** Starts it again on the same port and directory (the append-only file brings the data back). */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

/**
 * Debian's redis-server on loopback, with a password (so tests can check it never reaches a log),
 * append-only persistence in a temporary directory, and no RDB snapshots.
 */
export async function startRedisTestServer(): Promise<RedisTestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'roomcast-test-redis-'));
  const port = await freePort();
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    // The password goes in through stdin's config, not argv, where `ps` would show it.
    const process = spawn('redis-server', ['-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child = process;
    process.stdin.end(
      [`port ${port}`, 'bind 127.0.0.1', 'save ""', 'appendonly yes', `dir ${dir}`, `requirepass ${password}`, 'daemonize no'].join('\n') + '\n',
    );
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      };
      process.stdout.on('data', onData);
      process.stderr.on('data', onData);
      process.once('error', reject);
      process.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output.slice(-500)}`)));
    });
  };

  const stop = async (): Promise<void> => {
    const process = child;
    child = undefined;
    if (!process || process.exitCode !== null || process.signalCode !== null) return;
    const exited = new Promise((resolve) => process.once('exit', resolve));
    process.kill('SIGTERM');
    const killer = setTimeout(() => process.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };

  await start();
  return {
    url: `redis://:${password}@127.0.0.1:${port}`,
    password,
    stop,
    start,
    close: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A redis-server and one ready client of it (silent), for tests of what keeps state there. */
export async function startRedisWithClient(): Promise<{ server: RedisTestServer; client: Redis; close(): Promise<void> }> {
  const server = await startRedisTestServer();
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const client = createRedisClient(server.url, silent);
  await new Promise((resolve) => client.once('ready', resolve));
  return {
    server,
    client,
    close: async () => {
      client.disconnect();
      await server.close();
    },
  };
}
