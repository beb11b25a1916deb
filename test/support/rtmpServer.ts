import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, portAccepts, sleep, waitFor } from './ports.js';
import { descendantsOf } from './processes.js';
import { makeTestCertificates } from './testCertificates.js';

/** A running nginx-rtmp on loopback, owned by one test. */
export interface RtmpServer {
  port: number;
  /** Port of the loopback HTTP stat page (`statUrl`). */
  httpPort: number;
  statUrl: string;
  /** The temp directory holding config, logs and pid; unique, so it also marks the process. */
  prefix: string;
  pid: number;
  /** Present when started with `tls: true`. */
  rtmps?: RtmpsEndpoint;
  /** rtmp://127.0.0.1:<port>/<app>: the form used with a separate stream key. */
  appUrl(app?: string): string;
  /** rtmp://127.0.0.1:<port>/<app>/<stream>. */
  rtmpUrl(stream: string, app?: string): string;
  /** Names of the streams being published in `app` right now (from the stat page). */
  liveStreams(app?: string): Promise<string[]>;
  errorLog(): Promise<string>;
  /** Ends nginx (master and workers), awaits its exit and removes the temp directory. Safe twice. */
  stop(): Promise<void>;
}

/** TLS in front of the same RTMP server, with certificates from a throwaway CA. */
export interface RtmpsEndpoint {
  /** The CA that signed both certificates. */
  caFile: string;
  /** rtmps://127.0.0.1:<port>/<app>, with a certificate naming 127.0.0.1. */
  appUrl(app?: string): string;
  /** The same, on a port whose certificate names another host. */
  otherNameAppUrl(app?: string): string;
}

export interface RtmpServerOptions {
  rtmpModule?: string;
  nginxBinary?: string;
  startTimeoutMs?: number;
  /** Also listen for rtmps:// (needs libnginx-mod-stream and the openssl command). */
  tls?: boolean;
}

interface Ports {
  rtmp: number;
  http: number;
  rtmps?: number;
  rtmpsOtherName?: number;
}

const TEMPLATE = fileURLToPath(new URL('../nginx/nginx.conf.template', import.meta.url));
const RTMPS_TEMPLATE = fileURLToPath(new URL('../nginx/rtmps.conf.template', import.meta.url));
const RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';
const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';
const HOST = '127.0.0.1';

/** Fills the template's {{NAME}} placeholders; an unknown one is an error, not a silent gap. */
export function renderNginxConfig(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`nginx template: no value for {{${name}}}`);
    return value;
  });
}

export async function startRtmpServer(options: RtmpServerOptions = {}): Promise<RtmpServer> {
  // The ports are picked free and then bound by nginx: another process may win that race; retry.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      lastError = error;
      if (!/in use/i.test(String(error))) break;
    }
  }
  throw lastError;
}

async function writeConfig(prefix: string, ports: Ports, options: RtmpServerOptions): Promise<string | undefined> {
  const tls = options.tls ? await rtmpsConfig(prefix, ports) : undefined;
  const config = renderNginxConfig(await readFile(TEMPLATE, 'utf8'), {
    RTMP_MODULE: options.rtmpModule ?? RTMP_MODULE,
    STREAM_MODULE: tls ? `load_module ${STREAM_MODULE};` : '',
    // As root, nginx would switch its workers to "nobody", who cannot write our temp dir.
    USER_DIRECTIVE: process.getuid?.() === 0 ? 'user root;' : '',
    PREFIX: prefix,
    RTMP_PORT: String(ports.rtmp),
    HTTP_PORT: String(ports.http),
    RTMPS: tls?.config ?? '',
  });
  await writeFile(join(prefix, 'nginx.conf'), config);
  return tls?.caFile;
}

async function rtmpsConfig(prefix: string, ports: Ports): Promise<{ config: string; caFile: string }> {
  const dir = join(prefix, 'tls');
  await mkdir(dir);
  const certs = await makeTestCertificates(dir);
  const config = renderNginxConfig(await readFile(RTMPS_TEMPLATE, 'utf8'), {
    RTMP_PORT: String(ports.rtmp),
    RTMPS_PORT: String(ports.rtmps),
    RTMPS_OTHER_NAME_PORT: String(ports.rtmpsOtherName),
    LOOPBACK_CERT: certs.loopback.cert,
    LOOPBACK_KEY: certs.loopback.key,
    OTHER_NAME_CERT: certs.otherName.cert,
    OTHER_NAME_KEY: certs.otherName.key,
  });
  return { config, caFile: certs.caFile };
}

