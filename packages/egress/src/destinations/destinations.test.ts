import { AppError } from '@roomcast/protocol';
import { describe, expect, it } from 'vitest';
import type { FfmpegExit } from '../ffmpeg/FfmpegProcess.js';
import { isPublicAddress } from './addressRanges.js';
import { DestinationPolicy, NOT_ALLOWED_MESSAGE } from './DestinationPolicy.js';
import { RELAY_FAILURES, relayFailureOf } from './relayFailure.js';
import { parseRtmpUrl } from './rtmpUrl.js';

/** A resolver from a table: no real DNS in unit tests. */
const fakeLookup = (table: Record<string, string[]>) => async (host: string) => {
  const addresses = table[host];
  if (!addresses) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
  return addresses;
};

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  return error instanceof AppError ? { code: error.code, message: error.message } : error;
};

describe('non-public address ranges', () => {
  it('refuses loopback, private, CGNAT, link-local (metadata), unspecified, multicast and mapped forms', () => {
    const refused = [
      '127.0.0.1', '127.8.9.10', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1',
      '169.254.169.254', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fe80::1%eth0',
      'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254',
      '::ffff:10.1.2.3', '::ffff:0:7f00:1', '2002:7f00:1::1', 'not-an-ip', '',
    ];
    for (const address of refused) expect(isPublicAddress(address), address).toBe(false);
  });

  it('lets public unicast addresses through, also IPv4-mapped', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2001:4860:4860::8888', '2a03:2880::1', '::ffff:8.8.8.8']) {
      expect(isPublicAddress(address), address).toBe(true);
    }
  });
});

describe('DestinationPolicy', () => {
  const lookup = fakeLookup({
    'ingest.example': ['203.0.114.10', '2a00:1450::10'],
    localhost: ['127.0.0.1', '::1'],
    'rebind.example': ['203.0.114.11', '10.0.0.5'],
    'metadata.example': ['169.254.169.254'],
    'studio.internal': ['10.1.2.3'],
  });
  const policy = new DestinationPolicy({ allowPrivate: false, allowlist: ['Studio.Internal.', '192.168.7.7', '[fd00::7]'], lookup });
  const notAllowed = { code: 'destination_not_allowed', message: NOT_ALLOWED_MESSAGE };

  it('resolves a public host to the address FFmpeg must use', async () => {
    expect(await policy.resolve('rtmp://ingest.example/live2')).toBe('203.0.114.10');
    expect(await policy.resolve('rtmps://[2a00:1450::10]:443/app')).toBe('2a00:1450::10');
  });

  it('refuses loopback, private, link-local and unresolvable hosts with one coarse message', async () => {
    for (const url of [
      'rtmp://127.0.0.1/live', 'rtmp://10.0.0.1/live', 'rtmp://169.254.169.254/latest', 'rtmp://[::1]:1935/live',
      'rtmp://[::ffff:127.0.0.1]/live', 'rtmp://localhost:1935/live', 'rtmp://metadata.example/x',
      'rtmp://rebind.example/live', 'rtmp://nowhere.example/live',
    ]) {
      expect(await refusal(policy.resolve(url)), url).toEqual(notAllowed);
    }
    expect(await refusal(policy.check(['rtmp://ingest.example/a', 'rtmp://localhost/b']))).toEqual(notAllowed);
  });

  it('lets allowlisted names and addresses through, and everything when private destinations are allowed', async () => {
    expect(await policy.resolve('rtmp://studio.internal/live')).toBe('10.1.2.3');
    expect(await policy.resolve('rtmp://192.168.7.7/live')).toBe('192.168.7.7');
    expect(await policy.resolve('rtmp://[fd00::7]/live')).toBe('fd00::7');
    const open = new DestinationPolicy({ allowPrivate: true, lookup });
    expect(await open.resolve('rtmp://127.0.0.1/live')).toBeUndefined();
    await expect(open.check(['rtmp://localhost/live'])).resolves.toBeUndefined();
  });

  it('counts a resolver that hangs as a refusal', async () => {
    const slow = new DestinationPolicy({ allowPrivate: false, lookup: () => new Promise(() => undefined), lookupTimeoutMs: 20 });
    expect(await refusal(slow.resolve('rtmp://slow.example/live'))).toEqual(notAllowed);
  });

  it('logs the detail for the operator', async () => {
    const lines: unknown[] = [];
    const logged = new DestinationPolicy({ allowPrivate: false, lookup, log: { warn: (details) => lines.push(details) } });
    await logged.resolve('rtmp://metadata.example/x').catch(() => undefined);
    expect(lines).toEqual([{ host: 'metadata.example', address: '169.254.169.254' }]);
  });
});

