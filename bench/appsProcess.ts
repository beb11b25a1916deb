import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** One beep heard by one app: CLOCK_MONOTONIC ms when its client emitted the frame, and the frame's server timestamp (epoch ms). */
export interface AppOnset {
  key: string;
  user: string;
  t: number;
  ts: number;
}

export interface AppCredentials {
  serverUrl: string;
  roomId: string;
  streamId: string;
  clientId: string;
  clientSecret: string;
}

type Reply = { type: string; key?: string; [field: string]: unknown };

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Marks the child's command line, so its CPU is told apart from the server's children. */
export const APPS_PROCESS_MARKER = 'vitest.apps.config.ts';

/**
 * The benchmark's apps in a child process (bench/mediaStreamApps.ts under vitest), driven over a
 * loopback TCP channel: connect a MediaStreamClient per stream, collect beep onsets and frame counts.
 */
export class AppsProcess {
  readonly onsets: AppOnset[] = [];
  readonly closed = new Map<string, string>();
  readonly events: Array<{ key: string; event: unknown }> = [];
  readonly #waiting = new Map<string, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  #channel: Socket | undefined;

  private constructor(
    readonly child: ChildProcess,
    readonly server: Server,
  ) {}

  static async start(beepPrefix: string): Promise<AppsProcess> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const child = spawn(process.execPath, [`${ROOT}node_modules/vitest/vitest.mjs`, 'run', '--config', `bench/${APPS_PROCESS_MARKER}`], {
      cwd: ROOT,
      env: { ...process.env, ROOMCAST_BENCH_CHANNEL_PORT: String(port), ROOMCAST_BENCH_BEEP_PREFIX: beepPrefix },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const apps = new AppsProcess(child, server);
    child.once('exit', (code) => apps.#failAll(new Error(`apps process exited (${code})`)));
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`apps process exited (${code})`))));
    exited.catch(() => undefined);
    const channel = new Promise<Socket>((resolve) => server.once('connection', resolve));
    apps.#adopt(await Promise.race([channel, exited]));
    return apps;
  }

  /** Connects one app's client to a stream; resolves once its media socket is ready. */
  async connect(key: string, credentials: AppCredentials): Promise<void> {
    const reply = await this.#request(key, { cmd: 'connect', key, ...credentials });
    if (reply.type !== 'connected') throw new Error(`app ${key}: ${String(reply.message)}`);
  }

  /** Audio frames each app has received so far. */
  async frameCounts(): Promise<Record<string, number>> {
    return (await this.#request('counts', { cmd: 'counts' })).frames as Record<string, number>;
  }

  /** Ends the channel (the child closes its clients and exits); kills it if it lingers. */
  async stop(): Promise<void> {
    this.#channel?.end();
    const exit = new Promise<void>((resolve) => (this.child.exitCode !== null ? resolve() : this.child.once('exit', () => resolve())));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exit;
    clearTimeout(timer);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #adopt(channel: Socket): void {
    this.#channel = channel;
    channel.on('error', () => undefined);
    createInterface({ input: channel }).on('line', (line) => this.#onReply(JSON.parse(line) as Reply));
  }

  #request(key: string, command: object): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.#waiting.set(key, { resolve, reject });
      this.#channel!.write(`${JSON.stringify(command)}\n`);
    });
  }

  #failAll(error: Error): void {
    for (const { reject } of this.#waiting.values()) reject(error);
    this.#waiting.clear();
  }

  #onReply(reply: Reply): void {
    if (reply.type === 'onset') return void this.onsets.push(reply as unknown as AppOnset);
    if (reply.type === 'event') return void this.events.push({ key: reply.key!, event: reply.event });
    if (reply.type === 'closed') return void this.closed.set(reply.key!, String(reply.reason));
    const key = reply.type === 'counts' ? 'counts' : reply.key!;
    const waiting = this.#waiting.get(key);
    this.#waiting.delete(key);
    waiting?.resolve(reply);
  }
}
