import { accessSync, constants, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { NodeRoleSchema, type NodeRole } from '@roomcast/protocol';
import { clusterConfig } from './cluster/clusterConfig.js';
import { devModeProblem, isLoopbackHost, webhookSecret } from './configGuards.js';
import type { UrlSigning } from './routes/urlSigning.js';
import { loadMediaStreamConfig, type MediaStreamConfig } from './rtms/mediaStreamConfig.js';
import { roomTypesConfig } from './roomTypes/roomTypesConfig.js';
import { loadWebLayoutConfig, type WebLayoutConfig } from './webLayout/webLayoutConfig.js';
import type { RoomTypeDefinitions } from './roomTypes/roomTypesFile.js';

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
  ROOMCAST_DEV_MODE: bool.optional(),
  MEDIASOUP_WORKERS: z.coerce.number().int().min(1).max(64).default(os.availableParallelism()),
  /** Past this many consumers on a room's router, its new subscribers go to another worker (pipeToRouter); 0: never. */
  SFU_CONSUMERS_PER_WORKER: z.coerce.number().int().min(0).default(400),
  RTC_LISTEN_IP: z.ipv4().or(z.ipv6()).default('127.0.0.1'),
  RTC_ANNOUNCED_IP: z.string().optional(),
  RTC_MIN_PORT: port.default(40000),
  RTC_MAX_PORT: port.default(49999),
  MAX_ROOMS: z.coerce.number().int().min(1).default(100),
  ROOM_AUTO_CREATE: bool.default(true),
  ROOM_EMPTY_TIMEOUT_S: z.coerce.number().int().min(1).default(300),
  DEMO_ROOM_CREATE_MAX: z.coerce.number().int().min(1).default(30),
  DEMO_MAX_ROOMS: z.coerce.number().int().min(1).default(20),
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(600),
  WS_PING_INTERVAL_MS: z.coerce.number().int().min(100).default(10_000),
  SIGNALING_MESSAGES_PER_SECOND: z.coerce.number().int().min(1).default(50),
  SIGNALING_MESSAGE_BURST: z.coerce.number().int().min(1).default(100),
  PARTICIPANT_MAX_TRANSPORTS: z.coerce.number().int().min(1).max(16).default(2),
  PARTICIPANT_MAX_PRODUCERS: z.coerce.number().int().min(1).max(16).default(4),
  PARTICIPANT_MAX_CONSUMERS: z.coerce.number().int().min(1).max(10_000).default(100),
  MEDIA_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  DEMO_DIR: z.string().default(fileURLToPath(new URL('../../demo/dist', import.meta.url))),
  WEBHOOK_URLS: list.pipe(z.array(z.url({ protocol: /^https?$/ }))).default([]),
  WEBHOOK_SECRET: z.string().min(16).optional(),
  EGRESS_RTP_MIN_PORT: port.default(50000),
  EGRESS_RTP_MAX_PORT: port.default(50999),
  EGRESS_MAX_DESTINATIONS_PER_ROOM: z.coerce.number().int().min(1).default(8),
  EGRESS_MAX_DESTINATIONS: z.coerce.number().int().min(1).default(32),
  EGRESS_MAX_COMPOSITES: z.coerce.number().int().min(1).default(2),
  /**
   * Where the egress runs with ROOMCAST_ROLE=all: `child` (default: its own process, restarted if it
   * dies, so an FFmpeg, compositor or bug-level fault never stops the rooms) or `inline` (in the
   * SFU's process: one process fewer, for debugging and the test suite's introspection).
   */
  EGRESS_PROCESS: z.enum(['child', 'inline']).default('child'),
  /** The SFU encrypts the RTP it taps for the egress (SRTP, AES_CM_128_HMAC_SHA1_80; FFmpeg checks every packet): on for RTP that crosses a network. */
  EGRESS_RTP_SRTP: bool.default(false),
  /**
   * Where the egress's decoders receive the SFU's RTP (EGRESS_RTP_*_PORT): loopback unless the
   * egress runs on another host than its SFU nodes (then an address they reach, with EGRESS_RTP_SRTP).
   */
  EGRESS_RTP_LISTEN_IP: z.ipv4().default('127.0.0.1'),
  /** The address SFU nodes send that RTP to (behind NAT, or with a listen address of 0.0.0.0); default the listen address. */
  EGRESS_RTP_ANNOUNCED_IP: z.ipv4().optional(),
  /** The local address an SFU node sends egress RTP from (its taps' PlainTransports): one that reaches its egress nodes. */
  EGRESS_TAP_LISTEN_IP: z.ipv4().default('127.0.0.1'),
  EGRESS_MAX_TILES: z.coerce.number().int().min(1).max(64).default(16),
  EGRESS_MAX_DECODERS_PER_COMPOSITE: z.coerce.number().int().min(1).max(128).default(24),
  EGRESS_RETRY_LIMIT: z.coerce.number().int().min(0).default(5),
  EGRESS_RETRY_BASE_MS: z.coerce.number().int().min(50).default(1000),
  EGRESS_IO_TIMEOUT_MS: z.coerce.number().int().min(500).default(10_000),
  EGRESS_X264_PRESET: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium']).default('veryfast'),
  EGRESS_X264_THREADS: z.coerce.number().int().min(0).max(16).optional(),
  EGRESS_BACKGROUND: z.string().regex(/^#[0-9a-fA-F]{6}$/).default('#101828'),
  EGRESS_RTMPS_VERIFY: bool.default(true),
  EGRESS_RTMPS_CA_FILE: z.string().min(1).optional(),
  EGRESS_ALLOW_PRIVATE_DESTINATIONS: bool.default(false),
  EGRESS_DESTINATION_ALLOWLIST: list.default([]),
  HLS_DIR: z.string().min(1).default(path.join(os.tmpdir(), 'roomcast-hls')),
  /** Recordings of live streams; kept until deleted (default <HLS_DIR>/recordings). */
  RECORDINGS_DIR: z.string().min(1).optional(),
  /** Uploaded images (`POST /v1/assets`, layout logos as `{asset}`); kept until deleted (default: `assets` beside RECORDINGS_DIR). */
  ASSETS_DIR: z.string().min(1).optional(),
  /** Finished recordings are uploaded to this bucket (credentials: the AWS SDK's default chain); unset: no upload. */
  RECORDINGS_S3_BUCKET: z.string().min(1).optional(),
  RECORDINGS_S3_PREFIX: z.string().default('recordings/'),
  /** S3-compatible stores (MinIO, R2…); unset: AWS. Credentials never go in this URL. */
  RECORDINGS_S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  RECORDINGS_S3_REGION: z.string().min(1).default('us-east-1'),
  RECORDINGS_S3_FORCE_PATH_STYLE: bool.default(false),
  RECORDINGS_S3_DELETE_LOCAL: bool.default(false),
  /** Signed playback and recording URLs (`?exp=&sig=`); off: the random id alone is the capability. */
  HLS_SIGNED_URLS: bool.default(false),
  HLS_URL_SECRET: z.string().min(16).optional(),
  HLS_URL_TTL_S: z.coerce.number().int().min(60).default(6 * 3600),
  /** Room types (YAML or JSON): broadcast defaults, limits and roles per type; unset: the built-in `default` only. */
  ROOM_TYPES_FILE: z.string().min(1).optional(),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, '')).optional(),
  /** redis:// or rediss://; unset: webhook retries queue in memory. Credentials in it are never logged. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** What this process runs: `all` (rooms and egress in one process, Redis optional), `sfu` or `egress` (both need REDIS_URL). */
  ROOMCAST_ROLE: NodeRoleSchema.default('all'),
  /** This node's id in the cluster registry (letters, digits, `.`, `_`, `-`); default `<hostname>-<pid>-<4 hex>`. */
  NODE_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" or "-", at most 64').optional(),
  /** How other nodes reach this node's REST API (http or https); default `http://<HOST>:<PORT>` (the machine's hostname when HOST is a wildcard). */
  INTERNAL_URL: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, '')).optional(),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  /** The variables it was read from: an egress process (EGRESS_PROCESS=child) reads the same ones. */
  env: NodeJS.ProcessEnv;
  host: string;
  port: number;
  logLevel: Env['LOG_LEVEL'];
  apiKey: string;
  apiSecret: string;
  /** True while the published dev credentials are in use: tokens anyone can mint. */
  devMode: boolean;
  workers: number;
  /** SFU_CONSUMERS_PER_WORKER: when a large room spreads over another worker; 0: never. */
  consumersPerWorker: number;
  rtc: { listenIp: string; announcedIp?: string; minPort: number; maxPort: number };
  maxRooms: number;
  roomAutoCreate: boolean;
  /** A room with no participant (joined or connecting) for this long is closed. */
  roomEmptyTimeoutMs: number;
  /** `POST /v1/demo/tokens` (dev mode only): moderators only on loopback; its own room quotas. */
  demo: { moderators: boolean; maxRooms: number; roomCreatesPerHour: number };
  rateLimitMax: number;
  wsPingIntervalMs: number;
  /** Per signaling socket: sustained messages per second and burst (see MessageRateLimit). */
  signalingRate: { perSecond: number; burst: number };
  /** What one participant may hold at once (transports are per direction, over its session). */
  participantLimits: { transportsPerDirection: number; producers: number; consumers: number };
  mediaTimeoutMs: number;
  demoDir: string;
  webhooks: { urls: string[]; secret: string };
  egress: {
    rtpPorts: { min: number; max: number };
    maxDestinationsPerRoom: number;
    maxDestinations: number;
    maxComposites: number;
    /** EGRESS_PROCESS */
    process: 'child' | 'inline';
    /** EGRESS_RTP_SRTP */
    rtpSrtp: boolean;
    /** EGRESS_RTP_LISTEN_IP, EGRESS_RTP_ANNOUNCED_IP */
    rtpListenIp: string;
    rtpAnnouncedIp?: string;
    /** EGRESS_TAP_LISTEN_IP (the SFU's side) */
    tapListenIp: string;
    /** Tiles a layout shows at most, and FFmpeg decoders (video and audio) per composite. */
    maxTiles: number;
    maxDecodersPerComposite: number;
    retryLimit: number;
    retryBaseMs: number;
    ioTimeoutMs: number;
    x264: { speed: Env['EGRESS_X264_PRESET']; threads?: number };
    background: string;
    rtmpsTls: { verify: boolean; caFile?: string };
    /** Destination policy: loopback/private/link-local hosts only when allowed; these hosts always. */
    destinations: { allowPrivate: boolean; allowlist: string[] };
    /** Where HLS live streams write playlists and segments, one directory per live stream. */
    hlsDir: string;
    /** Where recorded live streams write theirs, kept after they end (checked writable at start). */
    recordingsDir: string;
    /** RECORDINGS_S3_*: where finished recordings are uploaded; none: kept locally only. */
    recordingsS3?: RecordingsS3Config;
    /** ASSETS_DIR: uploaded images, kept until deleted (checked writable at start). */
    assetsDir: string;
  };
  /** Prefix of URLs handed out (HLS playback), e.g. https://rooms.example.com; none: paths on this server. */
  publicUrl?: string;
  /** HLS_SIGNED_URLS: playback and recording URLs signed with this secret, valid ttlS; none: unsigned. */
  hlsSigning?: UrlSigning;
  /** MEDIA_APPS and MEDIA_STREAM_*: realtime media streams to registered apps. */
  mediaStreams: MediaStreamConfig;
  /** ROOM_TYPES_FILE, validated at start (the built-in `default` type when unset). */
  roomTypes: RoomTypeDefinitions;
  /** WEB_LAYOUT_*: the `web` layout's allowed origins and load timeout. */
  webLayout: WebLayoutConfig;
  /** REDIS_URL: durable webhook queue and the cluster registry; none: in memory, no cluster. Holds credentials: log only `redactRedisUrl(redisUrl)`. */
  redisUrl?: string;
  /** ROOMCAST_ROLE, NODE_ID, INTERNAL_URL (unset: `defaultInternalUrl` once the port is known). */
  cluster: { role: NodeRole; nodeId: string; internalUrl?: string };
}