describe('rtmp URLs', () => {
  it('parses host, default ports and IPv6 literals, and refuses user info', () => {
    expect(parseRtmpUrl('rtmp://h/live')).toEqual({ scheme: 'rtmp', host: 'h', port: 1935, path: '/live' });
    expect(parseRtmpUrl('RTMPS://h')).toEqual({ scheme: 'rtmps', host: 'h', port: 443, path: '' });
    expect(parseRtmpUrl('rtmp://[::1]:19350/live?x')).toEqual({ scheme: 'rtmp', host: '::1', port: 19350, path: '/live?x' });
    expect(parseRtmpUrl('rtmp://u:p@h/live')).toBeUndefined();
    expect(parseRtmpUrl('rtmp://h:99999/live')).toBeUndefined();
    expect(parseRtmpUrl('http://h/live')).toBeUndefined();
  });
});

describe('relay failures in a fixed vocabulary', () => {
  const exit = (stderr: string[], more: Partial<FfmpegExit> = {}): FfmpegExit => ({ code: 1, signal: null, expected: false, stderr, ...more });

  it('names what FFmpeg 5.1 printed (lines as seen on this machine) with one of the fixed phrases', () => {
    const cases: Array<[string[], string]> = [
      [['[tcp @ 0x1] Connection to tcp://127.0.0.1:19379?tcp_nodelay=0 failed: Connection refused', 'rtmp://127.0.0.1:19379: Connection refused'], RELAY_FAILURES.refused],
      [['[rtmp @ 0x1] Cannot read RTMP handshake response', 'rtmp://127.0.0.1:19371: Connection timed out'], RELAY_FAILURES.timedOut],
      [['[rtmp @ 0x1] Cannot read RTMP handshake response', 'rtmp://127.0.0.1:19372: End of file'], RELAY_FAILURES.closed],
      [['rtmp://127.0.0.1:19373: Connection reset by peer'], RELAY_FAILURES.closed],
      [["[tls @ 0x1] The certificate's owner does not match hostname 127.0.0.1", 'rtmps://127.0.0.1:19364: Input/output error'], RELAY_FAILURES.tlsHostMismatch],
      [['[tls @ 0x1] Peer certificate failed verification', 'rtmps://127.0.0.1:19363: Input/output error'], RELAY_FAILURES.tlsUntrusted],
      [['[tcp @ 0x1] Failed to resolve hostname nonexistent.invalid: Name or service not known'], RELAY_FAILURES.unreachable],
      [['[tcp @ 0x1] Connection to tcp://192.0.2.1:1935 failed: No route to host'], RELAY_FAILURES.unreachable],
      [['[rtmp @ 0x1] Server error: Already publishing'], RELAY_FAILURES.rejected],
      [['[tls @ 0x1] Error in the push function.'], RELAY_FAILURES.tlsFailed],
    ];
    for (const [stderr, phrase] of cases) expect(relayFailureOf(exit(stderr)), stderr.join(' / ')).toBe(phrase);
  });

  it('says a stall, a kill or a silent end apart, never echoing FFmpeg', () => {
    expect(relayFailureOf(exit(['whatever']), true)).toBe(RELAY_FAILURES.stalled);
    expect(relayFailureOf(exit([], { code: null, signal: 'SIGKILL' }))).toBe(RELAY_FAILURES.crashed);
    expect(relayFailureOf(exit([], { code: 0 }))).toBe(RELAY_FAILURES.closed);
    expect(Object.values(RELAY_FAILURES)).toContain(relayFailureOf(exit(['sk_live_secret: something new'])));
  });
});
