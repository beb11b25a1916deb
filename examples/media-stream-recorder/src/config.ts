export interface RecorderConfig {
  host: string;
  port: number;
  clientId: string;
  clientSecret: string;
  outDir: string;
  /** How long to keep reconnecting after a drop: the server's grace period. */
  reconnectWindowMs: number;
}

/** PORT, HOST (loopback by default), CLIENT_ID, CLIENT_SECRET, OUT_DIR, RECONNECT_WINDOW_S. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): RecorderConfig {
  const clientId = env.CLIENT_ID ?? '';
  const clientSecret = env.CLIENT_SECRET ?? '';
  if (!clientId || !clientSecret) throw new Error('CLIENT_ID and CLIENT_SECRET are required (the app entry of MEDIA_APPS)');
  const port = Number(env.PORT ?? 4100);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('PORT must be a port number');
  const windowS = Number(env.RECONNECT_WINDOW_S ?? 30);
  if (!Number.isFinite(windowS) || windowS < 0) throw new Error('RECONNECT_WINDOW_S must be a number of seconds');
  return { host: env.HOST ?? '127.0.0.1', port, clientId, clientSecret, outDir: env.OUT_DIR ?? 'recordings', reconnectWindowMs: windowS * 1000 };
}
