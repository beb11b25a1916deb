import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList } from 'node:net';
import { AppError } from '@roomcast/protocol';
import { ipFamily, isPublicAddress } from './addressRanges.js';
import { parseRtmpUrl } from './rtmpUrl.js';

/** Where the egress writes what an operator needs and a user must not see (pino's `warn` fits). */
export interface EgressLog {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface DestinationPolicyOptions {
  /** Let destinations on loopback, private and link-local addresses through (tests, a local nginx-rtmp). */
  allowPrivate: boolean;
  /** Host names or IP addresses always allowed, whatever they resolve to. */
  allowlist?: readonly string[];
  /** Every address a host name resolves to; `dns.lookup` (the system resolver, as FFmpeg uses) by default. */
  lookup?: (host: string) => Promise<string[]>;
  /** A resolver slower than this counts as a failure. */
  lookupTimeoutMs?: number;
  log?: EgressLog;
}

/** One message for every refusal: it must not tell a caller what is behind our network, or which ports are open. */
export const NOT_ALLOWED_MESSAGE = 'destination is not allowed: stream_url must name a reachable host on the public internet';

const systemLookup = async (host: string): Promise<string[]> =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Decides where the egress may connect (SSRF): a destination's host is resolved and every address
 * must be public, or the host (or address) allowlisted, or private destinations allowed. The check
 * runs before a broadcast starts (a 400, nothing started) and again before every connection, whose
 * address the relay then hands to FFmpeg so it cannot resolve the name to something else.
 */
export class DestinationPolicy {
  readonly allowPrivate: boolean;
  readonly #names = new Set<string>();
  readonly #addresses = new BlockList();
  readonly #lookup: (host: string) => Promise<string[]>;
  readonly #timeoutMs: number;
  readonly #log: EgressLog | undefined;

  constructor(options: DestinationPolicyOptions) {
    this.allowPrivate = options.allowPrivate;
    for (const entry of options.allowlist ?? []) {
      const host = normalizeHost(entry);
      const family = ipFamily(host);
      if (family) this.#addresses.addAddress(host, family);
      else this.#names.add(host);
    }
    this.#lookup = options.lookup ?? systemLookup;
    this.#timeoutMs = options.lookupTimeoutMs ?? 5000;
    this.#log = options.log;
  }

  /** Throws AppError(`destination_not_allowed`) unless every URL may be used. */
  async check(streamUrls: readonly string[]): Promise<void> {
    await Promise.all(streamUrls.map((url) => this.resolve(url)));
  }

  /**
   * The address FFmpeg should connect to for this URL; undefined when private destinations are
   * allowed (nothing to protect: FFmpeg resolves the name itself). Throws when not allowed.
   */
  async resolve(streamUrl: string): Promise<string | undefined> {
    if (this.allowPrivate) return undefined;
    const url = parseRtmpUrl(streamUrl);
    if (!url) throw new AppError('invalid_stream_url', 'stream_url must be an rtmp:// or rtmps:// URL');
    const host = normalizeHost(url.host);
    const addresses = await this.#resolveHost(host);
    const refused = addresses.find((address) => !this.#allows(host, address));
    if (addresses.length === 0 || refused !== undefined) {
      this.#log?.warn({ host, address: refused ?? null }, 'egress destination refused by the destination policy');
      throw new AppError('destination_not_allowed', NOT_ALLOWED_MESSAGE);
    }
    return addresses[0];
  }

  #allows(host: string, address: string): boolean {
    if (this.#names.has(host) || isPublicAddress(address)) return true;
    const family = ipFamily(address);
    return family !== undefined && this.#addresses.check(address.replace(/%.*$/, ''), family);
  }

  async #resolveHost(host: string): Promise<string[]> {
    if (ipFamily(host)) return [host];
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`resolving ${host} took longer than ${this.#timeoutMs} ms`)), this.#timeoutMs);
    });
    try {
      return await Promise.race([this.#lookup(host), timeout]);
    } catch (error) {
      this.#log?.warn({ host, reason: (error as Error).message }, 'egress destination host could not be resolved');
      return [];
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Lower case, no IPv6 brackets, no trailing dot: `Example.COM.` and `example.com` are one host. */
function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}
