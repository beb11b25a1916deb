import { describe, expect, it } from 'vitest';
import { boundUdpPorts, boundUdpSockets, PortAllocator } from './PortAllocator.js';

describe('where the SFU sends taps', () => {
  it('to loopback by default, else to the announced address, else to the listen address', () => {
    expect(new PortAllocator(40000, 40010)).toMatchObject({ listenIp: '127.0.0.1', announcedIp: '127.0.0.1', srtp: false });
    expect(new PortAllocator(40000, 40010, { listenIp: '10.0.4.7', srtp: true })).toMatchObject({ listenIp: '10.0.4.7', announcedIp: '10.0.4.7', srtp: true });
    expect(new PortAllocator(40000, 40010, { listenIp: '0.0.0.0' }).announcedIp).toBe('127.0.0.1');
    expect(new PortAllocator(40000, 40010, { listenIp: '0.0.0.0', announcedIp: '198.51.100.2' }).announcedIp).toBe('198.51.100.2');
  });
});

describe('boundUdpPorts', () => {
  it('reads the local ports of /proc/net/udp', () => {
    const table = [
      '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
      '  123: 0100007F:C350 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1 2 0000000000000000 0',
      '  124: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1 2 0000000000000000 0',
      '',
    ].join('\n');
    expect([...boundUdpPorts(table)]).toEqual([50000, 68]);
    expect(boundUdpSockets(table)).toEqual([
      { address: '127.0.0.1', port: 50000 },
      { address: '0.0.0.0', port: 68 },
    ]);
  });
});
