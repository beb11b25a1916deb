import { createHmac } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * Start-time checks that keep an unsafe combination of settings from ever serving: the published
 * dev credentials on an address other hosts reach, and a webhook secret that could sign tokens.
 * Each returns a problem for `loadConfig` to throw as a ConfigError, naming what to set.
 */

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`: only this machine reaches them. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  if (isIPv4(h)) return h.startsWith('127.');
  if (!isIPv6(h)) return false;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h)?.[1];
  return mapped !== undefined && mapped.startsWith('127.');
}

/** Why the server must not start with the dev credentials, or undefined when it may. */
export function devModeProblem(options: { devMode: boolean; host: string; explicitDevMode: boolean }): string | undefined {
  if (!options.devMode || options.explicitDevMode || isLoopbackHost(options.host)) return undefined;
  return (
    `refusing to start: HOST=${options.host} is not a loopback address and the published dev credentials ` +
    '(devkey/devsecret) are in use, so anyone who reaches the server could mint tokens. ' +
    'Set ROOMCAST_API_KEY and ROOMCAST_API_SECRET, or set ROOMCAST_DEV_MODE=1 if you mean to run a public dev server.'
  );
}

/** The label the dev-mode webhook secret is derived with (README, Webhooks). */
export const WEBHOOK_SECRET_LABEL = 'roomcast-webhooks';

/**
 * The secret webhooks are signed with. Never the API secret: every receiver knows the webhook
 * secret, and the API secret signs admin tokens. Dev mode may derive one (HMAC of the published
 * API secret: not a token key, and anyone may compute it, like the dev secret itself).
 */
export function webhookSecret(options: {
  urls: string[];
  secret: string | undefined;
  apiSecret: string;
  devMode: boolean;
}): { secret: string } | { problem: string } {
  const { urls, secret, apiSecret, devMode } = options;
  if (secret !== undefined) {
    if (secret === apiSecret) return { problem: 'WEBHOOK_SECRET must differ from ROOMCAST_API_SECRET (webhook receivers could mint tokens with it)' };
    return { secret };
  }
  const derived = deriveWebhookSecret(apiSecret);
  if (urls.length === 0 || devMode) return { secret: derived };
  return {
    problem: 'WEBHOOK_URLS is set but WEBHOOK_SECRET is not: set WEBHOOK_SECRET (at least 16 characters, not the API secret) to sign webhooks',
  };
}

/** hex HMAC-SHA256(apiSecret, "roomcast-webhooks"): what dev-mode webhooks are signed with. */
export function deriveWebhookSecret(apiSecret: string): string {
  return createHmac('sha256', apiSecret).update(WEBHOOK_SECRET_LABEL).digest('hex');
}
