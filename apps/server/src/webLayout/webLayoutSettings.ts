import { randomUUID } from 'node:crypto';
import type { WebLayoutSettings } from '@roomcast/egress';
import type { Auth } from '../auth.js';
import type { WebLayoutConfig } from './webLayoutConfig.js';

/** The page joins within its load timeout; a reconnect later (the SDK's own) may need the token again. */
const RECORDER_TOKEN_TTL_S = 24 * 3600;

/**
 * The egress's web-layout settings from WEB_LAYOUT_*: the server's own origin is read when used,
 * since it is known only once the server listens (PORT=0 picks a port). An egress node serves no
 * page and no signaling: `roomOrigin` names the SFU node of each room.
 */
export function webLayoutSettings(config: WebLayoutConfig, serverOrigin: () => string, auth: Auth, roomOrigin?: (room: string) => string | undefined): WebLayoutSettings {
  return {
    roomOrigin,
    origins: config.origins,
    loadTimeoutMs: config.loadTimeoutMs,
    capture: config.capture,
    // A viewer (it never publishes, and layouts and media streams skip viewers) that is hidden:
    // never listed in the room, announced to participants, or reported in webhooks.
    recorderToken: async (room) =>
      (await auth.mintParticipant(room, { identity: `roomcast-recorder-${randomUUID()}`, name: 'Recorder', role: 'viewer', ttl_seconds: RECORDER_TOKEN_TTL_S }, true)).token,
    get serverOrigin() {
      return serverOrigin();
    },
  };
}

/**
 * The server's origin as Chromium on this machine reaches it: a wildcard listen address becomes
 * loopback (the page and its SDK talk to this server only, never through a public address).
 */
export function localOrigin(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return `http://${reachable}:${port}`;
}
