import { BlockList, isIP } from 'node:net';

/**
 * Addresses that are not somebody's public ingest server: this host, the private networks around
 * it, link-local (169.254.169.254 is the cloud metadata service) and the special-purpose ranges.
 * Node's BlockList matches IPv4-mapped IPv6 (`::ffff:127.0.0.1`) against the IPv4 rules itself.
 */
const NON_PUBLIC: ReadonlyArray<[network: string, prefix: number, family: 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'], // "this network"; 0.0.0.0 reaches loopback on Linux
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'], // link-local, metadata services
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'], // IETF protocol assignments
  ['192.0.2.0', 24, 'ipv4'], // documentation
  ['192.88.99.0', 24, 'ipv4'], // 6to4 relay anycast
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'], // benchmarking
  ['198.51.100.0', 24, 'ipv4'], // documentation
  ['203.0.113.0', 24, 'ipv4'], // documentation
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, broadcast
  ['::', 96, 'ipv6'], // unspecified, loopback, IPv4-compatible
  ['::ffff:0:0:0', 96, 'ipv6'], // IPv4-translated (SIIT): may wrap a private IPv4 address
  ['64:ff9b:1::', 48, 'ipv6'], // local-use IPv4/IPv6 translation
  ['100::', 64, 'ipv6'], // discard
  ['2001::', 23, 'ipv6'], // IETF protocol assignments (Teredo included)
  ['2001:db8::', 32, 'ipv6'], // documentation
  ['2002::', 16, 'ipv6'], // 6to4: may wrap any IPv4 address, private ones included
  ['fc00::', 7, 'ipv6'], // unique local
  ['fe80::', 10, 'ipv6'], // link-local
  ['fec0::', 10, 'ipv6'], // site-local (deprecated)
  ['ff00::', 8, 'ipv6'], // multicast
];

const nonPublic = new BlockList();
for (const [network, prefix, family] of NON_PUBLIC) nonPublic.addSubnet(network, prefix, family);

export type IpFamily = 'ipv4' | 'ipv6';

/** 'ipv4' | 'ipv6' for an IP literal (an IPv6 zone such as `%eth0` is ignored), else undefined. */
export function ipFamily(address: string): IpFamily | undefined {
  const version = isIP(address.replace(/%.*$/, ''));
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : undefined;
}

/** True for an address on the public internet; false for anything above, or for what is not an IP. */
export function isPublicAddress(address: string): boolean {
  const family = ipFamily(address);
  if (!family) return false;
  return !nonPublic.check(address.replace(/%.*$/, ''), family);
}
