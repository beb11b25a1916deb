import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const DEV_API_KEY = 'devkey';
export const DEV_API_SECRET = 'devsecret';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const port = z.coerce.number().int().min(0).max(65535);
const list = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

/** Every environment variable the server reads. README's Configuration table mirrors this. */
const EnvSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ROOMCAST_API_KEY: z.string().min(1).default(DEV_API_KEY),
  ROOMCAST_API_SECRET: z.string().min(8).default(DEV_API_SECRET),
  MEDIASOUP_WORKERS: z.coerce.number().int().min(1).max(64).default(os.availableParallelism()),
  RTC_LISTEN_IP: z.ipv4().or(z.ipv6()).default('127.0.0.1'),
  RTC_ANNOUNCED_IP: z.string().optional(),
  RTC_MIN_PORT: port.default(40000),
  RTC_MAX_PORT: port.default(49999),
  MAX_ROOMS: z.coerce.number().int().min(1).default(100),
  ROOM_AUTO_CREATE: bool.default(true),
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(600),
  WS_PING_INTERVAL_MS: z.coerce.number().int().min(100).default(10_000),
  MEDIA_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  DEMO_DIR: z.string().default(fileURLToPath(new URL('../../demo/dist', import.meta.url))),
  WEBHOOK_URLS: list.pipe(z.array(z.url({ protocol: /^https?$/ }))).default([]),
  WEBHOOK_SECRET: z.string().optional(),
  EGRESS_RTP_MIN_PORT: port.default(50000),
  EGRESS_RTP_MAX_PORT: port.default(50999),
  EGRESS_MAX_DESTINATIONS_PER_ROOM: z.coerce.number().int().min(1).default(8),
  EGRESS_MAX_DESTINATIONS: z.coerce.number().int().min(1).default(32),
  EGRESS_MAX_COMPOSITES: z.coerce.number().int().min(1).default(2),
  EGRESS_RETRY_LIMIT: z.coerce.number().int().min(0).default(5),
  EGRESS_RETRY_BASE_MS: z.coerce.number().int().min(50).default(1000),
  EGRESS_IO_TIMEOUT_MS: z.coerce.number().int().min(500).default(10_000),
  EGRESS_X264_PRESET: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium']).default('veryfast'),
  EGRESS_X264_THREADS: z.coerce.number().int().min(0).max(16).optional(),
  EGRESS_BACKGROUND: z.string().regex(/^#[0-9a-fA-F]{6}$/).default('#101828'),
  EGRESS_RTMPS_VERIFY: bool.default(true),
  EGRESS_RTMPS_CA_FILE: z.string().min(1).optional(),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  host: string;
  port: number;
  logLevel: Env['LOG_LEVEL'];
  apiKey: string;
  apiSecret: string;
  /** True while the published dev credentials are in use: tokens anyone can mint. */
  devMode: boolean;
  workers: number;
  rtc: { listenIp: string; announcedIp?: string; minPort: number; maxPort: number };
  maxRooms: number;
  roomAutoCreate: boolean;
  rateLimitMax: number;
  wsPingIntervalMs: number;
  mediaTimeoutMs: number;
  demoDir: string;
  webhooks: { urls: string[]; secret: string };
  egress: {
    rtpPorts: { min: number; max: number };
    maxDestinationsPerRoom: number;
    maxDestinations: number;
    maxComposites: number;
    retryLimit: number;
    retryBaseMs: number;
    ioTimeoutMs: number;
    x264: { speed: Env['EGRESS_X264_PRESET']; threads?: number };
    background: string;
    rtmpsTls: { verify: boolean; caFile?: string };
  };
}

export class ConfigError extends Error {}

/** Reads and validates the environment once at start; a bad value stops the server with a clear message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  if (e.RTC_MIN_PORT >= e.RTC_MAX_PORT) throw new ConfigError('invalid configuration: RTC_MIN_PORT must be below RTC_MAX_PORT');
  if (e.EGRESS_RTP_MIN_PORT >= e.EGRESS_RTP_MAX_PORT) {
    throw new ConfigError('invalid configuration: EGRESS_RTP_MIN_PORT must be below EGRESS_RTP_MAX_PORT');
  }
  checkReadable('EGRESS_RTMPS_CA_FILE', e.EGRESS_RTMPS_CA_FILE);
  return {
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    apiKey: e.ROOMCAST_API_KEY,
    apiSecret: e.ROOMCAST_API_SECRET,
    devMode: e.ROOMCAST_API_KEY === DEV_API_KEY || e.ROOMCAST_API_SECRET === DEV_API_SECRET,
    workers: e.MEDIASOUP_WORKERS,
    rtc: { listenIp: e.RTC_LISTEN_IP, announcedIp: e.RTC_ANNOUNCED_IP, minPort: e.RTC_MIN_PORT, maxPort: e.RTC_MAX_PORT },
    maxRooms: e.MAX_ROOMS,
    roomAutoCreate: e.ROOM_AUTO_CREATE,
    rateLimitMax: e.RATE_LIMIT_MAX,
    wsPingIntervalMs: e.WS_PING_INTERVAL_MS,
    mediaTimeoutMs: e.MEDIA_TIMEOUT_MS,
    demoDir: e.DEMO_DIR,
    webhooks: { urls: e.WEBHOOK_URLS, secret: e.WEBHOOK_SECRET ?? e.ROOMCAST_API_SECRET },
    egress: {
      rtpPorts: { min: e.EGRESS_RTP_MIN_PORT, max: e.EGRESS_RTP_MAX_PORT },
      maxDestinationsPerRoom: e.EGRESS_MAX_DESTINATIONS_PER_ROOM,
      maxDestinations: e.EGRESS_MAX_DESTINATIONS,
      maxComposites: e.EGRESS_MAX_COMPOSITES,
      retryLimit: e.EGRESS_RETRY_LIMIT,
      retryBaseMs: e.EGRESS_RETRY_BASE_MS,
      ioTimeoutMs: e.EGRESS_IO_TIMEOUT_MS,
      x264: { speed: e.EGRESS_X264_PRESET, threads: e.EGRESS_X264_THREADS },
      background: e.EGRESS_BACKGROUND,
      rtmpsTls: { verify: e.EGRESS_RTMPS_VERIFY, caFile: e.EGRESS_RTMPS_CA_FILE },
    },
  };
}

/** A file the server needs later fails now, at start, rather than at the first broadcast. */
function checkReadable(name: string, path: string | undefined): void {
  if (path === undefined) return;
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new ConfigError(`invalid configuration: ${name}: cannot read ${path}`);
  }
}