export interface RecordingsS3Config {
  bucket: string;
  prefix: string;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  deleteLocal: boolean;
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
  const recordingsDir = path.resolve(e.RECORDINGS_DIR ?? path.join(e.HLS_DIR, 'recordings'));
  checkWritableDir('RECORDINGS_DIR', recordingsDir);
  const assetsDir = path.resolve(e.ASSETS_DIR ?? path.join(recordingsDir, '..', 'assets'));
  checkWritableDir('ASSETS_DIR', assetsDir);
  const devMode = e.ROOMCAST_API_KEY === DEV_API_KEY || e.ROOMCAST_API_SECRET === DEV_API_SECRET;
  const devProblem = devModeProblem({ devMode, host: e.HOST, explicitDevMode: e.ROOMCAST_DEV_MODE === true });
  if (devProblem) throw new ConfigError(devProblem);
  const webhook = webhookSecret({ urls: e.WEBHOOK_URLS, secret: e.WEBHOOK_SECRET, apiSecret: e.ROOMCAST_API_SECRET, devMode });
  if ('problem' in webhook) throw new ConfigError(`invalid configuration: ${webhook.problem}`);
  const cluster = clusterConfig(e, (message) => new ConfigError(`invalid configuration: ${message}`));
  const hlsSigning = urlSigning(e);
  const mediaStreams = mediaStreamConfig(env);
  const roomTypes = roomTypesConfig(e.ROOM_TYPES_FILE, mediaStreams.apps, (message) => new ConfigError(`invalid configuration: ${message}`));
  return {
    env,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    apiKey: e.ROOMCAST_API_KEY,
    apiSecret: e.ROOMCAST_API_SECRET,
    devMode,
    workers: e.MEDIASOUP_WORKERS,
    consumersPerWorker: e.SFU_CONSUMERS_PER_WORKER,
    rtc: { listenIp: e.RTC_LISTEN_IP, announcedIp: e.RTC_ANNOUNCED_IP, minPort: e.RTC_MIN_PORT, maxPort: e.RTC_MAX_PORT },
    maxRooms: e.MAX_ROOMS,
    roomAutoCreate: e.ROOM_AUTO_CREATE,
    roomEmptyTimeoutMs: e.ROOM_EMPTY_TIMEOUT_S * 1000,
    // Demo rooms never take the last room slot: admins can always create one.
    demo: { moderators: isLoopbackHost(e.HOST), maxRooms: Math.min(e.DEMO_MAX_ROOMS, e.MAX_ROOMS - 1), roomCreatesPerHour: e.DEMO_ROOM_CREATE_MAX },
    rateLimitMax: e.RATE_LIMIT_MAX,
    wsPingIntervalMs: e.WS_PING_INTERVAL_MS,
    signalingRate: { perSecond: e.SIGNALING_MESSAGES_PER_SECOND, burst: e.SIGNALING_MESSAGE_BURST },
    participantLimits: {
      transportsPerDirection: e.PARTICIPANT_MAX_TRANSPORTS,
      producers: e.PARTICIPANT_MAX_PRODUCERS,
      consumers: e.PARTICIPANT_MAX_CONSUMERS,
    },
    mediaTimeoutMs: e.MEDIA_TIMEOUT_MS,
    demoDir: e.DEMO_DIR,
    webhooks: { urls: e.WEBHOOK_URLS, secret: webhook.secret },
    egress: egressConfig(e, recordingsDir, assetsDir),
    publicUrl: e.PUBLIC_URL,
    hlsSigning,
    mediaStreams,
    roomTypes,
    webLayout: loadWebLayoutConfig(env, (message) => new ConfigError(`invalid configuration: ${message}`)),
    redisUrl: e.REDIS_URL,
    cluster,
  };
}