async function pickPorts(tls: boolean): Promise<Ports> {
  const ports: Ports = { rtmp: await freePort(), http: await freePort() };
  if (tls) Object.assign(ports, { rtmps: await freePort(), rtmpsOtherName: await freePort() });
  return ports;
}

async function startOnce(options: RtmpServerOptions): Promise<RtmpServer> {
  const prefix = await mkdtemp(join(tmpdir(), 'roomcast-nginx-'));
  const ports = await pickPorts(options.tls ?? false);
  let caFile: string | undefined;
  try {
    caFile = await writeConfig(prefix, ports, options);
  } catch (error) {
    await rm(prefix, { recursive: true, force: true });
    throw error;
  }
  const child = spawn(options.nginxBinary ?? 'nginx', ['-c', join(prefix, 'nginx.conf'), '-p', `${prefix}/`, '-e', join(prefix, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const server = createHandle(child, prefix, ports, caFile);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const allAccept = async () => (await Promise.all(Object.values(ports).map((p: number) => portAccepts(p)))).every(Boolean);
  const up = await Promise.race([waitFor(allAccept, options.startTimeoutMs ?? 5000, exited), spawnError.then(() => false)]);
  if (up && !exited()) return server;
  const log = await server.errorLog();
  await server.stop();
  throw new Error(`nginx did not start on 127.0.0.1:${ports.rtmp}: ${stderr.trim()} ${log.trim()}`);
}

function createHandle(child: ChildProcess, prefix: string, ports: Ports, caFile: string | undefined): RtmpServer {
  const { rtmp: port, http: httpPort } = ports;
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let stopping: Promise<void> | undefined;
  const statUrl = `http://${HOST}:${httpPort}/stat`;
  return {
    port,
    httpPort,
    statUrl,
    prefix,
    pid: child.pid ?? -1,
    rtmps: caFile === undefined ? undefined : rtmpsEndpoint(caFile, ports),
    appUrl: (app = 'live') => `rtmp://${HOST}:${port}/${app}`,
    rtmpUrl: (stream, app = 'live') => `rtmp://${HOST}:${port}/${app}/${stream}`,
    liveStreams: async (app = 'live') => parseLiveStreams(await (await fetch(statUrl)).text(), app),
    errorLog: () => readFile(join(prefix, 'error.log'), 'utf8').catch(() => ''),
    stop: () => (stopping ??= stopNginx(child, closed, prefix)),
  };
}

function rtmpsEndpoint(caFile: string, ports: Ports): RtmpsEndpoint {
  return {
    caFile,
    appUrl: (app = 'live') => `rtmps://${HOST}:${ports.rtmps}/${app}`,
    otherNameAppUrl: (app = 'live') => `rtmps://${HOST}:${ports.rtmpsOtherName}/${app}`,
  };
}

/** SIGTERM is nginx's fast shutdown; SIGKILL (master and workers) if it hangs. */
async function stopNginx(child: ChildProcess, closed: Promise<void>, prefix: string): Promise<void> {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    const workers = descendantsOf(child.pid).map((p) => p.pid);
    child.kill('SIGTERM');
    const done = await Promise.race([closed.then(() => true), sleep(3000).then(() => false)]);
    if (!done) {
      for (const pid of [child.pid, ...workers]) killQuietly(pid);
      await closed;
    }
    // A worker killed with its master would be orphaned: make sure none is left.
    for (const pid of workers) killQuietly(pid);
  }
  await rm(prefix, { recursive: true, force: true });
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Streams of `app` that have a publisher, from nginx-rtmp's XML stat page. */
export function parseLiveStreams(xml: string, app: string): string[] {
  const applications = xml.split('<application>').slice(1);
  const mine = applications.find((block) => block.match(/^\s*<name>([^<]*)<\/name>/)?.[1] === app);
  if (!mine) return [];
  return mine
    .split('<stream>')
    .slice(1)
    .filter((stream) => stream.includes('<publishing/>'))
    .map((stream) => stream.match(/<name>([^<]*)<\/name>/)?.[1] ?? '')
    .filter(Boolean);
}
