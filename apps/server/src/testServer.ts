import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from './config.js';
import { startServer, type RunningServer } from './server.js';

export interface TestServer extends RunningServer {
  /** Every log line the server wrote (JSON), when started with `captureLogs`. */
  logs: string[];
  /** A management token (`grants.admin`). */
  adminToken(): Promise<string>;
  /** `fetch` against the server with an admin token unless `auth: false`. */
  api(path: string, init?: { method?: string; body?: unknown; auth?: boolean | string }): Promise<Response>;
  /** Creates a room and returns a participant token for it. */
  participantToken(room: string, identity: string, role?: 'moderator' | 'participant' | 'viewer'): Promise<string>;
}

// A random first block: several test processes (or engineers) on one machine rarely pick the same ports.
let nextPortBlock = Math.floor(Math.random() * 20);

/**
 * A real server on 127.0.0.1 with a random HTTP port, for integration and end-to-end tests.
 * Each server gets its own RTC port range so servers in one test process never collide.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  // `configure` edits the loaded config: what no loopback env can say (e.g. a public host's demo rules).
  options: { captureLogs?: boolean; configure?: (config: Config) => void } = {},
): Promise<TestServer> {
  const block = nextPortBlock++ % 20;
  // Live streams a test records would otherwise stay in the shared default directory.
  const ownHlsDir = env.HLS_DIR === undefined ? await mkdtemp(join(tmpdir(), 'roomcast-test-hls-')) : undefined;
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    MEDIASOUP_WORKERS: '1',
    RTC_MIN_PORT: String(42000 + block * 200),
    RTC_MAX_PORT: String(42000 + block * 200 + 199),
    EGRESS_RTP_MIN_PORT: String(52000 + block * 200),
    EGRESS_RTP_MAX_PORT: String(52000 + block * 200 + 199),
    // Tests send to nginx-rtmp on loopback; the destination policy has its own test with this off.
    EGRESS_ALLOW_PRIVATE_DESTINATIONS: 'true',
    // In-process by default: tests read the EgressService's state; the child process has tests of its own.
    EGRESS_PROCESS: process.env.TEST_EGRESS_PROCESS ?? 'inline',
    ...(ownHlsDir ? { HLS_DIR: ownHlsDir } : {}),
    ...(process.env.MEDIASOUP_WORKER_BIN ? { MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN } : {}),
    ...env,
  });
  options.configure?.(config);
  const logs: string[] = [];
  const logStream = options.captureLogs ? { write: (line: string) => void logs.push(line) } : undefined;
  const server = await startServer(config, { logStream });
  const adminToken = (): Promise<string> => server.auth.mintAdmin();
  const api: TestServer['api'] = async (path, init = {}) => {
    const headers: Record<string, string> = {};
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.auth !== false) headers.authorization = `Bearer ${typeof init.auth === 'string' ? init.auth : await adminToken()}`;
    return fetch(`${server.url}${path}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
  };
  const participantToken: TestServer['participantToken'] = async (room, identity, role = 'participant') => {
    if (!server.sfu.rooms.has(room)) await server.sfu.createRoom(room);
    const { token } = await server.auth.mintParticipant(room, { identity, name: identity, role });
    return token;
  };
  const close = async (): Promise<void> => {
    await server.close();
    if (ownHlsDir) await rm(ownHlsDir, { recursive: true, force: true });
  };
  // The server as the prototype, not spread: its `egress` getter throws in EGRESS_PROCESS=child and must stay lazy.
  return Object.assign(Object.create(server) as RunningServer, { close, logs, adminToken, api, participantToken });
}