/** The EGRESS_* variables (and where outputs are kept), as the egress is configured. */
function egressConfig(e: Env, recordingsDir: string, assetsDir: string): Config['egress'] {
  return {
    rtpPorts: { min: e.EGRESS_RTP_MIN_PORT, max: e.EGRESS_RTP_MAX_PORT },
    maxDestinationsPerRoom: e.EGRESS_MAX_DESTINATIONS_PER_ROOM,
    maxDestinations: e.EGRESS_MAX_DESTINATIONS,
    maxComposites: e.EGRESS_MAX_COMPOSITES,
    process: e.EGRESS_PROCESS,
    rtpSrtp: e.EGRESS_RTP_SRTP,
    rtpListenIp: e.EGRESS_RTP_LISTEN_IP,
    rtpAnnouncedIp: e.EGRESS_RTP_ANNOUNCED_IP,
    tapListenIp: e.EGRESS_TAP_LISTEN_IP,
    maxTiles: e.EGRESS_MAX_TILES,
    maxDecodersPerComposite: e.EGRESS_MAX_DECODERS_PER_COMPOSITE,
    retryLimit: e.EGRESS_RETRY_LIMIT,
    retryBaseMs: e.EGRESS_RETRY_BASE_MS,
    ioTimeoutMs: e.EGRESS_IO_TIMEOUT_MS,
    x264: { speed: e.EGRESS_X264_PRESET, threads: e.EGRESS_X264_THREADS },
    background: e.EGRESS_BACKGROUND,
    rtmpsTls: { verify: e.EGRESS_RTMPS_VERIFY, caFile: e.EGRESS_RTMPS_CA_FILE },
    destinations: { allowPrivate: e.EGRESS_ALLOW_PRIVATE_DESTINATIONS, allowlist: e.EGRESS_DESTINATION_ALLOWLIST },
    hlsDir: path.resolve(e.HLS_DIR),
    recordingsDir,
    recordingsS3: recordingsS3(e),
    assetsDir,
  };
}

function mediaStreamConfig(env: NodeJS.ProcessEnv): MediaStreamConfig {
  try {
    return loadMediaStreamConfig(env);
  } catch (error) {
    throw new ConfigError(`invalid configuration: ${(error as Error).message}`);
  }
}

/** Unset bucket: no upload. An endpoint with user:password would put a secret in logs and URLs: refused. */
function recordingsS3(e: Env): RecordingsS3Config | undefined {
  if (e.RECORDINGS_S3_BUCKET === undefined) return undefined;
  const endpoint = e.RECORDINGS_S3_ENDPOINT === undefined ? undefined : new URL(e.RECORDINGS_S3_ENDPOINT);
  if (endpoint && (endpoint.username || endpoint.password)) {
    throw new ConfigError('invalid configuration: RECORDINGS_S3_ENDPOINT must not hold credentials (use AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)');
  }
  return {
    bucket: e.RECORDINGS_S3_BUCKET,
    prefix: e.RECORDINGS_S3_PREFIX,
    endpoint: endpoint && e.RECORDINGS_S3_ENDPOINT!.replace(/\/+$/, ''),
    region: e.RECORDINGS_S3_REGION,
    forcePathStyle: e.RECORDINGS_S3_FORCE_PATH_STYLE,
    deleteLocal: e.RECORDINGS_S3_DELETE_LOCAL,
  };
}

/** HLS_SIGNED_URLS needs its own secret: one leaked playback URL must not help forge API tokens, nor the reverse. */
function urlSigning(e: Env): UrlSigning | undefined {
  if (!e.HLS_SIGNED_URLS) return undefined;
  if (e.HLS_URL_SECRET === undefined) throw new ConfigError('invalid configuration: HLS_SIGNED_URLS needs HLS_URL_SECRET (16 characters or more)');
  if (e.HLS_URL_SECRET === e.ROOMCAST_API_SECRET) throw new ConfigError('invalid configuration: HLS_URL_SECRET must not be the API secret');
  return { secret: e.HLS_URL_SECRET, ttlS: e.HLS_URL_TTL_S };
}

/** A directory the server writes later (created if missing) fails now, at start, rather than at the first recording. */
function checkWritableDir(name: string, dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK);
  } catch {
    throw new ConfigError(`invalid configuration: ${name}: cannot write ${dir}`);
  }
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
